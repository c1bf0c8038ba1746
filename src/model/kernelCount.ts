import * as tf from '@tensorflow/tfjs';

export interface KernelCount {
  /** Backend kernels run (every `runKernel`, nested ones included). */
  readonly total: number;
  /**
   * Rough GPU dispatch count: metadata-only kernels (Reshape, Identity, ExpandDims, Squeeze) count 0,
   * multi-output slicers (Unpack, SplitV) one per output, as WebGPU runs one slice program per output;
   * everything else 1. An estimate for comparing designs, not a measurement.
   */
  readonly dispatches: number;
  /** Kernels per name, most frequent first. */
  readonly byName: ReadonlyArray<readonly [string, number]>;
}

const METADATA_ONLY = new Set(['Reshape', 'Identity', 'ExpandDims', 'Squeeze']);
const PER_OUTPUT = new Set(['Unpack', 'SplitV']);

/**
 * Counts the backend kernels `fn` runs, using `tf.profile`. Profile records that are not registered
 * kernels of the active backend (those of `tf.customGrad` and other op scopes) are left out. Tensors
 * `fn` returns are disposed. Profiling times every kernel: use it for counts, not for timings.
 */
export async function countKernels(fn: () => tf.TensorContainer | void): Promise<KernelCount> {
  const backend = tf.getBackend();
  const info = await tf.profile(() => fn() ?? []);
  tf.dispose(info.result);
  const counts = new Map<string, number>();
  let dispatches = 0;
  for (const k of info.kernels) {
    if (tf.getKernel(k.name, backend) === undefined) continue;
    counts.set(k.name, (counts.get(k.name) ?? 0) + 1);
    dispatches += METADATA_ONLY.has(k.name) ? 0 : PER_OUTPUT.has(k.name) ? k.outputShapes.length : 1;
  }
  const byName = [...counts].sort((a, b) => b[1] - a[1]);
  return { total: byName.reduce((sum, [, c]) => sum + c, 0), dispatches, byName };
}
