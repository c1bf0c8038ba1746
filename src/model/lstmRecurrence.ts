import * as tf from '@tensorflow/tfjs';
import { prepareStreamOperand, streamMatMul, type MatMulStrategy } from './streamMatMul.ts';

/**
 * The sequential core of every LSTM of the model: N independent unidirectional streams (stacks ×
 * directions) advanced together, one step at a time, from a zero state.
 *
 * Gate columns are ordered i, f, g, o (PyTorch's order):
 *   a_t = gx_t + h_{t-1}·W_hh,  i,f,o = σ(a_i, a_f, a_o),  g = tanh(a_g)
 *   c_t = f ⊙ c_{t-1} + i ⊙ g,  h_t = o ⊙ tanh(c_t)
 *
 * The input projection (x·W_ih + b) is NOT done here: the caller does it for all timesteps in one
 * product, and autodiff of that product already yields dW_ih = xᵀ·dgates and dx = dgates·W_ihᵀ as
 * single large matmuls. Here only h·W_hh remains inside the loop, and the backward pass is written by
 * hand (a `tf.customGrad`) so that the per-step work is a handful of ops and dW_hh is one product over
 * all timesteps after the loop.
 *
 * Padding needs no masking here: the caller arranges every stream so that its padding comes after its
 * real tokens, so padded steps never feed a real one, and their output gradient is zero.
 *
 * @param gx `[N, B, T, 4h]` input projections (bias included) of each stream
 * @param wHh `[N, h, 4h]` recurrent weights of each stream
 * @returns `[N, B, T, h]` hidden states
 */
export function lstmRecurrence(gx: tf.Tensor4D, wHh: tf.Tensor3D, strategy: MatMulStrategy): tf.Tensor4D {
  const [n, , , gates] = gx.shape;
  const units = gates / 4;
  if (!Number.isInteger(units) || wHh.shape[0] !== n || wHh.shape[1] !== units || wHh.shape[2] !== gates) {
    throw new Error(`lstmRecurrence: gx [${gx.shape}] does not match wHh [${wHh.shape}]`);
  }
  const run = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [gxIn, wIn, save] = args;
    if (!(gxIn instanceof tf.Tensor) || !(wIn instanceof tf.Tensor) || typeof save !== 'function') {
      throw new Error('lstmRecurrence: bad customGrad call');
    }
    const fwd = forward(gxIn as tf.Tensor4D, wIn as tf.Tensor3D, strategy);
    // Tensors are saved, not captured: the forward scope disposes everything it does not save.
    save([wIn, fwd.hs, fwd.sigmoids, fwd.candidates, fwd.cells, fwd.cellTanhs]);
    return {
      value: fwd.hs,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => backward(dy as tf.Tensor4D, saved, strategy),
    };
  });
  return run(gx, wHh) as tf.Tensor4D;
}

interface ForwardResult {
  /** `[N, B, T, h]` */
  readonly hs: tf.Tensor4D;
  /** `[N, B, T, 4h]`: σ of every gate column; the g block is unused (computing σ on all 4h is one op). */
  readonly sigmoids: tf.Tensor4D;
  /** `[N, B, T, h]`: g = tanh(a_g) */
  readonly candidates: tf.Tensor4D;
  /** `[N, B, T, h]`: c_t */
  readonly cells: tf.Tensor4D;
  /** `[N, B, T, h]`: tanh(c_t) */
  readonly cellTanhs: tf.Tensor4D;
}

function forward(gx: tf.Tensor4D, wHh: tf.Tensor3D, strategy: MatMulStrategy): ForwardResult {
  const [n, b, , gates] = gx.shape;
  const units = gates / 4;
  const inputs = tf.unstack(gx, 2) as tf.Tensor3D[]; // T × [N, B, 4h], one Unpack
  const w = prepareStreamOperand(wHh, strategy);
  const sigmoids: tf.Tensor3D[] = [];
  const candidates: tf.Tensor3D[] = [];
  const cells: tf.Tensor3D[] = [];
  const cellTanhs: tf.Tensor3D[] = [];
  const hs: tf.Tensor3D[] = [];
  let h: tf.Tensor3D | null = null;
  let c: tf.Tensor3D | null = null;
  for (const x of inputs) {
    // The state starts at zero, so step 0 has no recurrent product and no forget term.
    const a: tf.Tensor3D = h === null ? x : tf.add(x, streamMatMul(h, w, { strategy }));
    const s = tf.sigmoid(a);
    const [i, f, , o] = tf.split(s, 4, 2) as tf.Tensor3D[];
    const g = tf.tanh(tf.slice(a, [0, 0, 2 * units], [n, b, units]));
    const ig: tf.Tensor3D = tf.mul(i, g);
    const cNew: tf.Tensor3D = c === null ? ig : tf.add(tf.mul(f, c), ig);
    const tc: tf.Tensor3D = tf.tanh(cNew);
    const hNew: tf.Tensor3D = tf.mul(o, tc);
    sigmoids.push(s);
    candidates.push(g);
    cells.push(cNew);
    cellTanhs.push(tc);
    hs.push(hNew);
    c = cNew;
    h = hNew;
  }
  const alongTime = (ts: tf.Tensor3D[]): tf.Tensor4D => tf.stack(ts, 2) as tf.Tensor4D;
  return {
    hs: alongTime(hs),
    sigmoids: alongTime(sigmoids),
    candidates: alongTime(candidates),
    cells: alongTime(cells),
    cellTanhs: alongTime(cellTanhs),
  };
}

