import * as tf from '@tensorflow/tfjs';
import type { GpuProgram } from './programKernel.ts';

/**
 * The LSTM recurrence as two WebGPU programs with the time loop inside the shader (the `fused`
 * recurrence of `KernelPlan`): one dispatch for the forward pass of all streams, one for BPTT,
 * whatever the sentence length. Registered as tfjs kernels of the webgpu backend (so they show by
 * name in profiles and counters) and run through the backend's `runWebGPUProgram`.
 *
 * Layout of the work: rows (stream n, batch row b) are independent, so one workgroup takes one
 * stream and a tile of R batch rows and carries their state through every step in workgroup
 * memory; thread `lid` owns the hidden units u ≡ lid (mod WG) of those rows, computes the four gate
 * pre-activations of its units (so the cell update needs no other thread's values) and shares only
 * h (forward) or the gate gradients (backward), with one or two barriers per step. A weight read
 * from memory serves the R rows of the tile.
 *
 * Gate order i, f, g, o (PyTorch's), as in `lstmRecurrence.ts`, whose math these programs repeat:
 *   a_t = gx_t + h_{t-1}·W_hh,  i, f, o = σ(a_i, a_f, a_o),  g = tanh(a_g)
 *   c_t = f ⊙ c_{t-1} + i ⊙ g,  h_t = o ⊙ tanh(c_t)
 *
 * tfjs-webgpu rules kept: one output per program (the forward's h and saved activations are packed
 * in one buffer), at most 3 storage buffers each, every constant of the code in the shader key
 * (units, rows per tile, workgroup size, channels, save flag); N, T and B come from the shape uniforms
 * tfjs passes anyway, so a new sentence length does not compile a new pipeline.
 */

export const LSTM_FORWARD_KERNEL = 'LstmRecurrenceForward';
export const LSTM_BACKWARD_KERNEL = 'LstmRecurrenceBackward';

/** Per (n, t, b) row of the forward's packed output when saving for BPTT: h, c, i, f, g, o, each h wide. */
export const PACKED_BLOCKS = 6;

/** WebGPU's guaranteed minimum of workgroup memory (maxComputeWorkgroupStorageSize), in bytes. */
const MIN_WORKGROUP_BYTES = 16384;
/** Workgroup floats per (row, unit): forward h twice and c; backward 4 gate gradients, dh and dc. */
const FORWARD_FLOATS = 3;
const BACKWARD_FLOATS = 6;
/** At most this many batch rows per workgroup: more rows reuse each weight read more, but leave fewer workgroups. */
const MAX_ROWS = 8;

/** Threads per workgroup: the units rounded up to a multiple of 32, at most 256 (WebGPU's guaranteed minimum). */
function workgroupThreads(units: number): number {
  return Math.min(256, Math.ceil(units / 32) * 32);
}

/** The part of tfjs-webgpu's backend these kernels use. */
interface WebGpuBackendLike {
  device?: { limits?: { maxComputeWorkgroupStorageSize?: number } };
  runWebGPUProgram(program: GpuProgram, inputs: tf.TensorInfo[], outputDtype: 'float32'): tf.TensorInfo;
}

/** Floats of workgroup memory the device grants (tfjs asks for the adapter's limit; real GPUs: 32 KiB or more). */
function workgroupFloats(backend: unknown): number {
  const bytes = (backend as WebGpuBackendLike | undefined)?.device?.limits?.maxComputeWorkgroupStorageSize;
  return Math.floor((bytes ?? MIN_WORKGROUP_BYTES) / 4);
}

/**
 * Whether the fused programs fit `units` on the active backend's device (one batch row's state per
 * workgroup at least): up to 682 units on WebGPU's minimum of 16 KiB. Larger layers use `steps`.
 */
export function fusedRecurrenceFits(units: number): boolean {
  return BACKWARD_FLOATS * units <= workgroupFloats(tf.backend());
}

/**
 * Rows per workgroup such that `floatsPerRowUnit`·R·units floats of workgroup memory fit, and no more
 * than the batch rounded up to a power of two: R is in the shader key, and the batch sizes of an epoch
 * (its last, partial batch; decoding) should share a few pipelines, not compile one each.
 */
