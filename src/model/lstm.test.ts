import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countKernels } from './kernelCount.ts';
import {
  biLstm,
  biLstmLayer,
  biLstmTwin,
  biLstmVariables,
  defaultKernelPlan,
  disposeBiLstmWeights,
  disposeSequenceLayout,
  initBiLstm,
  initBiLstmWeights,
  sequenceLayout,
  type BiLstmWeights,
  type BiLstmWeightsArg,
  type KernelPlan,
} from './lstm.ts';
import { gatherRows, lastAxisBlocks, permuteRows, resolveKernelPlan, unstackAlong } from './kernelPlan.ts';
import { stopGradient } from './gradientReversal.ts';
import { biLstmLayerReference } from './lstmReference.ts';
import { prepareStreamOperand, streamAffine, streamProduct } from './streamMatMul.ts';

/** Every way the kernel can be dispatched; the backend default is one of them. */
const PLANS: readonly KernelPlan[] = [
  { matMul: 'batched', copies: 'kernel' },
  { matMul: 'perStream', copies: 'kernel' },
  { matMul: 'perStream', copies: 'host' },
  { matMul: 'perStream', copies: 'host', tanh: 'sigmoid' },
];
const planName = (p: KernelPlan): string => `${p.matMul}/${p.copies}${p.tanh ? `/${p.tanh}` : ''}`;

/** Uniform in [-scale, scale): deterministic given the seed. */
function rand(shape: number[], seed: number, scale = 1): tf.Tensor {
  return tf.randomUniform(shape, -scale, scale, 'float32', seed);
}

/** Non-trainable weights with a non-trivial bias, so that every gate term is exercised. */
function randomWeights(stacks: number, inputSize: number, units: number, seed: number): BiLstmWeights {
  return {
    wIh: rand([stacks, 2, inputSize, 4 * units], seed, 0.6) as tf.Tensor4D,
    wHh: rand([stacks, 2, units, 4 * units], seed + 1, 0.6) as tf.Tensor4D,
    bias: rand([stacks, 2, 4 * units], seed + 2, 0.5) as tf.Tensor3D,
  };
}

/** max |actual − expected| ≤ atol + rtol·max |expected| */
function expectClose(actual: tf.Tensor, expected: tf.Tensor, rtol: number, atol = 1e-6, what = ''): void {
  expect(actual.shape, what).toEqual(expected.shape);
  const a = actual.dataSync();
  const e = expected.dataSync();
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < e.length; i++) {
    scale = Math.max(scale, Math.abs(e[i]));
    worst = Math.max(worst, Math.abs(a[i] - e[i]));
  }
  expect(worst, what).toBeLessThanOrEqual(atol + rtol * scale);
}

type Layer = (x: tf.Tensor4D, w: BiLstmWeights) => tf.Tensor4D;

/** Gradients of Σ out ⊙ proj (a random projection of the output) w.r.t. x and every weight. */
function gradsOf(layer: Layer, x: tf.Tensor4D, w: BiLstmWeights, proj: tf.Tensor): tf.Tensor[] {
  const loss = (xx: tf.Tensor, wIh: tf.Tensor, wHh: tf.Tensor, bias: tf.Tensor): tf.Tensor =>
    tf.sum(tf.mul(layer(xx as tf.Tensor4D, { wIh: wIh as tf.Tensor4D, wHh: wHh as tf.Tensor4D, bias: bias as tf.Tensor3D }), proj));
  return tf.grads(loss)([x, w.wIh, w.wHh, w.bias]);
}

