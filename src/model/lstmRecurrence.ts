import * as tf from '@tensorflow/tfjs';
import { lastAxisBlocks, unstackAlong, type KernelPlan } from './kernelPlan.ts';
import { prepareStreamOperand, streamProduct } from './streamMatMul.ts';
import { fusedRecurrenceBackward, fusedRecurrenceForward } from './webgpu/lstmRecurrenceFused.ts';
import { fusedRecurrenceFits } from './webgpu/lstmRecurrenceProgram.ts';

/**
 * The sequential core of every LSTM of the model: N independent unidirectional streams (stacks ×
 * directions) advanced together, one step at a time, from a zero state.
 *
 * Gate columns are ordered i, f, g, o (PyTorch's order):
 *   a_t = gx_t + h_{t-1}·W_hh,  i, f, o = σ(a_i, a_f, a_o),  g = tanh(a_g)
 *   c_t = f ⊙ c_{t-1} + i ⊙ g,  h_t = o ⊙ tanh(c_t)
 *
 * The input projection (x·W_ih + b) is not done here: the caller does it for all timesteps at once,
 * and its gradient (dW_ih = xᵀ·dgates, dx = dgates·W_ihᵀ) is then one large product too. Only
 * h·W_hh stays inside the loop, for all N streams at once. The backward pass is written by hand
 * (`tf.customGrad`): the per-step work is a handful of elementwise ops plus dgates_t·W_hhᵀ, and
 * dW_hh = Σ_t h_{t-1}ᵀ·dgates_t is a single product over the stacked (time × batch) rows after the loop.
 *
 * On WebGPU (`plan.recurrence === 'fused'`) both loops run inside one shader each instead
 * (`webgpu/lstmRecurrenceFused.ts`): a number of dispatches per call that does not grow with T.
 *
 * Padding needs no masking here: the caller orders every stream so that its padding comes after its
 * real tokens; padded steps then never feed a real one, and their output gradient is zero.
 *
 * @param gx `[N, T, B, 4h]` input projections (bias included) of each stream
 * @param wHh `[N, h, 4h]` recurrent weights of each stream
 * @returns `[N, T, B, h]` hidden states
 */
export function lstmRecurrence(gx: tf.Tensor4D, wHh: tf.Tensor3D, plan: KernelPlan): tf.Tensor4D {
  const [n, , , gates] = gx.shape;
  const units = gates / 4;
  if (!Number.isInteger(units) || wHh.shape[0] !== n || wHh.shape[1] !== units || wHh.shape[2] !== gates) {
    throw new Error(`lstmRecurrence: gx [${gx.shape}] does not match wHh [${wHh.shape}]`);
  }
  // Inference (no gradient tape) needs none of the activations BPTT keeps: skip stacking them.
  // Read here, outside the custom op, where the tape state is the one the op will be recorded under.
  const recording = tf.engine().isTapeOn();
  // A layer too wide for the device's workgroup memory takes the per-step path.
  const fused = plan.recurrence === 'fused' && fusedRecurrenceFits(units);
  const run = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [gxIn, wIn, save] = args;
    if (!(gxIn instanceof tf.Tensor) || !(wIn instanceof tf.Tensor) || typeof save !== 'function') {
      throw new Error('lstmRecurrence: bad customGrad call');
    }
    if (fused) {
      // WebGPU: the whole time loop in one dispatch each way (webgpu/lstmRecurrenceProgram.ts).
      const { hs, saved } = fusedRecurrenceForward(gxIn as tf.Tensor4D, wIn as tf.Tensor3D, recording);
      save([wIn, ...saved]);
      return {
        value: hs,
        gradFunc: (dy: tf.Tensor, kept: tf.Tensor[]) =>
          tf.tidy(() => {
            const [w, ...rest] = kept as [tf.Tensor3D, ...tf.Tensor[]];
            const { dGx, dW } = fusedRecurrenceBackward(dy as tf.Tensor4D, rest, w, 1);
            return [dGx[0]!, dW];
          }),
      };
    }
    const { hs, saved } = forward(gxIn as tf.Tensor4D, wIn as tf.Tensor3D, plan, recording);
    // Saved, not captured: the forward scope disposes everything it does not return or save.
    save([wIn, ...saved]);
    return {
      value: hs,
      gradFunc: (dy: tf.Tensor, kept: tf.Tensor[]) => backward(dy as tf.Tensor4D, kept, plan),
    };
  });
  return run(gx, wHh) as tf.Tensor4D;
}

