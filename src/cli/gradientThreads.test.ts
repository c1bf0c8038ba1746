/**
 * The CLI's gradient threads for real: peers on Node worker threads (their own tfjs WASM, loaded
 * through tsx as the `mtaa` bin loads the CLI) compute parts of a batch whose sum is the whole
 * batch's gradient, and a trainer with them trains.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBatch, loadDataset } from '../data/index.ts';
import { resolveConfig } from '../core/config.ts';
import { disposeTaggerModel } from '../train/taggerModel.ts';
import { Trainer } from '../train/trainer.ts';
import { useBackend } from './backend.ts';
import { startGradientThreads, type ThreadPool } from './gradientThreads.ts';

const dataset = loadDataset('en_ewt-ud-sample.conllu', readFileSync(new URL('../../public/samples/en_ewt-ud-sample.conllu', import.meta.url)));
const sentences = dataset.sentences.filter((s) => s.words.length >= 4 && s.words.length <= 14).slice(0, 32);

describe('gradient threads (Node worker_threads)', () => {
  let threads: ThreadPool | null = null;
  const warnings: string[] = [];
  beforeAll(async () => {
    await useBackend('wasm');
    threads = await startGradientThreads(3, 'wasm', (m) => warnings.push(m));
  }, 60_000);
  afterAll(async () => {
    await threads?.close();
  });

  it('start on the backend asked for, and compute parts that add up to the whole batch', async () => {
    expect(warnings).toEqual([]);
    expect(threads!.pool.peers).toHaveLength(2);
    const config = resolveConfig('tiny', { model: { architecture: 'mtaa', dropout: 0 }, train: { adversarialSchedule: 'constant', batchSize: 16 } });
    const trainer = new Trainer({ runId: 't', config, data: { tasks: dataset.tasks, train: sentences, dev: sentences.slice(0, 8) }, pool: threads!.pool });
    try {
      const { words, chars, tags } = trainer.model.vocabularies;
      const batch = encodeBatch(sentences, Int32Array.from({ length: 24 }, (_, i) => i), { words, chars, tags }, { maxWordLen: config.model.embedding.maxWordLength });
      expect(batch.size * batch.maxLen).toBeGreaterThanOrEqual(threads!.pool.minSlots);
      const whole = trainer.batchGradients(batch, [batch]);
      const pooled = (await trainer.poolGradients(batch))!;
      expect(pooled).not.toBeNull();
      const expected = whole.parts.dataSync();
      const actual = pooled.parts.dataSync();
      for (let k = 0; k < expected.length; k++) expect(Math.abs(actual[k]! - expected[k]!)).toBeLessThanOrEqual(1e-4 * Math.abs(expected[0]!));
      for (const [name, g] of Object.entries(whole.grads)) {
        const e = g.dataSync();
        const a = pooled.grads[name]!.dataSync();
        const scale = Math.max(1e-3, ...Array.from(e, Math.abs));
        for (let k = 0; k < e.length; k++) expect(Math.abs(a[k]! - e[k]!)).toBeLessThanOrEqual(1e-4 * scale);
      }
      tf.dispose([whole.parts, pooled.parts, ...Object.values(whole.grads), ...Object.values(pooled.grads)]);

      const done = await trainer.run();
      expect(done.reason).toBe('completed');
      expect(threads!.pool.failure).toBeNull();
    } finally {
      trainer.dispose();
      disposeTaggerModel(trainer.model);
    }
  }, 120_000);
});
