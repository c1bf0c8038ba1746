import * as tf from '@tensorflow/tfjs';
import { biLstm, biLstmTwin } from '../lstm.ts';
import { resolveKernelPlan, type KernelPlan } from '../kernelPlan.ts';
import { lstmRecurrence, lstmRecurrenceTwin } from '../lstmRecurrence.ts';
import { fusedRecurrenceFits } from './lstmRecurrenceProgram.ts';
import { compareOutputs, onBackend, scaledFloor, seededValues, type KernelCheck, type KernelCheckOutcome } from './kernelCheck.ts';

/**
 * The fused WebGPU recurrence (`plan.recurrence === 'fused'`, webgpu's default) against the
 * per-timestep implementation on the cpu backend: hidden states, and the gradients of gx and W_hh
 * under a random upstream gradient; inference (no tape); the gradient-cut twin; whole BiLSTM stacks
 * with ragged lengths. Plus the dispatch count of one recurrence call (forward + backward), steps
 * vs fused. The reference is cpu rather than wasm because wasm's plan computes tanh as 2σ(2x) − 1,
 * which loses ~1e-7/|x| of relative precision near 0: its own noise would dominate the comparison.
 */

const REFERENCE = 'cpu';
const TOLERANCE = 1e-4;
/**
 * Entries below 1% of an output's largest magnitude are judged against that 1% (`scaledFloor`): the
 * weight gradient sums T·B products and the states carry T steps of float32 rounding, so their
 * near-zero entries hold the absolute noise of the large terms (~1e-7), not a relative one.
 */
const FLOOR = scaledFloor(1e-2);

interface Shape {
  /** Streams (stacks × directions). */
  n: number;
  t: number;
  b: number;
  /** Hidden units. */
  h: number;
}

/** tiny (16 units), small (64), and paper-like (256) at a tiny batch; B = 3 leaves partial row tiles. */
const SHAPES: Shape[] = [
  { n: 2, t: 5, b: 3, h: 16 },
  { n: 4, t: 20, b: 3, h: 64 },
  { n: 2, t: 8, b: 3, h: 256 },
];

const label = ({ n, t, b, h }: Shape) => `N=${n} T=${t} B=${b} h=${h}`;

/** Host inputs of one recurrence: gx, W_hh (scaled like Glorot) and an upstream gradient per channel. */
function inputsOf({ n, t, b, h }: Shape, seed: number) {
  return {
    gx: seededValues(n * t * b * 4 * h, seed),
    w: seededValues(n * h * 4 * h, seed + 1, Math.sqrt(6 / (5 * h))),
    dy: [seededValues(n * t * b * h, seed + 2), seededValues(n * t * b * h, seed + 3)],
  };
}

/** d gx and d W_hh of `lstmRecurrence` (active backend's plan, plus `overrides`) under the upstream gradient dy. */
function gradients(shape: Shape, seed: number, overrides: Partial<KernelPlan> = {}) {
  const { n, t, b, h } = shape;
  const data = inputsOf(shape, seed);
  const gx = tf.tensor4d(data.gx, [n, t, b, 4 * h]);
  const w = tf.tensor3d(data.w, [n, h, 4 * h]);
  const dy = tf.tensor4d(data.dy[0]!, [n, t, b, h]);
  const plan = resolveKernelPlan(overrides);
  const [dGx, dW] = tf.grads((g: tf.Tensor, ww: tf.Tensor) => lstmRecurrence(g as tf.Tensor4D, ww as tf.Tensor3D, plan))([gx, w], dy);
  return { gx, w, plan, dGx: dGx!, dW: dW! };
}

/** `gradients` and the hidden states hs of the same call. */
function recurrenceWithGradients(shape: Shape, seed: number, overrides: Partial<KernelPlan> = {}) {
  const { gx, w, plan, dGx, dW } = gradients(shape, seed, overrides);
  return { hs: lstmRecurrence(gx, w, plan), dGx, dW };
}

function trainingCheck(shape: Shape, seed: number): KernelCheck {
  return {
    name: `lstm recurrence fused vs cpu: hs, d gx, d W_hh (${label(shape)})`,
    async run() {
      const expected = await onBackend(REFERENCE, () => recurrenceWithGradients(shape, seed));
      const actual = await onBackend('webgpu', () => recurrenceWithGradients(shape, seed));
      return compareOutputs(actual, expected, TOLERANCE, FLOOR);
    },
  };
}

