import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../data/index.ts';
import { runSoak, soakProblems, type SoakSample } from './soak.ts';

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
});

const sample = (epoch: number, patch: Partial<SoakSample> = {}): SoakSample => ({
  epoch,
  seconds: epoch,
  tensors: 100,
  tensorBytes: 4000,
  gpuBytes: null,
  heapBytes: 100 * 2 ** 20,
  ...patch,
});

describe('soak verdict', () => {
  it('passes flat figures and names every kind of growth', () => {
    expect(soakProblems([sample(1), sample(2), sample(3, { heapBytes: 105 * 2 ** 20 })], 5, 5)).toEqual([]);
    const problems = soakProblems(
      [sample(1, { gpuBytes: 10 }), sample(2, { tensors: 101, tensorBytes: 4004, gpuBytes: 12, heapBytes: 200 * 2 ** 20 })],
      5,
      7,
    );
    expect(problems).toEqual([
      'epoch 2: 101 tensors, 1 more than after epoch 1',
      'epoch 2: tensor bytes grew from 4000 to 4004',
      'epoch 2: GPU bytes grew from 10 to 12',
      expect.stringMatching(/^epoch 2: JS heap 200\.0 MB, over 126\.0 MB/),
      '2 tensors left alive after the trainer was disposed',
    ]);
    expect(soakProblems([sample(1)], 0, 0)).toEqual(['only 1 epoch(s) finished: too short to tell growth']);
  });
});

describe('soak run', () => {
  it('trains epochs until the time is up; tensors stay flat and all are freed', async () => {
    const full = loadDataset('sample.conllu', readFileSync(new URL('../../public/samples/en_ewt-ud-sample.conllu', import.meta.url)));
    const sentences = full.sentences.filter((s) => s.words.length <= 8).slice(0, 40);
    const report = await runSoak({ preset: 'tiny', tasks: full.tasks, sentences, minutes: 0.05, heapBytes: () => process.memoryUsage().heapUsed });
    expect(report.samples.length).toBeGreaterThanOrEqual(2);
    expect(report.samples.map((s) => s.epoch)).toEqual(report.samples.map((_, i) => i + 1));
    expect(new Set(report.samples.map((s) => s.tensors)).size).toBe(1);
    expect(report.tensorsAfter).toBe(report.tensorsBefore);
    expect(report.problems.filter((p) => !p.includes('JS heap'))).toEqual([]);
  });
});