const GRAD_NAMES = ['x', 'wIh', 'wHh', 'bias'];

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`biLstmLayer on ${backend}`, () => {
    beforeAll(async () => {
      await tf.setBackend(backend);
      await tf.ready();
    });

    // S=2, B=5, T=6, in=5, h=4; lengths cover max length, length 1 and an empty sentence.
    const lengths = [6, 1, 3, 0, 4];
    const [S, B, T, IN, H] = [2, lengths.length, 6, 5, 4];

    for (const plan of PLANS) {
      it(`forward and gradients equal the reference (${planName(plan)})`, () => {
        tf.tidy(() => {
          const x = rand([S, B, T, IN], 1) as tf.Tensor4D;
          const w = randomWeights(S, IN, H, 10);
          const proj = rand([S, B, T, 2 * H], 20);
          const fast: Layer = (xx, ww) => biLstmLayer(xx, ww, lengths, { plan });
          const ref: Layer = (xx, ww) => biLstmLayerReference(xx, ww, lengths);
          expectClose(fast(x, w), ref(x, w), 1e-5);
          const gFast = gradsOf(fast, x, w, proj);
          const gRef = gradsOf(ref, x, w, proj);
          gFast.forEach((g, k) => expectClose(g, gRef[k], 1e-4, 1e-6, `d${GRAD_NAMES[k]}`));
        });
      });
    }

    it('lengths as a tensor give the same result as host lengths', () => {
      tf.tidy(() => {
        const x = rand([S, B, T, IN], 2) as tf.Tensor4D;
        const w = randomWeights(S, IN, H, 11);
        const host = biLstmLayer(x, w, lengths);
        expectClose(biLstmLayer(x, w, tf.tensor1d(lengths, 'int32')), host, 0, 0);
        const fromTensor = sequenceLayout(tf.tensor1d(lengths, 'float32'), T);
        const fromHost = sequenceLayout(lengths, T);
        for (const key of ['toStreams', 'toTokens', 'toTokensBack', 'mask'] as const) expectClose(fromTensor[key], fromHost[key], 0, 0);
        fromTensor.toStreamsBack.forEach((idx, d) => expectClose(idx, fromHost.toStreamsBack[d], 0, 0));
        expectClose(biLstmLayer(x, w, fromTensor), host, 0, 0);
      });
    });

    it('a weight list runs several encoders in one call; a set listed twice sums its gradients', () => {
      tf.tidy(() => {
        const shared = randomWeights(1, IN, H, 30);
        const other = randomWeights(1, IN, H, 40);
        const list = [shared, other, shared];
        const x = rand([3, B, T, IN], 3) as tf.Tensor4D;
        const proj = rand([3, B, T, 2 * H], 21);
        type Run = (xx: tf.Tensor4D, ws: BiLstmWeightsArg) => tf.Tensor4D;
        // Gradients w.r.t. x and the W_hh tensors given to stacks 0, 1, 2 (stack 2 reuses stack 0's when tied).
        const grads = (layer: Run, tie: boolean): tf.Tensor[] =>
          tf.grads((...p: tf.Tensor[]) => {
            const ws = [
              { ...shared, wHh: p[1] as tf.Tensor4D },
              { ...other, wHh: p[2] as tf.Tensor4D },
              { ...shared, wHh: p[tie ? 1 : 3] as tf.Tensor4D },
            ];
            return tf.sum(tf.mul(layer(p[0] as tf.Tensor4D, ws), proj));
          })(tie ? [x, shared.wHh, other.wHh] : [x, shared.wHh, other.wHh, tf.clone(shared.wHh)]);
        const fast: Run = (xx, ws) => biLstmLayer(xx, ws, lengths);
        expectClose(fast(x, list), biLstmLayerReference(x, list, lengths), 1e-5);
        const gRef = grads((xx, ws) => biLstmLayerReference(xx, ws, lengths), true);
        const gTied = grads(fast, true);
        gTied.forEach((g, k) => expectClose(g, gRef[k], 1e-4, 1e-6, `grad ${k}`));
        const gUntied = grads(fast, false);
        expectClose(gTied[1], tf.add(gUntied[1], gUntied[3]), 1e-5, 1e-6, 'shared W_hh gets the sum of both uses');
      });
    });

    it('padding is ignored: values at padded positions change nothing at real ones', () => {
      tf.tidy(() => {
        const layout = sequenceLayout(lengths, T);
        const mask = layout.mask.expandDims(0); // [1, B, T, 1]
        const x = rand([S, B, T, IN], 4) as tf.Tensor4D;
        const garbage = rand([S, B, T, IN], 5, 50);
        const xPadded = tf.add(tf.mul(x, mask), tf.mul(garbage, tf.sub(1, mask))) as tf.Tensor4D;
        const w = randomWeights(S, IN, H, 12);
        const proj = rand([S, B, T, 2 * H], 22);
        const fast: Layer = (xx, ww) => biLstmLayer(xx, ww, lengths);
        const out = fast(x, w);
        expectClose(fast(xPadded, w), out, 0, 1e-6);
        expectClose(tf.mul(out, tf.sub(1, mask)), tf.zerosLike(out), 0, 0);
        const g = gradsOf(fast, x, w, proj);
        const gPadded = gradsOf(fast, xPadded, w, proj);
        g.forEach((gk, k) => expectClose(gPadded[k], gk, 0, 1e-5));
        // No gradient flows into the inputs at padded positions.
        expectClose(tf.mul(gPadded[0], tf.sub(1, mask)), tf.zerosLike(gPadded[0]), 0, 0);
      });
    });

    it('leaks no tensor across repeated forward + backward steps', () => {
      const vars = initBiLstm(2, IN, H, 2, { seed: 7 });
      const x = rand([2, B, T, IN], 6) as tf.Tensor4D;
      const lengthTensor = tf.tensor1d(lengths, 'int32');
      const counts: number[] = [];
      for (let step = 0; step < 5; step++) {
        const { value, grads } = tf.variableGrads(() =>
          tf.sum(biLstm(x, vars, step % 2 === 0 ? lengths : lengthTensor, { dropout: { rate: 0.3, seed: step } })) as tf.Scalar,
        );
        tf.dispose([value, ...Object.values(grads)]);
        tf.dispose(biLstm(x, vars, lengths)); // inference: no tape, nothing saved
        counts.push(tf.memory().numTensors);
      }
      expect(new Set(counts).size).toBe(1);
      tf.dispose([x, lengthTensor]);
      disposeBiLstmWeights(vars);
    });
  });
}