function rowsPerTile(units: number, batch: number, floatsPerRowUnit: number, floats: number): number {
  const fit = Math.floor(floats / (floatsPerRowUnit * units));
  if (fit < 1) throw new Error(`fused LSTM recurrence: ${units} units do not fit in a workgroup's memory`);
  return Math.max(1, Math.min(MAX_ROWS, fit, 2 ** Math.ceil(Math.log2(batch))));
}

const ACTIVATIONS = `
  fn sigmoidOf(x : f32) -> f32 { return 1.0 / (1.0 + exp(-x)); }
  // Clamped: some drivers' tanh overflows to NaN for large |x|; tanh(±15) is ±1 in f32 already.
  // (The exp(−2|x|) form would lose ~1e-7/|x| of relative precision near 0.)
  fn tanhOf(x : f32) -> f32 { return tanh(clamp(x, -15.0, 15.0)); }
`;

/**
 * Forward: `gx` `[N, T, B, 4h]`, `weights` (W_hh) `[N, h, 4h]` → `[N, T, B, 6h]` (h, c, i, f, g, o)
 * when `save`, else `[N, T, B, h]` (h only, for inference).
 */
class LstmForwardProgram implements GpuProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames = ['gx', 'weights'];
  workgroupSize: [number, number, number];
  private readonly rows: number;

  constructor(
    [n, t, b]: readonly number[],
    private readonly units: number,
    private readonly save: boolean,
    floats: number,
  ) {
    // Workgroup memory: h double-buffered (read step t−1, write step t) and c: 3 floats per row and unit.
    this.rows = rowsPerTile(units, b, FORWARD_FLOATS, floats);
    const threads = workgroupThreads(units);
    this.workgroupSize = [threads, 1, 1];
    this.outputShape = [n, t, b, (save ? PACKED_BLOCKS : 1) * units];
    this.dispatchLayout = { x: [0, 1, 2, 3] };
    this.dispatch = [n * Math.ceil(b / this.rows), 1, 1];
    this.shaderKey = `lstmForward_${units}_${this.rows}_${threads}_${save ? 'save' : 'h'}`;
  }

  getUserCode(): string {
    const [H, R, WG] = [this.units, this.rows, this.workgroupSize[0]];
    const write = this.save
      ? `let s0 = ((n * T + t) * B + b) * ${PACKED_BLOCKS * H} + u;
          result[s0] = h; result[s0 + H] = c;
          result[s0 + 2 * H] = i; result[s0 + 3 * H] = f; result[s0 + 4 * H] = g; result[s0 + 5 * H] = o;`
      : `result[((n * T + t) * B + b) * H + u] = h;`;
    return `
      const H = ${H}; const G = ${4 * H}; const R = ${R}; const WG = ${WG};
      // Zero-initialised by WebGPU: the state starts at zero.
      var<workgroup> hBuf : array<f32, ${2 * R * H}>;
      var<workgroup> cBuf : array<f32, ${R * H}>;
      ${ACTIVATIONS}
      fn main(_index : i32) {
        let T = uniforms.gxShape[1];
        let B = uniforms.gxShape[2];
        let tiles = (B + R - 1) / R;
        let n = i32(workgroupId.x) / tiles;
        let b0 = (i32(workgroupId.x) % tiles) * R;
        let lid = i32(localIndex);
        let wBase = n * H * G;
        for (var t = 0; t < T; t++) {
          let cur = (t % 2) * R * H;
          let nxt = R * H - cur;
          for (var u = lid; u < H; u += WG) {
            var acc : array<vec4<f32>, R>;
            for (var r = 0; r < R; r++) {
              // Rows past B (a partial last tile) compute on row B−1 and are never written.
              let g0 = ((n * T + t) * B + min(b0 + r, B - 1)) * G + u;
              acc[r] = vec4<f32>(gx[g0], gx[g0 + H], gx[g0 + 2 * H], gx[g0 + 3 * H]);
            }
            for (var k = 0; k < H; k++) {
              let w0 = wBase + k * G + u;
              let wv = vec4<f32>(weights[w0], weights[w0 + H], weights[w0 + 2 * H], weights[w0 + 3 * H]);
              for (var r = 0; r < R; r++) { acc[r] += hBuf[cur + r * H + k] * wv; }
            }
            for (var r = 0; r < R; r++) {
              let b = b0 + r;
              if (b < B) {
                let a = acc[r];
                let i = sigmoidOf(a.x); let f = sigmoidOf(a.y); let g = tanhOf(a.z); let o = sigmoidOf(a.w);
                let c = f * cBuf[r * H + u] + i * g;
                let h = o * tanhOf(c);
                cBuf[r * H + u] = c;
                hBuf[nxt + r * H + u] = h;
                ${write}
              }
            }
          }
          workgroupBarrier();
        }
      }
    `;
  }
}