/**
 * `lstmRecurrence` with a gradient-cut twin: one forward over `gx`; the second output is the same
 * hidden states, whose gradient goes back through its own input `gxTwin` (equal in value to `gx`).
 * The backward pass runs BPTT once over both channels side by side (`[N, T, 2B, …]`): the weight
 * gradient is the sum of both, the input gradients stay apart. The shared encoders need this: the
 * discriminators' gradient must reach the shared weights but not the encoders' inputs
 * (`reversalReach: 'sharedEncoder'`), which a second forward on a gradient-stopped copy did before,
 * at twice the forward cost.
 *
 * @param gx `[N, T, B, 4h]`; `gxTwin` the same values by another path
 * @returns `[hs, hsTwin]`, each `[N, T, B, h]`, equal in value
 */
export function lstmRecurrenceTwin(gx: tf.Tensor4D, gxTwin: tf.Tensor4D, wHh: tf.Tensor3D, plan: KernelPlan): [tf.Tensor4D, tf.Tensor4D] {
  const [n, , , gates] = gx.shape;
  const units = gates / 4;
  if (!Number.isInteger(units) || wHh.shape[0] !== n || wHh.shape[1] !== units || wHh.shape[2] !== gates) {
    throw new Error(`lstmRecurrenceTwin: gx [${gx.shape}] does not match wHh [${wHh.shape}]`);
  }
  if (gxTwin.shape.join() !== gx.shape.join()) throw new Error(`lstmRecurrenceTwin: gxTwin [${gxTwin.shape}] is not gx's shape [${gx.shape}]`);
  const recording = tf.engine().isTapeOn();
  const fused = plan.recurrence === 'fused' && fusedRecurrenceFits(units);
  const run = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [gxIn, , wIn, save] = args;
    if (!(gxIn instanceof tf.Tensor) || !(wIn instanceof tf.Tensor) || typeof save !== 'function') {
      throw new Error('lstmRecurrenceTwin: bad customGrad call');
    }
    if (fused) {
      const { hs, saved } = fusedRecurrenceForward(gxIn as tf.Tensor4D, wIn as tf.Tensor3D, recording);
      save([wIn, ...saved]);
      return {
        value: tf.stack([hs, hs]) as tf.Tensor<tf.Rank.R5>,
        gradFunc: (dy: tf.Tensor, kept: tf.Tensor[]) =>
          tf.tidy(() => {
            const [w, ...rest] = kept as [tf.Tensor3D, ...tf.Tensor[]];
            // Both channels through one BPTT dispatch: [2, N, …] is [2N, …], channel major.
            const [, n, t, b, units] = dy.shape;
            const { dGx, dW } = fusedRecurrenceBackward(dy.reshape([2 * n!, t!, b!, units!]) as tf.Tensor4D, rest, w, 2);
            return [dGx[0]!, dGx[1]!, dW];
          }),
      };
    }
    const { hs, saved } = forward(gxIn as tf.Tensor4D, wIn as tf.Tensor3D, plan, recording);
    save([wIn, ...saved]);
    return {
      value: tf.stack([hs, hs]) as tf.Tensor<tf.Rank.R5>,
      gradFunc: (dy: tf.Tensor, kept: tf.Tensor[]) =>
        tf.tidy(() => {
          const [w, ...activations] = kept as [tf.Tensor3D, ...tf.Tensor4D[]];
          // Both channels as one batch of 2B rows through the loop: the step factors are the same
          // for both, computed once and laid side by side. dW_hh is linear in the gate gradients:
          // one product over B rows of their sum.
          const [dyTask, dyTwin] = tf.unstack(dy) as tf.Tensor4D[];
          const once = gateFactorsOf(activations);
          const twice = (x: tf.Tensor) => tf.concat([x, x], 2);
          const factors: StepFactors = { gates: twice(once.gates), dcPerDh: twice(once.dcPerDh) as tf.Tensor4D, forget: twice(once.forget) as tf.Tensor4D };
          const dGx = throughTime(tf.concat([dyTask!, dyTwin!], 2) as tf.Tensor4D, factors, w, plan);
          const [dGxTask, dGxTwin] = tf.split(dGx, 2, 2) as tf.Tensor4D[];
          return [dGxTask!, dGxTwin!, weightGradient(activations[6]!, tf.add(dGxTask!, dGxTwin!) as tf.Tensor4D, plan)];
        }),
    };
  });
  const [hs, hsTwin] = tf.unstack(run(gx, gxTwin, wHh)) as tf.Tensor4D[];
  return [hs!, hsTwin!];
}

