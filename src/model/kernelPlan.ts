import * as tf from '@tensorflow/tfjs';
import { addAll } from './addAll.ts';

/**
 * How N independent matrix products ("streams": stacks × directions of a BiLSTM) are dispatched.
 * - `batched`: one BatchMatMul `[N, M, K]·[N, K, P]`, transposes folded into it. On WebGPU/WebGL it is
 *   one dispatch, and in a recurrent loop dispatches, not FLOPs, are the cost.
 * - `perStream`: N separate 2-D matmuls with explicit transposes. Measured on WASM (Node, 1 thread):
 *   a batched product is ~8–12× slower than the same work as 2-D products (N=6, [32×256]·[256×1024]:
 *   49 ms vs 6 × 0.6 ms), and a 2-D product with a transposed operand ~13× slower than after an
 *   explicit transpose ([960×256]ᵀ·[960×1024]: 291 ms vs 21 ms). The CPU backend is treated alike.
 */
export type MatMulStrategy = 'batched' | 'perStream';

/**
 * How a tensor is cut into pieces (per-timestep slices, gate blocks, per-stream operands, row gathers).
 * - `kernel`: backend kernels (Unpack, SplitV, Slice, GatherV2). On GPU backends the data stays on the
 *   device; on CPU slices are cheap views.
 * - `host`: one read of the values and plain typed-array copies. Only for backends whose memory is
 *   host memory (wasm, cpu). On WASM each Slice kernel first copies its WHOLE input out of the heap, so
 *   unstacking a `[30, 6·32·1024]` tensor by kernels takes ~290 ms and by host copies ~20 ms.
 * Host pieces are not on the autodiff tape: use them only inside `tf.customGrad` functions.
 */
export type CopyStrategy = 'kernel' | 'host';

/**
 * How the recurrence computes tanh.
 * - `kernel`: the backend's Tanh.
 * - `sigmoid`: tanh(x) = 2·σ(2x) − 1 (exact in real arithmetic; float32 results differ by ~1e-7).
 *   WASM's Tanh is a scalar loop while its Sigmoid is vectorised (XNNPACK): for `[6,256,256]`,
 *   10.0 ms against 2.9 ms for the three-kernel form (Node 20, 1 thread). On CPU it is slower.
 */
export type TanhStrategy = 'kernel' | 'sigmoid';

/**
 * How the LSTM recurrence (`lstmRecurrence.ts`) runs.
 * - `steps`: a loop of backend kernels per timestep (a product, gates, cell update; BPTT likewise),
 *   ~15 kernels per step forward and as many backward: on a GPU, dispatches that grow with T.
 * - `fused`: WebGPU programs with the time loop inside the shader (`webgpu/lstmRecurrenceProgram.ts`):
 *   one dispatch for the forward of all streams, one for BPTT, whatever T. webgpu only.
 */
export type RecurrenceStrategy = 'steps' | 'fused';

/**
 * How the CRF's log-partition (and its gradient) and Viterbi run.
 * - `steps`: tfjs ops per timestep (~10 kernels a step forward, autodiff backward) and Viterbi in JS
 *   on the host after one readback of the emissions; on CPU/WASM that is the fast way.
 * - `fused`: one WebGPU program each with the time loop inside (`webgpu/crfPrograms.ts`): a few
 *   dispatches whatever the length. webgpu backend only.
 */
export type CrfStrategy = 'steps' | 'fused';

/**
 * How global-norm clipping and Adam run on a GPU backend (host-memory backends use `HostAdam`).
 * - `perVariable`: tf.train.adam on clipped gradients, ~15 kernels per variable.
 * - `fused`: `webgpu/fusedAdam.ts`, a chained norm, packed moments and one update per variable:
 *   ~1.4 dispatches per variable. webgpu backend only.
 */
export type OptimizerStrategy = 'perVariable' | 'fused';

/**
 * How dropout runs.
 * - `ops`: `tf.dropout` (noise, then Add, Floor, RealDiv and Multiply; one more kernel backward).
 * - `fused`: one WebGPU program each way on the same noise (`webgpu/dropoutProgram.ts`), equal in
 *   value. webgpu backend only.
 */
export type DropoutStrategy = 'ops' | 'fused';

export interface KernelPlan {
  readonly matMul: MatMulStrategy;
  readonly copies: CopyStrategy;
  /** Default `kernel`. */
  readonly tanh?: TanhStrategy;
  /** Default `steps`. */
  readonly recurrence?: RecurrenceStrategy;
  /** Default `steps`. */
  readonly crf?: CrfStrategy;
  /** Default `perVariable`. */
  readonly optimizer?: OptimizerStrategy;
  /** Default `ops`. */
  readonly dropout?: DropoutStrategy;
}

/** The fastest plan for `backend` (default: the active tfjs backend). */
export function defaultKernelPlan(backend: string = tf.getBackend()): KernelPlan {
  if (backend === 'wasm') return { matMul: 'perStream', copies: 'host', tanh: 'sigmoid' };
  if (backend === 'cpu') return { matMul: 'perStream', copies: 'kernel' };
  if (backend === 'webgpu') return { matMul: 'batched', copies: 'kernel', recurrence: 'fused', crf: 'fused', optimizer: 'fused', dropout: 'fused' };
  return { matMul: 'batched', copies: 'kernel' };
}

/**
 * `defaultKernelPlan` with overrides; refuses host copies on a backend whose memory is a device's,
 * and the fused WebGPU programs (recurrence, CRF, optimizer) off WebGPU.
 */