/**
 * Backward (BPTT): `dy` `[C·N, T, B, h]` (C channels of output gradient sharing one forward, channel
 * major), `saved` `[N, T, B, 6h]` (the forward's packed output), `weightsT` (W_hhᵀ) `[N, 4h, h]` →
 * the gate pre-activation gradients `[C·N, T, B, 4h]` (= d gx). Per step, from the end:
 *   dh = dy_t + da_{t+1}·W_hhᵀ;  dc = dh·o·(1 − tanh²c_t) + dc_{t+1}·f_{t+1}
 *   da_i = dc·g·i(1−i),  da_f = dc·c_{t−1}·f(1−f),  da_g = dc·i·(1−g²),  da_o = dh·tanh(c_t)·o(1−o)
 */
class LstmBackwardProgram implements GpuProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames = ['dy', 'saved', 'weightsT'];
  workgroupSize: [number, number, number];
  private readonly rows: number;

  constructor(
    [cn, t, b]: readonly number[],
    private readonly units: number,
    floats: number,
  ) {
    // Workgroup memory: the step's gate gradients (4 per row and unit, read by every thread for
    // da·W_hhᵀ), and each thread's own dh and dc carries (1 + 1).
    this.rows = rowsPerTile(units, b, BACKWARD_FLOATS, floats);
    const threads = workgroupThreads(units);
    this.workgroupSize = [threads, 1, 1];
    this.outputShape = [cn, t, b, 4 * units];
    this.dispatchLayout = { x: [0, 1, 2, 3] };
    this.dispatch = [cn * Math.ceil(b / this.rows), 1, 1];
    this.shaderKey = `lstmBackward_${units}_${this.rows}_${threads}`;
  }

  getUserCode(): string {
    const [H, R, WG] = [this.units, this.rows, this.workgroupSize[0]];
    return `
      const H = ${H}; const G = ${4 * H}; const R = ${R}; const WG = ${WG}; const P = ${PACKED_BLOCKS * H};
      // Zero-initialised by WebGPU: nothing flows back into the last step.
      var<workgroup> dA : array<f32, ${R * 4 * H}>;
      var<workgroup> dhRec : array<f32, ${R * H}>;
      var<workgroup> dcCarry : array<f32, ${R * H}>;
      ${ACTIVATIONS}
      fn main(_index : i32) {
        let N = uniforms.savedShape[0];
        let T = uniforms.savedShape[1];
        let B = uniforms.savedShape[2];
        let tiles = (B + R - 1) / R;
        let cn = i32(workgroupId.x) / tiles; // channel · N + stream
        let n = cn % N;
        let b0 = (i32(workgroupId.x) % tiles) * R;
        let lid = i32(localIndex);
        let wBase = n * G * H;
        for (var back = 0; back < T; back++) {
          let t = T - 1 - back;
          for (var u = lid; u < H; u += WG) {
            for (var r = 0; r < R; r++) {
              let b = b0 + r;
              if (b < B) {
                let s0 = ((n * T + t) * B + b) * P + u;
                let c = saved[s0 + H];
                let i = saved[s0 + 2 * H]; let f = saved[s0 + 3 * H]; let g = saved[s0 + 4 * H]; let o = saved[s0 + 5 * H];
                var cPrev = 0.0;
                if (t > 0) { cPrev = saved[s0 - B * P + H]; }
                let dh = dy[((cn * T + t) * B + b) * H + u] + dhRec[r * H + u];
                let ct = tanhOf(c);
                let dc = dh * o * (1.0 - ct * ct) + dcCarry[r * H + u];
                dcCarry[r * H + u] = dc * f;
                let da = vec4<f32>(dc * g * i * (1.0 - i), dc * cPrev * f * (1.0 - f), dc * i * (1.0 - g * g), dh * ct * o * (1.0 - o));
                let d0 = ((cn * T + t) * B + b) * G + u;
                result[d0] = da.x; result[d0 + H] = da.y; result[d0 + 2 * H] = da.z; result[d0 + 3 * H] = da.w;
                let a0 = r * G + u;
                dA[a0] = da.x; dA[a0 + H] = da.y; dA[a0 + 2 * H] = da.z; dA[a0 + 3 * H] = da.w;
              }
            }
          }
          workgroupBarrier();
          // dh for step t−1 through W_hh: each thread for its own units (it alone reads them next).
          for (var k = lid; k < H; k += WG) {
            // Zeroed explicitly: a declaration inside a loop is not reliably re-zeroed each pass (SwiftShader).
            var acc : array<f32, R>;
            for (var r = 0; r < R; r++) { acc[r] = 0.0; }
            for (var j = 0; j < G; j++) {
              let wv = weightsT[wBase + j * H + k];
              for (var r = 0; r < R; r++) { acc[r] += dA[r * G + j] * wv; }
            }
            for (var r = 0; r < R; r++) { dhRec[r * H + k] = acc[r]; }
          }
          workgroupBarrier();
        }
      }
    `;
  }
}

