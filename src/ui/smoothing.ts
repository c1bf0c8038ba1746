/**
 * Curve smoothing as TensorBoard does it: an exponential moving average, debiased so the first
 * points are not pulled towards 0 (each value is divided by 1 − w^n, n the finite points so far).
 * Non-finite values pass through unchanged and do not enter the average; a constant series is left
 * as it is (its average would drift by rounding). Pure.
 */

/** The largest weight: at 1 the average would never move. */
export const MAX_SMOOTHING = 0.999;

export function emaSmooth(values: readonly number[], weight: number): number[] {
  if (!Number.isFinite(weight) || weight < 0 || weight > MAX_SMOOTHING) {
    throw new RangeError(`smoothing must be between 0 and ${MAX_SMOOTHING}, got ${weight}`);
  }
  const constant = values.every((v) => v === values[0]);
  let last = 0;
  let count = 0;
  return values.map((value) => {
    if (constant || !Number.isFinite(value)) return value;
    last = last * weight + (1 - weight) * value;
    count++;
    return last / (1 - weight ** count);
  });
}