export function resolveKernelPlan(overrides: Partial<KernelPlan> = {}): KernelPlan {
  const backend = tf.getBackend();
  const plan = { ...defaultKernelPlan(backend), ...overrides };
  if (plan.copies === 'host' && backend !== 'wasm' && backend !== 'cpu') {
    throw new Error(`host copies would read tensors back from the '${backend}' device; use copies: 'kernel'`);
  }
  if (plan.recurrence === 'fused' && backend !== 'webgpu') throw new Error(`the fused recurrence is a WebGPU program; '${backend}' needs recurrence: 'steps'`);
  if ((plan.crf === 'fused' || plan.optimizer === 'fused' || plan.dropout === 'fused') && backend !== 'webgpu') {
    throw new Error(`fused CRF, optimizer and dropout kernels are WebGPU programs; the active backend is '${backend}'`);
  }
  return plan;
}

const size = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

function hostFloats(x: tf.Tensor): Float32Array {
  const values = x.dataSync();
  if (!(values instanceof Float32Array)) throw new Error(`host copies need float32, got ${x.dtype}`);
  return values;
}

/** Splits `x` along `axis` into its `x.shape[axis]` pieces (rank − 1 each). */
export function unstackAlong(x: tf.Tensor, axis: number, copies: CopyStrategy): tf.Tensor[] {
  if (copies === 'kernel') return tf.unstack(x, axis);
  const shape = x.shape;
  const count = shape[axis];
  const outer = size(shape.slice(0, axis));
  const inner = size(shape.slice(axis + 1));
  const outShape = [...shape.slice(0, axis), ...shape.slice(axis + 1)];
  const values = hostFloats(x);
  return Array.from({ length: count }, (_, k) => {
    // A view suffices: tfjs tensors are immutable, and WASM copies it into its heap anyway.
    if (outer === 1) return tf.tensor(values.subarray(k * inner, (k + 1) * inner), outShape, 'float32');
    const out = new Float32Array(outer * inner);
    for (let o = 0; o < outer; o++) {
      const from = (o * count + k) * inner;
      out.set(values.subarray(from, from + inner), o * inner);
    }
    return tf.tensor(out, outShape, 'float32');
  });
}

/**
 * Blocks `[begin_k, begin_k + width)` of the last axis of `x`, one tensor per block.
 * `blocks` lists the block numbers to keep, each `width` wide.
 */
export function lastAxisBlocks(x: tf.Tensor, width: number, blocks: readonly number[], copies: CopyStrategy): tf.Tensor[] {
  const shape = x.shape;
  const last = shape[shape.length - 1];
  const outShape = [...shape.slice(0, -1), width];
  if (copies === 'kernel') {
    const begin = shape.map(() => 0);
    const sizes = [...shape.slice(0, -1), width];
    return blocks.map((k) => tf.slice(x, [...begin.slice(0, -1), k * width], sizes));
  }
  const values = hostFloats(x);
  const rows = values.length / last;
  return blocks.map((k) => {
    const out = new Float32Array(rows * width);
    for (let r = 0; r < rows; r++) {
      const from = r * last + k * width;
      out.set(values.subarray(from, from + width), r * width);
    }
    return tf.tensor(out, outShape, 'float32');
  });
}

/**
 * `out[s, j] = x[s, index[j]]` for `x` `[S, R, F]` and int32 `index` `[R']`: a row gather shared by
 * all S stacks. Not differentiable in host mode (see `permuteRows` for the differentiable form).
 */
export function gatherRows(x: tf.Tensor3D, index: tf.Tensor1D, copies: CopyStrategy): tf.Tensor3D {
  if (copies === 'kernel') return tf.gather(x, index, 1);
  const [stacks, rows, features] = x.shape;
  const idx = index.dataSync();
  const values = hostFloats(x);
  const out = new Float32Array(stacks * idx.length * features);
  for (let s = 0; s < stacks; s++) {
    for (let j = 0; j < idx.length; j++) {
      const from = (s * rows + idx[j]) * features;
      out.set(values.subarray(from, from + features), (s * idx.length + j) * features);
    }
  }
  return tf.tensor3d(out, [stacks, idx.length, features], 'float32');
}

/**
 * Differentiable row gather whose gradient is again a sum of row gathers: `backIndices[k]` `[R]`
 * lists, for every input row, where its k-th copy sits in the output. For a permutation that is one
 * inverse index; for an input read twice (both directions of a BiLSTM), two. This avoids the
 * scatter-add (UnsortedSegmentSum) that autodiff of a gather needs, which WASM lacks, and costs one
 * dispatch per gather on GPU backends.
 *
 * @param x `[S, R, F]`
 * @returns `[S, R', F]`
 */
export function permuteRows(
  x: tf.Tensor3D,
  index: tf.Tensor1D,
  backIndices: readonly tf.Tensor1D[],
  copies: CopyStrategy,
): tf.Tensor3D {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, save] = args;
    if (!(input instanceof tf.Tensor) || typeof save !== 'function') throw new Error('permuteRows: bad customGrad call');
    // Saved rather than captured: index tensors made inside the forward pass are gone by backprop.
    save([...backIndices]);
    return {
      value: gatherRows(input as tf.Tensor3D, index, copies),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const parts = saved.map((back) => gatherRows(dy as tf.Tensor3D, back as tf.Tensor1D, copies));
          return [addAll(parts)];
        }),
    };
  });
  return op(x) as tf.Tensor3D;
}