function registerOnce(): void {
  if (tf.getKernel(LSTM_FORWARD_KERNEL, 'webgpu') !== undefined) return;
  tf.registerKernel({
    kernelName: LSTM_FORWARD_KERNEL,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { gx, weights } = inputs as { gx: tf.TensorInfo; weights: tf.TensorInfo };
      const { units, save } = attrs as { units: number; save: boolean };
      return (backend as WebGpuBackendLike).runWebGPUProgram(new LstmForwardProgram(gx.shape, units, save, workgroupFloats(backend)), [gx, weights], 'float32');
    },
  });
  tf.registerKernel({
    kernelName: LSTM_BACKWARD_KERNEL,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { dy, saved, weightsT } = inputs as { dy: tf.TensorInfo; saved: tf.TensorInfo; weightsT: tf.TensorInfo };
      const { units } = attrs as { units: number };
      return (backend as WebGpuBackendLike).runWebGPUProgram(new LstmBackwardProgram(dy.shape, units, workgroupFloats(backend)), [dy, saved, weightsT], 'float32');
    },
  });
}

function requireWebGpu(what: string): void {
  if (tf.getBackend() !== 'webgpu') throw new Error(`${what} runs on the webgpu backend only (active: ${tf.getBackend()})`);
  registerOnce();
}

/**
 * The whole forward recurrence in one dispatch. Not differentiable by itself: `lstmRecurrence`'s
 * custom gradient pairs it with `fusedLstmBackward`.
 *
 * @param gx `[N, T, B, 4h]`; @param wHh `[N, h, 4h]`
 * @param save keep what BPTT needs: `[N, T, B, 6h]` (h, c, i, f, g, o); else `[N, T, B, h]` (h)
 */
export function fusedLstmForward(gx: tf.Tensor4D, wHh: tf.Tensor3D, save: boolean): tf.Tensor4D {
  requireWebGpu('fusedLstmForward');
  const units = wHh.shape[1];
  return tf.engine().runKernel(LSTM_FORWARD_KERNEL, { gx, weights: wHh }, { units, save }) as tf.Tensor4D;
}

/**
 * The whole BPTT loop in one dispatch (plus W_hh's transpose).
 *
 * @param dy `[C·N, T, B, h]`: C channels of output gradient over the same forward, channel major
 * @param saved `[N, T, B, 6h]` from `fusedLstmForward(…, true)`
 * @param wHh `[N, h, 4h]`
 * @returns `[C·N, T, B, 4h]`: the gradient of gx for each channel
 */
export function fusedLstmBackward(dy: tf.Tensor4D, saved: tf.Tensor4D, wHh: tf.Tensor3D): tf.Tensor4D {
  requireWebGpu('fusedLstmBackward');
  const units = wHh.shape[1];
  return tf.tidy(() => {
    const weightsT = tf.transpose(wHh, [0, 2, 1]);
    return tf.engine().runKernel(LSTM_BACKWARD_KERNEL, { dy, saved, weightsT }, { units }) as tf.Tensor4D;
  });
}
