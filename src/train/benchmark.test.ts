/**
 * The benchmark's plans on the cpu backend with the `tiny` preset and the built-in sample: a
 * count-only run makes no speed pass and counts exactly the steps it was asked for; the full plan
 * still times. (Real GPU counts need WebGPU: `npm run bench:browser`.)
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../data/index.ts';
import { runBenchmark } from './benchmark.ts';
import { benchSummary } from './benchSummary.ts';

const dataset = loadDataset('en_ewt-ud-sample.conllu', readFileSync(new URL('../../public/samples/en_ewt-ud-sample.conllu', import.meta.url)));
const sentences = dataset.sentences.filter((s) => s.words.length >= 3 && s.words.length <= 12).slice(0, 8);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('runBenchmark', () => {
  it('counts only one step and one decode batch per padded length without the timing pass', async () => {
    const result = await runBenchmark({
      preset: 'tiny',
      tasks: dataset.tasks,
      sentences,
      batchSize: 4,
      paddedLengths: [5, 7],
      plan: { timing: false, medianBatch: false, stepsPerLength: 2 },
    });
    expect(result.plan).toEqual({ timing: false, medianBatch: false, stepsPerLength: 2 });
    expect([result.train, result.decode, result.cpuMsPerStep, result.step, result.decodeBatch]).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect({ warmupSteps: result.warmupSteps, warmupSize: result.warmupSize }).toEqual({ warmupSteps: 1, warmupSize: 2 });
    expect(result.byLength.map((w) => [w.paddedLength, w.slots, w.stepSlices])).toEqual([
      [5, 20, 1],
      [7, 28, 1],
    ]);
    for (const at of result.byLength) {
      // Two real steps at the same shape run the same kernels; the last one is reported.
      expect(at.eachStep).toEqual([at.step.kernels, at.step.kernels]);
      expect(at.step.kernels).toBeGreaterThan(at.decodeBatch.kernels);
      expect(at.decodeBatch.kernels).toBeGreaterThan(0);
      // No GPU here: no GPU bytes and no budget prediction.
      expect(at.predictedStepGpuBytes).toBeUndefined();
    }
    expect(result.tensorDelta).toBe(0);
    expect(benchSummary(result)).toContain('no speeds (counts only');
  });

  it('times training and decoding, and counts the median batch, in the full plan', async () => {
    const result = await runBenchmark({ preset: 'tiny', tasks: dataset.tasks, sentences, batchSize: 4, warmupBatches: 1 });
    expect(result.warmupSteps).toBe(1);
    expect(result.train?.batches).toBe(1);
    expect(result.decode?.batches).toBe(2);
    expect(result.cpuMsPerStep).toBeGreaterThan(0);
    expect(result.step?.kernels).toBe(result.kernelsPerStep);
    expect(result.byLength).toEqual([]);
    expect(benchSummary(result)).toMatch(/train: .* sentences\/s/);
  });
});