/** tanh by the plan's strategy (see `TanhStrategy`): forward values only, never differentiated. */
function tanh(x: tf.Tensor, plan: KernelPlan): tf.Tensor {
  if (plan.tanh !== 'sigmoid') return tf.tanh(x);
  return tf.tidy(() => tf.sub(tf.mul(tf.sigmoid(tf.mul(x, 2)), 2), 1));
}

/** What the backward pass needs, each `[N, T, B, h]`, in this order. */
const SAVED = ['i', 'f', 'g', 'o', 'cellTanh', 'cellPrev', 'hPrev'] as const;

function forward(gx: tf.Tensor4D, wHh: tf.Tensor3D, plan: KernelPlan, keep: boolean): { hs: tf.Tensor4D; saved: tf.Tensor4D[] } {
  const [n, , b, gates] = gx.shape;
  const units = gates / 4;
  const inputs = unstackAlong(gx, 1, plan.copies) as tf.Tensor3D[]; // T × [N, B, 4h]
  const w = prepareStreamOperand(wHh, plan);
  const zero = tf.zeros([n, b, units]) as tf.Tensor3D;
  const perStep: Record<(typeof SAVED)[number], tf.Tensor3D[]> = { i: [], f: [], g: [], o: [], cellTanh: [], cellPrev: [], hPrev: [] };
  const hs: tf.Tensor3D[] = [];
  let h: tf.Tensor3D | null = null;
  let c: tf.Tensor3D | null = null;
  for (const x of inputs) {
    // The state starts at zero: step 0 has no recurrent product and no forget term.
    const a: tf.Tensor3D = h === null ? x : tf.add(x, streamProduct(h, w, plan));
    const [i, f, o] = lastAxisBlocks(tf.sigmoid(a), units, [0, 1, 3], plan.copies) as tf.Tensor3D[];
    const g = tanh(lastAxisBlocks(a, units, [2], plan.copies)[0]!, plan) as tf.Tensor3D;
    const ig: tf.Tensor3D = tf.mul(i, g);
    const cNew: tf.Tensor3D = c === null ? ig : tf.add(tf.mul(f, c), ig);
    const cellTanh = tanh(cNew, plan) as tf.Tensor3D;
    const hNew: tf.Tensor3D = tf.mul(o, cellTanh);
    const step = { i, f, g, o, cellTanh, cellPrev: c ?? zero, hPrev: h ?? zero };
    for (const key of SAVED) perStep[key].push(step[key]);
    hs.push(hNew);
    c = cNew;
    h = hNew;
  }
  const alongTime = (ts: tf.Tensor3D[]): tf.Tensor4D => tf.stack(ts, 1) as tf.Tensor4D;
  return { hs: alongTime(hs), saved: keep ? SAVED.map((key) => alongTime(perStep[key])) : [] };
}

/**
 * Backpropagation through time. The local derivatives of the gates (everything that does not depend
 * on the recurrence) are computed once over all timesteps; the loop only carries dh and dc backwards.
 *
 * @returns `[dgx [N, T, B, 4h], dW_hh [N, h, 4h]]`
 */
function backward(dy: tf.Tensor4D, kept: tf.Tensor[], plan: KernelPlan): tf.Tensor[] {
  return tf.tidy(() => {
    const [wHh, ...activations] = kept as [tf.Tensor3D, ...tf.Tensor4D[]];
    const hPrev = activations[6]!;
    const dGx = throughTime(dy, gateFactorsOf(activations), wHh, plan);
    return [dGx, weightGradient(hPrev, dGx, plan)];
  });
}