/** `[N, B, T, F]` → the same shifted one step later in time, zeros at t = 0 (the initial state). */
function previousInTime(x: tf.Tensor4D): tf.Tensor4D {
  const [n, b, t, f] = x.shape;
  const zero = tf.zeros([n, b, 1, f]);
  if (t === 1) return zero as tf.Tensor4D;
  return tf.concat([zero, tf.slice(x, [0, 0, 0, 0], [n, b, t - 1, f])], 2) as tf.Tensor4D;
}

/**
 * Backpropagation through time. Everything that does not depend on the recurrence (the local
 * derivatives of the gates, dc/dh) is computed once over all timesteps; the loop only carries
 * dh and dc backwards: per step ~8 elementwise ops plus dgates_t·W_hhᵀ.
 *
 * @returns `[dgx [N, B, T, 4h], dW_hh [N, h, 4h]]`
 */
function backward(dy: tf.Tensor4D, saved: tf.Tensor[], strategy: MatMulStrategy): tf.Tensor[] {
  return tf.tidy(() => {
    const [wHh, hs, sigmoids, g, c, tc] = saved as [tf.Tensor3D, ...tf.Tensor4D[]];
    const [n, b, t, units] = hs.shape;
    const [i, f, , o] = tf.split(sigmoids, 4, 3) as tf.Tensor4D[];
    const oneMinus = (x: tf.Tensor): tf.Tensor => tf.sub(1, x);
    // h = o·tanh(c): dc += dh · o·(1 − tanh²c);  da_o = dh · tanh(c)·o·(1 − o)
    const dcFromDh = tf.mul(o, oneMinus(tf.square(tc)));
    const dAo = tf.mul(tc, tf.mul(o, oneMinus(o)));
    // c = f·c₋₁ + i·g: da_i = dc · g·i(1 − i);  da_f = dc · c₋₁·f(1 − f);  da_g = dc · i·(1 − g²)
    const dAi = tf.mul(g, tf.mul(i, oneMinus(i)));
    const dAf = tf.mul(previousInTime(c), tf.mul(f, oneMinus(f)));
    const dAg = tf.mul(i, oneMinus(tf.square(g)));
    // [N, B, T, 4, h]: multiplying [dc, dc, dc, dh] by it gives the gate gradients in i, f, g, o order.
    const gateFactors = tf.unstack(tf.stack([dAi, dAf, dAg, dAo], 3), 2) as tf.Tensor4D[];
    const dcFactors = tf.unstack(dcFromDh, 2) as tf.Tensor3D[];
    const forgets = tf.unstack(f, 2) as tf.Tensor3D[];
    const dys = tf.unstack(dy, 2) as tf.Tensor3D[];
    const wT = prepareStreamOperand(wHh, strategy);

    const dGates: tf.Tensor3D[] = new Array<tf.Tensor3D>(t);
    let dhRecurrent: tf.Tensor3D | null = null;
    let dcNext: tf.Tensor3D | null = null;
    for (let step = t - 1; step >= 0; step--) {
      const dh: tf.Tensor3D = dhRecurrent === null ? dys[step] : tf.add(dys[step], dhRecurrent);
      let dc: tf.Tensor3D = tf.mul(dh, dcFactors[step]);
      if (dcNext !== null) dc = tf.add(dc, tf.mul(dcNext, forgets[step + 1]));
      const dA = tf.mul(tf.stack([dc, dc, dc, dh], 2), gateFactors[step]).reshape([n, b, 4 * units]) as tf.Tensor3D;
      dGates[step] = dA;
      dcNext = dc;
      if (step > 0) dhRecurrent = streamMatMul(dA, wT, { strategy, transposeB: true });
    }
    const dGx = tf.stack(dGates, 2) as tf.Tensor4D; // [N, B, T, 4h]
    // dW_hh = Σ_t h_{t-1}ᵀ·dgates_t as one product over the stacked (batch × time) rows.
    const hPrev = previousInTime(hs).reshape([n, b * t, units]) as tf.Tensor3D;
    const dW = streamMatMul(hPrev, dGx.reshape([n, b * t, 4 * units]) as tf.Tensor3D, { strategy, transposeA: true });
    return [dGx, dW];
  });
}
