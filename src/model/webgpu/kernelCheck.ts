import * as tf from '@tensorflow/tfjs';

/**
 * The interface of the WebGPU kernel checks: each fused WebGPU kernel is compared with the plain
 * implementation on another backend (wasm or cpu). Node has no WebGPU adapter on a machine without
 * a GPU, so the checks run in headless Chromium (e2e/webgpu/, driven by e2e/webgpuKernels.spec.ts).
 *
 * A module named `src/**\/*.webgpuCheck.ts` that exports `checks: KernelCheck[]` is picked up by the
 * check worker by itself (Vite `import.meta.glob`): adding checks never edits a shared list.
 */

/** The result of one check: it passes when `maxRelError <= tolerance`. */
export interface KernelCheckOutcome {
  maxRelError: number;
  tolerance: number;
  /** What was compared (shapes, which output was worst), shown on failure. */
  detail?: string;
}

export interface KernelCheck {
  /** Unique across all check files; the spec and the page's filter use it. */
  name: string;
  /** Runs with tfjs's webgpu and wasm backends initialised; the active backend on entry is webgpu. */
  run(): Promise<KernelCheckOutcome>;
}

/**
 * Values smaller than this count as this large in the relative error's denominator: it keeps
 * entries that are (near) zero in the reference from turning float noise into a large ratio.
 */
export const RELATIVE_ERROR_FLOOR = 1e-3;

/**
 * max_i |actual_i − expected_i| / max(|expected_i|, floor), over every entry; Infinity when the
 * lengths differ or an entry of `actual` is not finite where `expected`'s is.
 */
export function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>, floor = RELATIVE_ERROR_FLOOR): number {
  if (actual.length !== expected.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!Number.isFinite(a) && Number.isFinite(e)) return Infinity;
    const err = Math.abs(a - e) / Math.max(Math.abs(e), floor);
    if (err > worst) worst = err;
  }
  return worst;
}

/** Named host arrays (outputs and gradients) compared pairwise: the worst error and where it was. */
export function compareOutputs(
  actual: Readonly<Record<string, ArrayLike<number>>>,
  expected: Readonly<Record<string, ArrayLike<number>>>,
  tolerance: number,
  floor = RELATIVE_ERROR_FLOOR,
): KernelCheckOutcome {
  let worst = 0;
  const parts: string[] = [];
  for (const key of Object.keys(expected)) {
    const got = actual[key];
    const err = got ? maxRelativeError(got, expected[key]!, floor) : Infinity;
    parts.push(`${key} ${err.toExponential(2)}`);
    if (!(err <= worst)) worst = err;
  }
  return { maxRelError: worst, tolerance, detail: parts.join(', ') };
}

/**
 * Runs `fn` with `backend` active and reads the tensors it returns back to the host (so they can be
 * compared with another backend's), disposing every tensor made meanwhile; restores the backend that
 * was active. The backend must be registered and initialised (the check worker starts webgpu and wasm).
 */
export async function onBackend<K extends string>(
  backend: string,
  fn: () => Record<K, tf.Tensor>,
): Promise<Record<K, Float32Array>> {
  const before = tf.getBackend();
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not start`);
  try {
    const tensors = tf.tidy(() => fn());
    try {
      const out = {} as Record<K, Float32Array>;
      for (const key of Object.keys(tensors) as K[]) out[key] = Float32Array.from(await tensors[key].data());
      return out;
    } finally {
      tf.dispose(Object.values(tensors) as tf.Tensor[]);
    }
  } finally {
    await tf.setBackend(before);
  }
}

/** Deterministic values in [−scale, scale) (a small LCG), so a failing check can be replayed. */
export function seededValues(count: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(count);
  let state = (seed >>> 0) || 1;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = (state / 2 ** 32) * 2 * scale - scale;
  }
  return out;
}
