import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adversarialLoss,
  createAdversaryParams,
  discriminatorLogits,
  maskedMeanPool,
  type AdversaryParams,
} from './adversary.ts';
import { checkGradients, checkVariableGradient } from './gradientCheck.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const B = 3;
const T = 4;
const D = 5;
const mask = () => tf.tensor2d([[1, 1, 1, 1], [1, 1, 0, 0], [1, 0, 0, 0]]);

function disposeParams(p: AdversaryParams): void {
  tf.dispose(Object.values(p.variables));
}

describe('adversary', () => {
  it('names its variables and seeds them deterministically', () => {
    const a = createAdversaryParams(['ner+pos', 'pos+chunk'], { inputDim: D, hidden: 6, seed: 3 });
    const b = createAdversaryParams(['ner+pos', 'pos+chunk'], { inputDim: D, hidden: 6, seed: 3 });
    expect(Object.keys(a.variables)).toEqual([
      'disc.ner+pos.dense0.kernel',
      'disc.ner+pos.dense0.bias',
      'disc.ner+pos.dense1.kernel',
      'disc.ner+pos.dense1.bias',
      'disc.pos+chunk.dense0.kernel',
      'disc.pos+chunk.dense0.bias',
      'disc.pos+chunk.dense1.kernel',
      'disc.pos+chunk.dense1.bias',
    ]);
    expect(a.variables['disc.ner+pos.dense0.kernel'].shape).toEqual([D, 6]);
    expect(a.variables['disc.ner+pos.dense1.kernel'].shape).toEqual([6, 2]);
    expect(Array.from(a.variables['disc.pos+chunk.dense0.kernel'].dataSync())).toEqual(
      Array.from(b.variables['disc.pos+chunk.dense0.kernel'].dataSync()),
    );
    expect(Array.from(a.variables['disc.pos+chunk.dense0.kernel'].dataSync())).not.toEqual(
      Array.from(a.variables['disc.ner+pos.dense0.kernel'].dataSync()),
    );
    disposeParams(a);
    disposeParams(b);
  });

  it('mean-pools over real tokens only and ignores padding values', () => {
    const p = createAdversaryParams(['a+b'], { inputDim: D, hidden: 4, seed: 1 });
    const m = mask();
    const s0 = tf.randomNormal([B, T, D], 0, 1, 'float32', 5);
    const s1 = tf.randomNormal([B, T, D], 0, 1, 'float32', 6);
    const noisy = tf.add(s0, tf.mul(tf.sub(1, tf.reshape(m, [B, T, 1])), 100)); // garbage at padding
    const pooled = maskedMeanPool(s0, m).arraySync();
    const raw = s0.arraySync() as number[][][];
    expect(pooled[1][2]).toBeCloseTo((raw[1][0][2] + raw[1][1][2]) / 2, 5);
    expect(pooled[2][4]).toBeCloseTo(raw[2][0][4], 6);
    const l1 = adversarialLoss(p, [{ pair: 'a+b', shared: [s0, s1] }], m).loss.dataSync()[0];
    const l2 = adversarialLoss(p, [{ pair: 'a+b', shared: [noisy, s1] }], m).loss.dataSync()[0];
    expect(l2).toBeCloseTo(l1, 5);
    tf.dispose([m, s0, s1, noisy]);
    disposeParams(p);
  });

  it('loss = Σ_pairs Σ_members mean CE, accuracy from argmax; no leaks', () => {
    const p = createAdversaryParams(['a+b', 'a+c'], { inputDim: D, hidden: 4, seed: 2 });
    const m = mask();
    const s = [7, 8, 9, 10].map((k) => tf.randomNormal([B, T, D], 0, 1, 'float32', k));
    const before = tf.memory().numTensors;
    const out = adversarialLoss(
      p,
      [
        { pair: 'a+b', shared: [s[0], s[1]] },
        { pair: 'a+c', shared: [s[2], s[3]] },
      ],
      m,
    );
    // reference by hand
    let total = 0;
    const pairs: [string, tf.Tensor[]][] = [['a+b', [s[0], s[1]]], ['a+c', [s[2], s[3]]]];
    for (const [pair, reps] of pairs) {
      let pairLoss = 0;
      let correct = 0;
      reps.forEach((rep, k) => {
        const logits = tf.tidy(() => discriminatorLogits(p.discriminators[pair], rep, m).arraySync());
        for (const row of logits) {
          const lse = Math.log(row.reduce((a, v) => a + Math.exp(v), 0));
          pairLoss += (lse - row[k]) / B;
          if ((row[1] > row[0] ? 1 : 0) === k) correct++; // argMax: ties go to index 0
        }
      });
      expect(out.perPair[pair].loss.dataSync()[0]).toBeCloseTo(pairLoss, 5);
      expect(out.perPair[pair].accuracy.dataSync()[0]).toBeCloseTo(correct / (2 * B), 6);
      total += pairLoss;
    }
    expect(out.loss.dataSync()[0]).toBeCloseTo(total, 5);
    tf.dispose([out.loss, ...Object.values(out.perPair).flatMap((x) => [x.loss, x.accuracy])]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([m, ...s]);
    disposeParams(p);
  });

  it('gradient w.r.t. s and the discriminator weights matches finite differences', () => {
    const p = createAdversaryParams(['a+b'], { inputDim: D, hidden: 4, seed: 4 });
    const m = mask();
    const s0 = tf.randomNormal([B, T, D], 0, 1, 'float32', 11);
    const s1 = tf.randomNormal([B, T, D], 0, 1, 'float32', 12);
    const f = (x0: tf.Tensor, x1: tf.Tensor) => adversarialLoss(p, [{ pair: 'a+b', shared: [x0, x1] }], m).loss;
    for (const r of checkGradients(f, [s0, s1], { eps: 5e-3 })) expect(r.ok, r.message).toBe(true);
    for (const name of ['disc.a+b.dense0.kernel', 'disc.a+b.dense1.bias']) {
      const r = checkVariableGradient(() => f(s0, s1), p.variables[name], { eps: 5e-3 });
      expect(r.ok, `${name}: ${r.message}`).toBe(true);
    }
    tf.dispose([m, s0, s1]);
    disposeParams(p);
  });

  it('with reversal the gradient w.r.t. s is exactly −λ times the plain one; discriminator gradients unchanged', () => {
    const p = createAdversaryParams(['a+b'], { inputDim: D, hidden: 4, seed: 5 });
    const m = mask();
    const s0 = tf.randomNormal([B, T, D], 0, 1, 'float32', 13);
    const s1 = tf.randomNormal([B, T, D], 0, 1, 'float32', 14);
    const grads = (scale?: number) =>
      tf.grads((x0: tf.Tensor, x1: tf.Tensor) => adversarialLoss(p, [{ pair: 'a+b', shared: [x0, x1] }], m, scale).loss)([
        s0,
        s1,
      ]);
    const plain = grads().map((g) => Array.from(g.dataSync()));
    for (const lambda of [1, 2, 0.5]) {
      // powers of two: multiplying by −λ commutes exactly with the rest of the float32 backward pass
      const rev = grads(lambda).map((g) => Array.from(g.dataSync()));
      rev.forEach((g, k) => expect(g).toEqual(plain[k].map((v) => -lambda * v)));
    }
    const rev5 = grads(5).map((g) => Array.from(g.dataSync()));
    rev5.forEach((g, k) => g.forEach((v, i) => expect(v).toBeCloseTo(-5 * plain[k][i], 6)));
    const kernel = p.variables['disc.a+b.dense0.kernel'];
    const vg = (scale?: number) =>
      Array.from(
        tf.variableGrads(() => adversarialLoss(p, [{ pair: 'a+b', shared: [s0, s1] }], m, scale).loss, [kernel]).grads[
          kernel.name
        ].dataSync(),
      );
    expect(vg(5)).toEqual(vg());
    tf.dispose([m, s0, s1]);
    disposeParams(p);
  });

  it('gives the same loss, accuracy and gradients on wasm as on cpu', async () => {
    const run = () => {
      const p = createAdversaryParams(['a+b'], { inputDim: D, hidden: 4, seed: 6 });
      const res = tf.tidy(() => {
        const m = mask();
        const s0 = tf.randomNormal([B, T, D], 0, 1, 'float32', 15);
        const s1 = tf.randomNormal([B, T, D], 0, 1, 'float32', 16);
        const out = adversarialLoss(p, [{ pair: 'a+b', shared: [s0, s1] }], m, 1);
        const g = tf.grads((x0: tf.Tensor, x1: tf.Tensor) => adversarialLoss(p, [{ pair: 'a+b', shared: [x0, x1] }], m, 1).loss)([s0, s1]);
        return { loss: out.loss.dataSync()[0], acc: out.perPair['a+b'].accuracy.dataSync()[0], g: Array.from(g[0].dataSync()) };
      });
      disposeParams(p);
      return res;
    };
    const cpu = run();
    await tf.setBackend('wasm');
    const wasm = run();
    await tf.setBackend('cpu');
    expect(wasm.loss).toBeCloseTo(cpu.loss, 5);
    expect(wasm.acc).toBe(cpu.acc);
    wasm.g.forEach((v, i) => expect(v).toBeCloseTo(cpu.g[i], 5));
  });
});
