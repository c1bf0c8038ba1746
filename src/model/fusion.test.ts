import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFusionParams, fuse, fusionOutputDim, type FusionParams, type FusionVariant } from './fusion.ts';
import { checkGradients, checkVariableGradient } from './gradientCheck.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const B = 2;
const T = 3;
const D = 4;
const A = 5;

function reps(n: number, seed: number): tf.Tensor3D[] {
  return Array.from({ length: n }, (_, j) => tf.randomNormal([B, T, D], 0, 1, 'float32', seed + j) as tf.Tensor3D);
}

function params(variant: FusionVariant, shared: string[], seed = 1): FusionParams {
  return createFusionParams('ner', { variant, dim: D, attnDim: A, sharedNames: shared, seed });
}

describe('fusion', () => {
  it('names its variables', () => {
    const att = params('attention', ['ner+pos', 'ner+chunk']);
    expect(Object.keys(att.variables)).toEqual(['fusion.ner.wq', 'fusion.ner.wk']);
    const two = params('twoStep', ['ner+pos', 'ner+chunk']);
    expect(Object.keys(two.variables)).toEqual([
      'fusion.ner.step1.ner+pos.wq',
      'fusion.ner.step1.ner+pos.wk',
      'fusion.ner.step1.ner+chunk.wq',
      'fusion.ner.step1.ner+chunk.wk',
      'fusion.ner.step2.wq',
      'fusion.ner.step2.wk',
    ]);
    expect(Object.keys(params('average', ['x']).variables)).toEqual([]);
    expect(two.variables['fusion.ner.step2.wq'].shape).toEqual([D, A]);
    tf.dispose([...Object.values(att.variables), ...Object.values(two.variables)]);
  });

  it('attention matches a per-token reference and β sums to 1; no leaks', () => {
    const p = params('attention', ['a', 'b']);
    const e = reps(3, 10);
    const before = tf.memory().numTensors;
    const { fused, beta } = fuse(p, e);
    expect(fused.shape).toEqual([B, T, D]);
    expect(beta?.shape).toEqual([B, T, 3]);
    const wq = p.attention!.wq.arraySync() as number[][];
    const wk = p.attention!.wk.arraySync() as number[][];
    const ev = e.map((x) => x.arraySync() as number[][][]);
    const f = fused.arraySync() as number[][][];
    const bt = beta!.arraySync() as number[][][];
    const proj = (v: number[], w: number[][]) => w[0].map((_, a) => v.reduce((s, x, k) => s + x * w[k][a], 0));
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < T; i++) {
        const q = proj(ev[0][b][i], wq);
        const scores = ev.map((x) => proj(x[b][i], wk).reduce((s, v, a) => s + v * q[a], 0) / Math.sqrt(A));
        const m = Math.max(...scores);
        const ex = scores.map((s) => Math.exp(s - m));
        const z = ex.reduce((s, v) => s + v, 0);
        const w = ex.map((v) => v / z);
        expect(bt[b][i].reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
        w.forEach((v, j) => expect(bt[b][i][j]).toBeCloseTo(v, 5));
        for (let k = 0; k < D; k++) {
          expect(f[b][i][k]).toBeCloseTo(ev.reduce((s, x, j) => s + w[j] * x[b][i][k], 0), 5);
        }
      }
    }
    tf.dispose([fused, beta!]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([...e, ...Object.values(p.variables)]);
  });

  it('average and concat: shapes, values and β', () => {
    const e = reps(3, 20);
    const avg = fuse(params('average', ['a', 'b']), e);
    expect(avg.fused.shape).toEqual([B, T, D]);
    const mean = tf.div(tf.addN(e), 3);
    expect(tf.max(tf.abs(tf.sub(avg.fused, mean))).dataSync()[0]).toBeLessThan(1e-6);
    expect(Array.from(avg.beta!.dataSync()).every((v) => Math.abs(v - 1 / 3) < 1e-7)).toBe(true);
    const cat = fuse(params('concat', ['a', 'b']), e);
    expect(cat.fused.shape).toEqual([B, T, 3 * D]);
    expect(cat.beta).toBeNull();
    expect(fusionOutputDim('concat', D, 3)).toBe(3 * D);
    expect(fusionOutputDim('attention', D, 3)).toBe(D);
    const catRows = cat.fused.arraySync() as number[][][];
    const e2 = e[2].arraySync() as number[][][];
    expect(catRows[1][2].slice(2 * D)).toEqual(e2[1][2]);
    tf.dispose([...e, mean, avg.fused, avg.beta!, cat.fused]);
  });

  it('twoStep: β sums to 1 and reproduces ē = Σ β_j e_j', () => {
    const p = params('twoStep', ['a', 'b', 'c']);
    const e = reps(4, 30);
    const { fused, beta } = fuse(p, e);
    expect(fused.shape).toEqual([B, T, D]);
    expect(beta!.shape).toEqual([B, T, 4]);
    const sums = tf.sum(beta!, 2).dataSync();
    sums.forEach((v) => expect(v).toBeCloseTo(1, 6));
    const recon = tf.addN(e.map((x, j) => tf.mul(x, tf.slice(beta!, [0, 0, j], [B, T, 1]))));
    expect(tf.max(tf.abs(tf.sub(recon, fused))).dataSync()[0]).toBeLessThan(1e-5);
    tf.dispose([...e, fused, beta!, recon, ...Object.values(p.variables)]);
  });

  it('a task without shared representations passes h through', () => {
    const [h] = reps(1, 40);
    for (const variant of ['attention', 'average', 'concat', 'twoStep'] as const) {
      const p = params(variant, []);
      const out = fuse(p, [h]);
      expect(tf.max(tf.abs(tf.sub(out.fused, h))).dataSync()[0]).toBeLessThan(1e-6);
      tf.dispose([out.fused, ...(out.beta ? [out.beta] : []), ...Object.values(p.variables)]);
    }
    h.dispose();
  });

  it('rejects representations of different widths', () => {
    const p = params('attention', ['a']);
    const h = tf.zeros([B, T, D]);
    const s = tf.zeros([B, T, D + 1]);
    expect(() => fuse(p, [h, s])).toThrow(/equal widths/);
    tf.dispose([h, s, ...Object.values(p.variables)]);
  });

  for (const variant of ['attention', 'twoStep'] as const) {
    it(`${variant}: gradient matches finite differences`, () => {
      const p = params(variant, ['a', 'b'], 7);
      const e = reps(3, 50);
      const w = tf.randomNormal([B, T, D], 0, 1, 'float32', 99); // random linear read-out of ē
      const loss = (xs: tf.Tensor[]) => tf.sum(tf.mul(fuse(p, xs).fused, w));
      for (const r of checkGradients((...xs) => loss(xs), e, { eps: 5e-3 })) expect(r.ok, r.message).toBe(true);
      const names = Object.keys(p.variables);
      for (const name of [names[0], names[names.length - 1]]) {
        const r = checkVariableGradient(() => loss(e), p.variables[name], { eps: 5e-3, maxEntries: 10 });
        expect(r.ok, `${name}: ${r.message}`).toBe(true);
      }
      tf.dispose([...e, w, ...Object.values(p.variables)]);
    });
  }

  it('gives the same outputs and gradients on wasm as on cpu', async () => {
    const run = () =>
      (['attention', 'twoStep'] as const).map((variant) => {
        const p = params(variant, ['a', 'b'], 8);
        const res = tf.tidy(() => {
          const e = reps(3, 60);
          const { fused, beta } = fuse(p, e);
          const g = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.square(fuse(p, xs).fused)))(e);
          return [...fused.dataSync(), ...beta!.dataSync(), ...g.flatMap((x) => Array.from(x.dataSync()))];
        });
        tf.dispose(Object.values(p.variables));
        return res;
      });
    const cpu = run();
    await tf.setBackend('wasm');
    const wasm = run();
    await tf.setBackend('cpu');
    cpu.forEach((vals, k) => vals.forEach((v, i) => expect(wasm[k][i]).toBeCloseTo(v, 4)));
  });
});
