/**
 * Finite-difference gradient checking for tfjs code (a test helper; no runtime code depends on it).
 *
 * Central differences in float32: ∂f/∂x_i ≈ (f(x + h·e_i) − f(x − h·e_i)) / (x_i⁺ − x_i⁻), where
 * x_i^± are the float32-rounded perturbed values (so the denominator is the step that was really taken).
 * The truncation error is O(h²·f‴) and the rounding error is about ulp(f)/h, so with float32 the useful
 * step is h ≈ 1e-2…1e-3 (default 1e-2) and the comparison must be tolerant:
 *
 *   |analytic − numeric| ≤ atol + noise + rtol · max(|analytic|, |numeric|),
 *   noise = 1e-6 · max(1, |f(x)|) / h   (float32 rounding of f amplified by 1/h).
 *
 * Functions with kinks (ReLU, max) are fine as long as no coordinate sits within h of a kink; keep the
 * test inputs random and generic.
 */
import * as tf from '@tensorflow/tfjs';

export interface GradientCheckOptions {
  /** Finite-difference step h (default 1e-2). */
  eps?: number;
  /** Relative tolerance (default 2e-2). */
  rtol?: number;
  /** Absolute tolerance (default 1e-3); the f-dependent rounding noise is added to it. */
  atol?: number;
  /** Check at most this many coordinates, chosen with `seed` (default: all). */
  maxEntries?: number;
  /** Seed for choosing the coordinates when `maxEntries` is smaller than the tensor (default 1). */
  seed?: number;
}

export interface GradientCheckResult {
  ok: boolean;
  /** Flat indices of the coordinates that were checked. */
  indices: number[];
  /** Analytic (autodiff) gradient at those coordinates. */
  analytic: number[];
  /** Central-difference estimate at those coordinates. */
  numeric: number[];
  maxAbsError: number;
  /** max |a − n| / max(|a|, |n|, 1e-12). */
  maxRelError: number;
  /** Human-readable summary naming the worst coordinate; use it as the assertion message. */
  message: string;
}

/** Deterministic coordinate choice (mulberry32 + partial Fisher–Yates). */
function chooseIndices(size: number, maxEntries: number | undefined, seed: number): number[] {
  const all = Array.from({ length: size }, (_, i) => i);
  if (maxEntries === undefined || maxEntries >= size) return all;
  let s = seed >>> 0;
  const rand = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = 0; i < maxEntries; i++) {
    const j = i + Math.floor(rand() * (size - i));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, maxEntries).sort((a, b) => a - b);
}

function scalarValue(t: tf.Tensor): number {
  if (t.size !== 1) throw new Error(`gradient check: the function must return a scalar, got shape [${t.shape.join(',')}]`);
  return t.dataSync()[0];
}

/**
 * Shared core: `evalAt(values)` evaluates f with the checked tensor set to `values` (a float32 copy of
 * the original), `analytic` is the autodiff gradient (flat).
 */
function compare(
  base: Float32Array,
  analyticFlat: Float32Array,
  evalAt: (values: Float32Array) => number,
  opts: GradientCheckOptions,
): GradientCheckResult {
  const eps = opts.eps ?? 1e-2;
  const rtol = opts.rtol ?? 2e-2;
  const atol = opts.atol ?? 1e-3;
  const f0 = evalAt(base);
  const noise = (1e-6 * Math.max(1, Math.abs(f0))) / eps;
  const indices = chooseIndices(base.length, opts.maxEntries, opts.seed ?? 1);
  const analytic: number[] = [];
  const numeric: number[] = [];
  let ok = true;
  let maxAbsError = 0;
  let maxRelError = 0;
  let worst = -1;
  let worstExcess = -Infinity;
  const values = new Float32Array(base);
  for (const i of indices) {
    const x = base[i];
    const plus = Math.fround(x + eps);
    const minus = Math.fround(x - eps);
    values[i] = plus;
    const fp = evalAt(values);
    values[i] = minus;
    const fm = evalAt(values);
    values[i] = x;
    const n = (fp - fm) / (plus - minus);
    const a = analyticFlat[i];
    analytic.push(a);
    numeric.push(n);
    const absErr = Math.abs(a - n);
    const scale = Math.max(Math.abs(a), Math.abs(n));
    const relErr = absErr / Math.max(scale, 1e-12);
    maxAbsError = Math.max(maxAbsError, absErr);
    maxRelError = Math.max(maxRelError, relErr);
    const excess = absErr - (atol + noise + rtol * scale);
    if (!(excess <= 0)) ok = false;
    if (excess > worstExcess || Number.isNaN(excess)) {
      worstExcess = Number.isNaN(excess) ? Infinity : excess;
      worst = i;
    }
  }
  const k = indices.indexOf(worst);
  const message =
    k < 0
      ? 'gradient check: nothing checked'
      : `gradient check ${ok ? 'passed' : 'FAILED'}: ${indices.length} coords, maxAbs ${maxAbsError.toExponential(3)}, ` +
        `maxRel ${maxRelError.toExponential(3)}; worst index ${worst}: analytic ${analytic[k]}, numeric ${numeric[k]} ` +
        `(f=${f0}, eps=${eps}, rtol=${rtol}, atol=${atol}+noise ${noise.toExponential(2)})`;
  return { ok, indices, analytic, numeric, maxAbsError, maxRelError, message };
}

/**
 * Checks tf.grad of the scalar function `f` at `x` against central differences.
 * `f` may create intermediates freely; every evaluation runs inside tf.tidy.
 */
export function checkGradient(
  f: (x: tf.Tensor) => tf.Scalar | tf.Tensor,
  x: tf.Tensor,
  opts: GradientCheckOptions = {},
): GradientCheckResult {
  const base = new Float32Array(x.dataSync());
  const analyticFlat = tf.tidy(() => {
    const g = tf.grad((t: tf.Tensor) => f(t) as tf.Scalar)(x);
    return new Float32Array(g.dataSync());
  });
  const evalAt = (values: Float32Array): number => tf.tidy(() => scalarValue(f(tf.tensor(values, x.shape, 'float32'))));
  return compare(base, analyticFlat, evalAt, opts);
}

/**
 * Checks the gradient of `f` w.r.t. each of `xs` (the others held fixed), one result per input.
 */
export function checkGradients(
  f: (...xs: tf.Tensor[]) => tf.Scalar | tf.Tensor,
  xs: tf.Tensor[],
  opts: GradientCheckOptions = {},
): GradientCheckResult[] {
  return xs.map((_, k) =>
    checkGradient((xk) => f(...xs.map((x, j) => (j === k ? xk : x))), xs[k], opts),
  );
}

/**
 * Checks the gradient of `f` (closing over variables) w.r.t. the tf.Variable `v`, via tf.variableGrads.
 * The variable is perturbed in place with `assign` and restored to its original value afterwards.
 */
export function checkVariableGradient(
  f: () => tf.Scalar | tf.Tensor,
  v: tf.Variable,
  opts: GradientCheckOptions = {},
): GradientCheckResult {
  const original = tf.clone(v);
  const base = new Float32Array(original.dataSync());
  try {
    const analyticFlat = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => f() as tf.Scalar, [v]);
      value.dispose();
      const g = grads[v.name];
      return g === undefined ? new Float32Array(base.length) : new Float32Array(g.dataSync());
    });
    const evalAt = (values: Float32Array): number =>
      tf.tidy(() => {
        v.assign(tf.tensor(values, v.shape, 'float32'));
        return scalarValue(f());
      });
    return compare(base, analyticFlat, evalAt, opts);
  } finally {
    v.assign(original);
    original.dispose();
  }
}