function inferenceCheck(shape: Shape, seed: number): KernelCheck {
  return {
    name: `lstm recurrence fused vs cpu, inference without the tape (${label(shape)})`,
    async run() {
      const { n, t, b, h } = shape;
      const data = inputsOf(shape, seed);
      const hs = () => ({
        hs: lstmRecurrence(tf.tensor4d(data.gx, [n, t, b, 4 * h]), tf.tensor3d(data.w, [n, h, 4 * h]), resolveKernelPlan()),
      });
      return compareOutputs(await onBackend('webgpu', hs), await onBackend(REFERENCE, hs), TOLERANCE, FLOOR);
    },
  };
}

function twinCheck(shape: Shape, seed: number): KernelCheck {
  return {
    name: `lstm recurrence twin fused vs cpu: both channels' d gx, d W_hh (${label(shape)})`,
    async run() {
      const { n, t, b, h } = shape;
      const data = inputsOf(shape, seed);
      const compute = () => {
        const gx = tf.tensor4d(data.gx, [n, t, b, 4 * h]);
        const gxTwin = tf.tensor4d(data.gx, [n, t, b, 4 * h]);
        const w = tf.tensor3d(data.w, [n, h, 4 * h]);
        const [dyA, dyB] = data.dy.map((d) => tf.tensor4d(d, [n, t, b, h]));
        const plan = resolveKernelPlan();
        const loss = (g: tf.Tensor, gt: tf.Tensor, ww: tf.Tensor) => {
          const [a, c] = lstmRecurrenceTwin(g as tf.Tensor4D, gt as tf.Tensor4D, ww as tf.Tensor3D, plan);
          return tf.add(tf.sum(tf.mul(a, dyA!)), tf.sum(tf.mul(c, dyB!))) as tf.Scalar;
        };
        const [dGx, dGxTwin, dW] = tf.grads(loss)([gx, gxTwin, w]);
        return { hs: lstmRecurrenceTwin(gx, gxTwin, w, plan)[1], dGx: dGx!, dGxTwin: dGxTwin!, dW: dW! };
      };
      return compareOutputs(await onBackend('webgpu', compute), await onBackend(REFERENCE, compute), TOLERANCE, FLOOR);
    },
  };
}

/** Two stacked BiLSTM layers of S = 2 stacks with ragged lengths, plain and twin, with every gradient. */
function biLstmCheck(): KernelCheck {
  const [s, b, t, input, h] = [2, 3, 7, 8, 16];
  const lengths = [7, 4, 1];
  return {
    name: `biLstm and biLstmTwin (lstm.ts), 2 layers, fused vs cpu: outputs and every gradient (S=${s} B=${b} T=${t} h=${h})`,
    async run() {
      const sizes = [
        { wIh: [s, 2, input, 4 * h], wHh: [s, 2, h, 4 * h], bias: [s, 2, 4 * h] },
        { wIh: [s, 2, 2 * h, 4 * h], wHh: [s, 2, h, 4 * h], bias: [s, 2, 4 * h] },
      ];
      const values = sizes.map((layer, l) =>
        Object.fromEntries(Object.entries(layer).map(([k, shape], i) => [k, seededValues(shape.reduce((x, y) => x * y), 10 * l + i + 1, 0.3)])),
      );
      const xValues = seededValues(s * b * t * input, 99);
      const dyValues = [seededValues(s * b * t * 2 * h, 100), seededValues(s * b * t * 2 * h, 101)];
      const compute = () => {
        const params = sizes.flatMap((layer, l) => Object.entries(layer).map(([k, shape]) => tf.tensor(values[l]![k]!, shape)));
        const x = tf.tensor4d(xValues, [s, b, t, input]);
        const [dyA, dyB] = dyValues.map((d) => tf.tensor4d(d, [s, b, t, 2 * h]));
        const layersOf = (ps: tf.Tensor[]) =>
          [0, 1].map((l) => ({ wIh: ps[3 * l] as tf.Tensor4D, wHh: ps[3 * l + 1] as tf.Tensor4D, bias: ps[3 * l + 2] as tf.Tensor3D }));
        const plainLoss = (xx: tf.Tensor, ...ps: tf.Tensor[]) => tf.sum(tf.mul(biLstm(xx as tf.Tensor4D, layersOf(ps), lengths), dyA!)) as tf.Scalar;
        const twinLoss = (xx: tf.Tensor, ...ps: tf.Tensor[]) => {
          const [a, c] = biLstmTwin(xx as tf.Tensor4D, layersOf(ps), lengths);
          return tf.add(tf.sum(tf.mul(a, dyA!)), tf.sum(tf.mul(c, dyB!))) as tf.Scalar;
        };
        const out: Record<string, tf.Tensor> = { out: biLstm(x, layersOf(params), lengths) };
        tf.grads(plainLoss)([x, ...params]).forEach((g, i) => (out[`plain d${i}`] = g));
        tf.grads(twinLoss)([x, ...params]).forEach((g, i) => (out[`twin d${i}`] = g));
        return out;
      };
      return compareOutputs(await onBackend('webgpu', compute), await onBackend(REFERENCE, compute), TOLERANCE, FLOOR);
    },
  };
}