/**
 * The twin (one forward, two gradient channels) against what it replaces: the stack run on the batch
 * and a gradient-stopped copy of it side by side ([x; stop(x)], 2B rows). Same outputs, and the same
 * gradients of any loss reading both channels: into x only from the first, into the weights from both.
 */
for (const backend of ['cpu', 'wasm'] as const) {
  describe(`biLstmTwin on ${backend}`, () => {
    beforeAll(async () => {
      await tf.setBackend(backend);
      await tf.ready();
    });

    for (const plan of PLANS) {
      it(`equals the stack on [x; stop(x)], values and gradients (${planName(plan)})`, () => {
        const lengths = [5, 3, 1];
        const [S, B, T, IN, H] = [2, 3, 5, 4, 3];
        const x = rand([S, B, T, IN], 11) as tf.Tensor4D;
        const layers = [randomWeights(S, IN, H, 21), randomWeights(S, 2 * H, H, 31)];
        const [projTask, projTwin] = [rand([S, B, T, 2 * H], 41), rand([S, B, T, 2 * H], 42)];
        const flat = (ws: BiLstmWeights[]) => ws.flatMap((w) => [w.wIh, w.wHh, w.bias]);
        const rebuild = (p: tf.Tensor[]): BiLstmWeights[] =>
          layers.map((_, l) => ({ wIh: p[3 * l] as tf.Tensor4D, wHh: p[3 * l + 1] as tf.Tensor4D, bias: p[3 * l + 2] as tf.Tensor3D }));
        const lossOf = (channels: (xx: tf.Tensor4D, ws: BiLstmWeights[]) => tf.Tensor4D[]) =>
          tf.grads((xx: tf.Tensor, ...p: tf.Tensor[]) => {
            const [task, twin] = channels(xx as tf.Tensor4D, rebuild(p));
            return tf.add(tf.sum(tf.mul(task!, projTask)), tf.sum(tf.mul(twin!, projTwin)));
          });
        const twinOuts = biLstmTwin(x, layers, lengths, { plan });
        const copies = (xx: tf.Tensor4D, ws: BiLstmWeights[]) =>
          tf.split(biLstm(tf.concat([xx, stopGradient(xx)], 1) as tf.Tensor4D, ws, [...lengths, ...lengths], { plan }), 2, 1) as tf.Tensor4D[];
        const copyOuts = copies(x, layers);
        expectClose(twinOuts[0], copyOuts[0]!, 1e-5, 1e-6, 'task channel');
        expectClose(twinOuts[1], twinOuts[0], 0, 0, 'the twin equals the task channel');
        const expected = lossOf(copies)([x, ...flat(layers)]);
        const actual = lossOf((xx, ws) => biLstmTwin(xx, ws, lengths, { plan }))([x, ...flat(layers)]);
        const names = ['x', ...layers.flatMap((_, l) => [`wIh${l}`, `wHh${l}`, `bias${l}`])];
        actual.forEach((g, k) => expectClose(g, expected[k]!, 1e-4, 1e-6, names[k]));
        // the twin channel adds to the weights' gradients (not only the task channel's)
        const taskOnly = tf.grads((...p: tf.Tensor[]) => tf.sum(tf.mul(biLstm(x, rebuild(p), lengths, { plan }), projTask)))(flat(layers));
        expect(Math.abs(actual[1]!.sub(taskOnly[0]!).abs().max().dataSync()[0]!)).toBeGreaterThan(1e-3);
        tf.dispose([x, projTask, projTwin, ...flat(layers), ...twinOuts, ...copyOuts, ...expected, ...actual, ...taskOnly]);
      });
    }

    it('keeps one dropout mask for both channels', () => {
      const x = rand([1, 2, 4, 3], 5) as tf.Tensor4D;
      const layers = [randomWeights(1, 3, 2, 6), randomWeights(1, 4, 2, 7)];
      const [task, twin] = biLstmTwin(x, layers, [4, 3], { dropout: { rate: 0.5, seed: 9 } });
      expectClose(twin, task, 0, 0, 'twin under dropout');
      tf.dispose([x, task, twin, ...layers.flatMap((w) => [w.wIh, w.wHh, w.bias])]);
    });
  });
}

