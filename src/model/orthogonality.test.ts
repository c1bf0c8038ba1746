import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkGradients } from './gradientCheck.ts';
import { orthogonalityLoss, orthogonalityPerSentence, type OrthogonalityMode } from './orthogonality.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const B = 3;
const T = 4;
const DH = 5;
const DS = 3;
const lengths = [4, 2, 1];
const maskData = lengths.map((n) => Array.from({ length: T }, (_, i) => (i < n ? 1 : 0)));

/** Direct per-sentence reference in float64: Σ_t ‖ Σ_α I_tᵀ S_tα ‖²_F over the real rows, per mode. */
function reference(
  tasks: { individual: number[][][]; shared: number[][][][] }[],
  mode: OrthogonalityMode,
): number[] {
  const normRow = (r: number[]) => {
    const n = Math.sqrt(r.reduce((a, v) => a + v * v, 0));
    return r.map((v) => v / n);
  };
  return lengths.map((n, b) => {
    let total = 0;
    for (const task of tasks) {
      const rowsI = task.individual[b].slice(0, n).map((r) => (mode === 'normalized' ? normRow(r) : r));
      const dh = rowsI[0].length;
      const ds = task.shared[0][b][0].length;
      const m = Array.from({ length: dh }, () => new Array<number>(ds).fill(0));
      for (const s of task.shared) {
        const rowsS = s[b].slice(0, n).map((r) => (mode === 'normalized' ? normRow(r) : r));
        for (let i = 0; i < n; i++) for (let p = 0; p < dh; p++) for (let q = 0; q < ds; q++) m[p][q] += rowsI[i][p] * rowsS[i][q];
      }
      total += m.flat().reduce((a, v) => a + v * v, 0);
    }
    return mode === 'perToken' ? total / n : total;
  });
}

function makeInputs(seed: number) {
  const mk = (shape: number[], k: number) => tf.randomNormal(shape, 0, 1, 'float32', seed * 10 + k);
  // task 0 belongs to two pairs, task 1 to one
  const tasks = [
    { individual: mk([B, T, DH], 1), shared: [mk([B, T, DS], 2), mk([B, T, DS], 3)] },
    { individual: mk([B, T, DH], 4), shared: [mk([B, T, DS], 5)] },
  ];
  return tasks;
}

describe('orthogonality', () => {
  for (const mode of ['raw', 'perToken', 'normalized'] as const) {
    for (const algorithm of ['gram', 'direct', 'auto'] as const) {
      it(`equals a per-sentence loop (${mode}, ${algorithm}) and does not leak`, () => {
        const tasks = makeInputs(1);
        const mask = tf.tensor2d(maskData);
        const before = tf.memory().numTensors;
        const per = orthogonalityPerSentence(tasks, mask, { mode, algorithm });
        const loss = orthogonalityLoss(tasks, mask, { mode, algorithm });
        const ref = reference(
          tasks.map((t) => ({
            individual: t.individual.arraySync() as number[][][],
            shared: t.shared.map((s) => s.arraySync() as number[][][]),
          })),
          mode,
        );
        Array.from(per.dataSync()).forEach((v, b) => expect(v).toBeCloseTo(ref[b], 3));
        expect(loss.dataSync()[0]).toBeCloseTo(ref.reduce((a, v) => a + v, 0) / B, 3);
        tf.dispose([per, loss]);
        expect(tf.memory().numTensors).toBe(before);
        tf.dispose([mask, ...tasks.flatMap((t) => [t.individual, ...t.shared])]);
      });
    }
  }

  it('ignores values at padded positions', () => {
    const tasks = makeInputs(2);
    const mask = tf.tensor2d(maskData);
    const pad = tf.mul(tf.sub(1, tf.reshape(mask, [B, T, 1])), 50);
    const noisy = tasks.map((t) => ({ individual: tf.add(t.individual, pad), shared: t.shared.map((s) => tf.add(s, pad)) }));
    for (const mode of ['raw', 'perToken', 'normalized'] as const) {
      const a = orthogonalityLoss(tasks, mask, { mode }).dataSync()[0];
      const b = orthogonalityLoss(noisy, mask, { mode }).dataSync()[0];
      expect(b).toBeCloseTo(a, 3);
    }
  });

  for (const mode of ['raw', 'perToken', 'normalized'] as const) {
    it(`gradient matches finite differences (${mode})`, () => {
      const tasks = makeInputs(3);
      const mask = tf.tensor2d(maskData);
      const inputs = [tasks[0].individual, ...tasks[0].shared, tasks[1].individual, tasks[1].shared[0]];
      const f = (i0: tf.Tensor, s0: tf.Tensor, s1: tf.Tensor, i1: tf.Tensor, s2: tf.Tensor) =>
        orthogonalityLoss(
          [
            { individual: i0, shared: [s0, s1] },
            { individual: i1, shared: [s2] },
          ],
          mask,
          { mode },
        );
      const results = checkGradients(f as (...xs: tf.Tensor[]) => tf.Scalar, inputs, {
        eps: mode === 'normalized' ? 3e-3 : 1e-2,
        maxEntries: 24,
      });
      for (const r of results) expect(r.ok, r.message).toBe(true);
      tf.dispose([mask, ...inputs]);
    });
  }

  it('gives the same values and gradients on wasm as on cpu', async () => {
    const run = () =>
      (['raw', 'perToken', 'normalized'] as const).map((mode) =>
        tf.tidy(() => {
          const tasks = makeInputs(4);
          const mask = tf.tensor2d(maskData);
          const inputs = [tasks[0].individual, ...tasks[0].shared];
          const g = tf.grads((i0: tf.Tensor, s0: tf.Tensor, s1: tf.Tensor) =>
            orthogonalityLoss([{ individual: i0, shared: [s0, s1] }, tasks[1]], mask, { mode }),
          )(inputs);
          return [orthogonalityLoss(tasks, mask, { mode }).dataSync()[0], ...g.flatMap((x) => Array.from(x.dataSync()))];
        }),
      );
    const cpu = run();
    await tf.setBackend('wasm');
    const wasm = run();
    await tf.setBackend('cpu');
    cpu.forEach((vals, k) => vals.forEach((v, i) => expect(wasm[k][i]).toBeCloseTo(v, 2)));
  });
});