/** The GPU dispatches `fn` records, by wrapping `GPUComputePassEncoder.prototype.dispatchWorkgroups`. */
function countDispatches(fn: () => void): number {
  const encoder = (globalThis as unknown as { GPUComputePassEncoder?: { prototype: { dispatchWorkgroups: (...args: number[]) => void } } })
    .GPUComputePassEncoder;
  if (!encoder) throw new Error('no GPUComputePassEncoder in this context');
  const original = encoder.prototype.dispatchWorkgroups;
  let count = 0;
  encoder.prototype.dispatchWorkgroups = function (this: unknown, ...args: number[]) {
    count++;
    return original.apply(this, args);
  };
  try {
    fn();
  } finally {
    encoder.prototype.dispatchWorkgroups = original;
  }
  return count;
}

/**
 * Dispatches of one training call of the recurrence (forward + backward, as `tf.grads` with a given
 * upstream gradient runs it) with the per-step and the fused plan, at two lengths; the fused
 * count must not grow with T. Also checks fused against steps on webgpu itself.
 */
function dispatchCheck(): KernelCheck {
  const base = { n: 4, b: 3, h: 16 };
  return {
    name: 'lstm recurrence dispatches per training call: steps vs fused, T = 5 and 20',
    async run(): Promise<KernelCheckOutcome> {
      const counts: Record<string, number> = {};
      for (const t of [5, 20]) {
        for (const recurrence of ['steps', 'fused'] as const) {
          // Once untimed: first calls compile pipelines and upload constants.
          const call = () => tf.dispose(tf.tidy(() => gradients({ ...base, t }, 7, { recurrence }).dW));
          call();
          counts[`${recurrence} T=${t}`] = countDispatches(call);
        }
      }
      const detail = Object.entries(counts).map(([k, v]) => `${k}: ${v}`).join(', ');
      if (counts['fused T=5'] !== counts['fused T=20']) throw new Error(`fused dispatches grow with T (${detail})`);
      const shape = { ...base, t: 20 };
      const steps = await onBackend('webgpu', () => recurrenceWithGradients(shape, 7, { recurrence: 'steps' }));
      const fused = await onBackend('webgpu', () => recurrenceWithGradients(shape, 7, { recurrence: 'fused' }));
      const outcome = compareOutputs(fused, steps, TOLERANCE, FLOOR);
      return { ...outcome, detail: `${outcome.detail}; dispatches ${detail}` };
    },
  };
}

/**
 * A layer wider than the device's workgroup memory holds takes the per-step path instead of failing:
 * the narrowest such layer (from the device's limit), T = 2, one row.
 */
function tooWideCheck(): KernelCheck {
  return {
    name: 'lstm recurrence wider than workgroup memory: falls back to steps, vs cpu',
    async run() {
      const limit = (tf.backend() as unknown as { device?: { limits?: { maxComputeWorkgroupStorageSize?: number } } }).device?.limits
        ?.maxComputeWorkgroupStorageSize;
      if (!limit) throw new Error('no workgroup storage limit on the webgpu device');
      let h = Math.floor(limit / 4 / 6);
      if (!fusedRecurrenceFits(h)) throw new Error(`${h} units should fit in ${limit} bytes`);
      while (fusedRecurrenceFits(h)) h++;
      const shape = { n: 1, t: 2, b: 1, h };
      const outcome = compareOutputs(
        await onBackend('webgpu', () => recurrenceWithGradients(shape, 9)),
        await onBackend(REFERENCE, () => recurrenceWithGradients(shape, 9)),
        TOLERANCE,
        FLOOR,
      );
      return { ...outcome, detail: `h=${h} (workgroup memory ${limit} bytes): ${outcome.detail}` };
    },
  };
}

export const checks: KernelCheck[] = [
  ...SHAPES.map((shape, i) => trainingCheck(shape, 11 * (i + 1))),
  inferenceCheck(SHAPES[2]!, 5),
  twinCheck(SHAPES[1]!, 3),
  biLstmCheck(),
  dispatchCheck(),
  tooWideCheck(),
];