describe('biLstmLayer against finite differences (cpu)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('analytic gradients match central differences on a tiny case (h=3, T=4)', () => {
    const lengths = [4, 2];
    const [S, B, T, IN, H] = [2, 2, 4, 3, 3];
    const x = rand([S, B, T, IN], 50) as tf.Tensor4D;
    const w = randomWeights(S, IN, H, 60);
    const proj = rand([S, B, T, 2 * H], 70);
    const params = [x, w.wIh, w.wHh, w.bias];
    const lossOf = (p: tf.Tensor[]): number =>
      tf.tidy(() => {
        const out = biLstmLayer(p[0] as tf.Tensor4D, { wIh: p[1] as tf.Tensor4D, wHh: p[2] as tf.Tensor4D, bias: p[3] as tf.Tensor3D }, lengths);
        return tf.sum(tf.mul(out, proj)).dataSync()[0];
      });
    const analytic = tf.grads((...p: tf.Tensor[]) =>
      tf.sum(tf.mul(biLstmLayer(p[0] as tf.Tensor4D, { wIh: p[1] as tf.Tensor4D, wHh: p[2] as tf.Tensor4D, bias: p[3] as tf.Tensor3D }, lengths), proj)),
    )(params).map((g) => g.dataSync());

    const eps = 1e-2;
    let checked = 0;
    params.forEach((param, k) => {
      const base = param.dataSync().slice();
      // Every 3rd coordinate: covers all gates, directions and stacks at a fraction of the cost.
      for (let j = k % 3; j < base.length; j += 3) {
        const at = (delta: number): number => {
          const moved = base.slice();
          moved[j] += delta;
          const t = tf.tensor(moved, param.shape);
          const p = params.map((q, m) => (m === k ? t : q));
          const loss = lossOf(p);
          t.dispose();
          return loss;
        };
        const numeric = (at(eps) - at(-eps)) / (2 * eps);
        const exact = analytic[k][j];
        expect(Math.abs(numeric - exact), `${GRAD_NAMES[k]}[${j}]: numeric ${numeric} vs analytic ${exact}`).toBeLessThanOrEqual(
          2e-3 + 1e-2 * Math.abs(exact),
        );
        checked++;
      }
    });
    expect(checked).toBeGreaterThan(100);
    // The gradients compared are not all near zero, so the tolerance above is meaningful.
    for (const g of analytic) expect(Math.max(...g.map(Math.abs))).toBeGreaterThan(5e-2);
    tf.dispose([...params, proj]);
  });
});