/** What BPTT multiplies by at each step, from the saved activations (`SAVED` order), each along T. */
interface StepFactors {
  /** `[N, T, B, 4, h]`: times [dc, dc, dc, dh] they give the gate gradients in i, f, g, o order. */
  gates: tf.Tensor;
  /** `[N, T, B, h]`: dc per dh through h = o·tanh(c). */
  dcPerDh: tf.Tensor4D;
  /** `[N, T, B, h]`: the forget gate, carrying dc to the step before. */
  forget: tf.Tensor4D;
}

function gateFactorsOf(activations: tf.Tensor4D[]): StepFactors {
  const [i, f, g, o, cellTanh, cellPrev] = activations as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D, tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
  const oneMinus = (x: tf.Tensor): tf.Tensor => tf.sub(1, x);
  // h = o·tanh(c):   dc += dh·o·(1 − tanh²c);   da_o = dh·tanh(c)·o(1 − o)
  const dcPerDh = tf.mul(o, oneMinus(tf.square(cellTanh))) as tf.Tensor4D;
  const dAo = tf.mul(cellTanh, tf.mul(o, oneMinus(o)));
  // c = f·c₋₁ + i·g: da_i = dc·g·i(1 − i);   da_f = dc·c₋₁·f(1 − f);   da_g = dc·i·(1 − g²)
  const dAi = tf.mul(g, tf.mul(i, oneMinus(i)));
  const dAf = tf.mul(cellPrev, tf.mul(f, oneMinus(f)));
  const dAg = tf.mul(i, oneMinus(tf.square(g)));
  return { gates: tf.stack([dAi, dAf, dAg, dAo], 3), dcPerDh, forget: f };
}

/** The BPTT loop proper: `[N, T, B, 4h]` gate gradients from the output gradient `dy` `[N, T, B, h]`. */
function throughTime(dy: tf.Tensor4D, factors: StepFactors, wHh: tf.Tensor3D, plan: KernelPlan): tf.Tensor4D {
  const [n, t, b, units] = dy.shape;
  const gateFactors = unstackAlong(factors.gates, 1, plan.copies) as tf.Tensor4D[];
  const dcFactors = unstackAlong(factors.dcPerDh, 1, plan.copies) as tf.Tensor3D[];
  const forgets = unstackAlong(factors.forget, 1, plan.copies) as tf.Tensor3D[];
  const dys = unstackAlong(dy, 1, plan.copies) as tf.Tensor3D[];
  const wT = prepareStreamOperand(wHh, plan, true);

  const dGates = new Array<tf.Tensor3D>(t);
  let dhRecurrent: tf.Tensor3D | null = null;
  let dcNext: tf.Tensor3D | null = null;
  for (let step = t - 1; step >= 0; step--) {
    const dh: tf.Tensor3D = dhRecurrent === null ? dys[step] : tf.add(dys[step], dhRecurrent);
    let dc: tf.Tensor3D = tf.mul(dh, dcFactors[step]);
    if (dcNext !== null) dc = tf.add(dc, tf.mul(dcNext, forgets[step + 1]));
    const dA = tf.mul(tf.stack([dc, dc, dc, dh], 2), gateFactors[step]).reshape([n, b, 4 * units]) as tf.Tensor3D;
    dGates[step] = dA;
    dcNext = dc;
    if (step > 0) dhRecurrent = streamProduct(dA, wT, plan);
  }
  return tf.stack(dGates, 1) as tf.Tensor4D; // [N, T, B, 4h]
}

/** dW_hh = Σ_t h_{t-1}ᵀ·dgates_t: one product over the stacked (time × batch) rows. */
function weightGradient(hPrev: tf.Tensor4D, dGx: tf.Tensor4D, plan: KernelPlan): tf.Tensor3D {
  const [n, t, b, units] = hPrev.shape;
  return streamProduct(
    hPrev.reshape([n, t * b, units]) as tf.Tensor3D,
    prepareStreamOperand(dGx.reshape([n, t * b, 4 * units]) as tf.Tensor3D, plan),
    plan,
    true,
  );
}
