/**
 * Training with frozen BERT features (tiny preset, tiny random checkpoint): the features reach the
 * per-task dense layer (replace: it reads them alone; concat: beside word + char), the store encodes
 * each distinct sentence once, a short run lowers the loss without leaking tensors, and the scalar
 * mix of the last four layers trains its weights.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../data/index.ts';
import { resolveConfig, type BertEmbeddingConfig } from '../../core/config.ts';
import type { TrainEvent } from '../../core/events.ts';
import { evaluate } from '../evaluate.ts';
import { disposeTaggerModel } from '../taggerModel.ts';
import { Trainer } from '../trainer.ts';
import { loadBertCheckpoint } from './bertCheckpoint.ts';
import { BertFeatureStore } from './bertFeatureStore.ts';
import { TINY_BERT, TINY_VOCAB, randomBertFiles } from './bertFixture.ts';

const dataset = loadDataset('en_ewt-ud-sample.conllu', readFileSync(new URL('../../../public/samples/en_ewt-ud-sample.conllu', import.meta.url)));
const sentences = dataset.sentences.filter((s) => s.words.length >= 3 && s.words.length <= 20).slice(0, 40);

async function train(bert: BertEmbeddingConfig, store: BertFeatureStore, epochs: number) {
  const config = resolveConfig('tiny', { model: { embedding: { bert } }, train: { epochs, batchSize: 8 } });
  const data = store.attach(sentences);
  const trainer = new Trainer({ runId: 'bert', config, data: { tasks: dataset.tasks, train: data, dev: data } });
  const losses: number[] = [];
  const tensorsAfterEpoch: number[] = [];
  await trainer.run({
    onEvent: (e: TrainEvent) => {
      if (e.type === 'epoch') {
        losses.push(e.train.total);
        tensorsAfterEpoch.push(tf.memory().numTensors);
      }
    },
  });
  return { trainer, losses, tensorsAfterEpoch, data };
}

describe('training with BERT features', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });

  it('replace: the dense layer reads the features alone; the loss falls and no tensor leaks', async () => {
    const store = new BertFeatureStore(loadBertCheckpoint(randomBertFiles()), { layer: -1, mixLastFour: false, pooling: 'first' });
    await store.add([...sentences.map((s) => s.words), ...sentences.map((s) => s.words)]);
    expect(store.size).toBe(new Set(sentences.map((s) => s.words.join(' '))).size);
    const bert: BertEmbeddingConfig = { mode: 'replace', layer: -1, mixLastFour: false, pooling: 'first', hiddenSize: TINY_BERT.hiddenSize };
    const { trainer, losses, tensorsAfterEpoch, data } = await train(bert, store, 4);
    const k = trainer.config.model.embedding.taskDim;
    for (const task of dataset.tasks) expect(trainer.model.params.variables.get(`embed.${task.name}.dense.kernel`)!.shape).toEqual([TINY_BERT.hiddenSize, k]);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    expect(new Set(tensorsAfterEpoch.slice(1)).size).toBe(1);
    const { report } = await evaluate(trainer.model, data, { batchSize: 8 });
    expect(report.scores.length).toBe(dataset.tasks.length);
    for (const s of report.scores) expect(Number.isFinite(s.value)).toBe(true);
    trainer.dispose();
    disposeTaggerModel(trainer.model);
  });

  it('concat with a scalar mix of the last four layers: [word; char; bert] in, mix weights trained', async () => {
    const arch = { ...TINY_BERT, layers: 4 };
    const store = new BertFeatureStore(loadBertCheckpoint(randomBertFiles(arch, TINY_VOCAB)), { layer: -1, mixLastFour: true, pooling: 'mean' });
    expect(store.layers).toEqual([1, 2, 3, 4]);
    await store.add(sentences.map((s) => s.words));
    const bert: BertEmbeddingConfig = { mode: 'concat', layer: -1, mixLastFour: true, pooling: 'mean', hiddenSize: arch.hiddenSize };
    const { trainer, losses } = await train(bert, store, 2);
    const e = trainer.config.model.embedding;
    const task = dataset.tasks[0]!.name;
    expect(trainer.model.params.variables.get(`embed.${task}.dense.kernel`)!.shape).toEqual([e.wordDim + e.charFilters + arch.hiddenSize, e.taskDim]);
    const mix = trainer.model.params.variables.get('embed.bert.mix')!;
    expect(mix.shape).toEqual([4]);
    expect(Math.max(...Array.from(mix.dataSync()).map(Math.abs))).toBeGreaterThan(0); // moved from its zero start
    expect(losses.every(Number.isFinite)).toBe(true);
    trainer.dispose();
    disposeTaggerModel(trainer.model);
  });

  it('refuses a mix of the last four layers on a 2-layer checkpoint and a config without features', () => {
    const ckpt = loadBertCheckpoint(randomBertFiles());
    expect(() => new BertFeatureStore(ckpt, { layer: -1, mixLastFour: true, pooling: 'first' })).toThrow(/needs 4 layers; the checkpoint has 2/);
    expect(() => new BertFeatureStore(ckpt, { layer: 3, mixLastFour: false, pooling: 'first' })).toThrow(/layer 3 is not one of the checkpoint's hidden states/);
    expect(() => resolveConfig('tiny', { model: { embedding: { bert: { mode: 'sideways' } } } })).toThrow(/model\.embedding\.bert\.mode: must be one of replace, concat/);
  });
});