describe('building blocks (cpu)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('picks batched products on GPU backends (the fused programs on webgpu) and per-stream 2-D products with host copies on wasm', () => {
    // The fused recurrence, CRF, optimizer and dropout programs are WebGPU's only (the other plans below have none of those fields).
    expect(defaultKernelPlan('webgpu')).toEqual({ matMul: 'batched', copies: 'kernel', recurrence: 'fused', crf: 'fused', optimizer: 'fused', dropout: 'fused' });
    expect(defaultKernelPlan('webgl')).toEqual({ matMul: 'batched', copies: 'kernel' });
    expect(defaultKernelPlan('wasm')).toEqual({ matMul: 'perStream', copies: 'host', tanh: 'sigmoid' });
    expect(defaultKernelPlan('cpu')).toEqual({ matMul: 'perStream', copies: 'kernel' });
  });

  it('refuses the fused recurrence off webgpu', () => {
    expect(() => resolveKernelPlan({ recurrence: 'fused' })).toThrow(/WebGPU program/);
    expect(resolveKernelPlan({ recurrence: 'steps' }).recurrence).toBe('steps');
  });

  for (const plan of PLANS) {
    it(`stream products and copies agree with plain tfjs ops (${planName(plan)})`, () => {
      tf.tidy(() => {
        const a = rand([3, 4, 5], 1) as tf.Tensor3D;
        const b = rand([3, 5, 6], 2) as tf.Tensor3D;
        const bT = rand([3, 6, 5], 3) as tf.Tensor3D;
        const aT = rand([3, 5, 4], 4) as tf.Tensor3D;
        expectClose(streamProduct(a, prepareStreamOperand(b, plan), plan), tf.matMul(a, b), 1e-6);
        expectClose(streamProduct(a, prepareStreamOperand(bT, plan, true), plan), tf.matMul(a, bT, false, true), 1e-6);
        expectClose(streamProduct(aT, prepareStreamOperand(b, plan), plan, true), tf.matMul(aT, b, true, false), 1e-6);
        const bias = rand([3, 6], 8) as tf.Tensor2D;
        const dy = rand([3, 4, 6], 5);
        const affine = (p: tf.Tensor, q: tf.Tensor, r: tf.Tensor): tf.Tensor =>
          tf.sum(tf.mul(streamAffine(p as tf.Tensor3D, q as tf.Tensor3D, r as tf.Tensor2D, plan), dy));
        const plain = (p: tf.Tensor, q: tf.Tensor, r: tf.Tensor): tf.Tensor => tf.sum(tf.mul(tf.add(tf.matMul(p, q), r.reshape([3, 1, 6])), dy));
        expectClose(tf.tidy(() => affine(a, b, bias)), plain(a, b, bias), 1e-6);
        const theirs = tf.grads(plain)([a, b, bias]);
        tf.grads(affine)([a, b, bias]).forEach((g, k) => expectClose(g, theirs[k], 1e-6));

        const x = rand([2, 3, 4, 8], 6);
        tf.unstack(x, 2).forEach((piece, k) => expectClose(unstackAlong(x, 2, plan.copies)[k], piece, 0, 0));
        const blocks = lastAxisBlocks(x, 2, [3, 1], plan.copies);
        expectClose(blocks[0], tf.slice(x, [0, 0, 0, 6], [2, 3, 4, 2]), 0, 0);
        expectClose(blocks[1], tf.slice(x, [0, 0, 0, 2], [2, 3, 4, 2]), 0, 0);
        const rows = rand([2, 4, 3], 7) as tf.Tensor3D;
        const index = tf.tensor1d([3, 0, 0, 2], 'int32');
        expectClose(gatherRows(rows, index, plan.copies), tf.gather(rows, index, 1), 0, 0);
      });
    });
  }

  it('lays tokens out as streams (backward reversed within its length) and back again', () => {
    tf.tidy(() => {
      // B=3 sentences of lengths 3, 1, 0 padded to T=4; one feature holding 10·b + t.
      const layout = sequenceLayout([3, 1, 0], 4);
      const tokens = tf.tensor3d([0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23], [1, 12, 1]);
      const streams = permuteRows(tokens, layout.toStreams, layout.toStreamsBack, 'kernel');
      // Stream rows (d, t, b): forward reads token t, backward token r(b, t).
      expect(Array.from(streams.dataSync())).toEqual([
        ...[0, 10, 20, 1, 11, 21, 2, 12, 22, 3, 13, 23],
        ...[2, 10, 20, 1, 11, 21, 0, 12, 22, 3, 13, 23],
      ]);
      // Back to tokens as (forward, backward) pairs: both directions see token (b, t) at (b, t).
      const back = permuteRows(streams.reshape([1, 24, 1]) as tf.Tensor3D, layout.toTokens, [layout.toTokensBack], 'kernel');
      expect(Array.from(back.dataSync())).toEqual([0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23].flatMap((v) => [v, v]));
      expect(Array.from(layout.mask.dataSync())).toEqual([1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
      // Every token row is read once per direction, so its gradient is 2× the upstream one.
      const g = tf.grad((v: tf.Tensor) => tf.sum(permuteRows(v as tf.Tensor3D, layout.toStreams, layout.toStreamsBack, 'kernel')))(tokens);
      expect(Array.from(g.dataSync())).toEqual(new Array(12).fill(2));
      disposeSequenceLayout(layout);
    });
    expect(() => sequenceLayout([5], 4)).toThrow(/length 5/);
  });

  it('initialises Glorot-uniform weights with forget bias 1, reproducibly from a seed', () => {
    const [S, IN, H] = [2, 6, 5];
    const a = initBiLstmWeights(S, IN, H, { seed: 3 });
    const b = initBiLstmWeights(S, IN, H, { seed: 3 });
    expect(a.wIh.shape).toEqual([S, 2, IN, 4 * H]);
    expect(a.wHh.shape).toEqual([S, 2, H, 4 * H]);
    expect(a.bias.shape).toEqual([S, 2, 4 * H]);
    expectClose(a.wIh, b.wIh, 0, 0);
    const limitIh = Math.sqrt(6 / (IN + 4 * H));
    const wIh = a.wIh.dataSync();
    expect(Math.max(...wIh.map(Math.abs))).toBeLessThanOrEqual(limitIh);
    expect(Math.max(...wIh.map(Math.abs))).toBeGreaterThan(0.8 * limitIh);
    expect(Math.max(...a.wHh.dataSync().map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / (H + 4 * H)));
    const bias = a.bias.dataSync();
    bias.forEach((v, k) => expect(v).toBe(Math.floor((k % (4 * H)) / H) === 1 ? 1 : 0));
    expect(biLstmVariables([a, b])).toHaveLength(6);
    disposeBiLstmWeights([a, b]);
  });

  it('stacks layers: layer 2 reads layer 1; seeded dropout is reproducible', () => {
    const lengths = [3, 2, 1];
    tf.tidy(() => {
      const x = rand([2, 3, 3, 4], 1) as tf.Tensor4D;
      const layers = [randomWeights(2, 4, 3, 5), randomWeights(2, 6, 3, 6)];
      const twoLayers = biLstm(x, layers, lengths);
      const ref = biLstmLayerReference(biLstmLayerReference(x, layers[0], lengths), layers[1], lengths);
      expectClose(twoLayers, ref, 1e-5);
      const drop = { rate: 0.5, seed: 9 };
      const d1 = biLstm(x, layers, lengths, { dropout: drop });
      expectClose(biLstm(x, layers, lengths, { dropout: drop }), d1, 0, 0);
      expect(tf.max(tf.abs(tf.sub(d1, twoLayers))).dataSync()[0]).toBeGreaterThan(1e-3);
    });
  });

  it('dispatches far fewer kernels than the per-timestep reference', async () => {
    const lengths = [5, 3];
    const x = rand([2, 2, 5, 3], 1) as tf.Tensor4D;
    const w = randomWeights(2, 3, 4, 2);
    const step = (layer: Layer) => (): tf.Tensor[] =>
      tf.grads((xx: tf.Tensor, a: tf.Tensor) => tf.sum(layer(xx as tf.Tensor4D, { ...w, wHh: a as tf.Tensor4D })))([x, w.wHh]);
    const fast = await countKernels(step((xx, ww) => biLstmLayer(xx, ww, lengths, { plan: { matMul: 'batched', copies: 'kernel' } })));
    const ref = await countKernels(step((xx, ww) => biLstmLayerReference(xx, ww, lengths)));
    expect(fast.total).toBeGreaterThan(0);
    expect(fast.total * 4).toBeLessThan(ref.total);
    tf.dispose([x, w.wIh, w.wHh, w.bias]);
  });
});

afterAll(async () => {
  await tf.setBackend('cpu');
});
