/**
 * The real tfjs engine under a TrainingSession on the WASM backend, on a few short sentences:
 * a run trains, a failed run resumes from its host checkpoint in a rebuilt model (weights equal),
 * inspection gives tags and β rows that sum to 1, and the export is a readable model archive.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, type Dataset } from '../../data/index.ts';
import { resolveConfig, type Backend } from '../../core/config.ts';
import type { WorkerEvent } from '../../protocol.ts';
import { decodeModelFiles, unzipModel } from '../../train/formats/checkpoint.ts';
import { splitForRun, TrainingSession } from './session.ts';
import { createTrainer, tfjsSessionEngine } from '../../train/sessionEngine.ts';
import { readWeights } from '../../train/taggerModel.ts';
import type { Trainer } from '../../train/trainer.ts';

const full = loadDataset('en_ewt-ud-sample.conllu', readFileSync(new URL('../../../public/samples/en_ewt-ud-sample.conllu', import.meta.url)));
const dataset: Dataset = { ...full, sentences: full.sentences.filter((s) => s.words.length <= 6).slice(0, 24) };

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
});

async function until(check: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('tfjs session engine', () => {
  it('trains, resumes from a host checkpoint, inspects and exports', async () => {
    const events: WorkerEvent[] = [];
    let backend: Backend = 'wasm';
    const session = new TrainingSession<Trainer>({
      engine: tfjsSessionEngine,
      backends: {
        active: () => backend,
        switchTo: async (name) => {
          backend = name;
          return { name, adapter: '', available: ['wasm'] };
        },
        next: () => null,
      },
      datasets: { current: dataset },
      emit: (e) => events.push(e),
    });
    const config = resolveConfig('tiny', { train: { epochs: 2, batchSize: 8, devFraction: 0.25 } });
    const run = session.startRun(config, 'MTAA');
    await until(() => session.status(run.runId) !== 'running', 'the end of the run');
    expect(session.status(run.runId)).toBe('completed');
    const epochs = events.filter((e) => e.type === 'epoch');
    expect(epochs).toHaveLength(2);
    const { best } = session.checkpoints(run.runId);
    expect(best).not.toBeNull();

    const inspected = await session.inspect(run.runId, { devIndex: 0 });
    expect(inspected.tasks.map((t) => t.task)).toEqual(['UPOS', 'XPOS', 'DEPREL']);
    for (const task of inspected.tasks) {
      expect(task.predicted).toHaveLength(inspected.words.length);
      expect(task.gold).toHaveLength(inspected.words.length);
      expect(task.representations).toEqual(['individual', ...inspected.tasks.filter((o) => o.task !== task.task).map((o) => `shared:${o.task}`)]);
      expect(task.beta).toHaveLength(inspected.words.length);
      for (const row of task.beta!) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    }
    const typed = await session.inspect(run.runId, { text: 'The cat sat' });
    expect(typed.tasks[0]!.predicted).toHaveLength(3);
    expect(typed.tasks[0]!.gold).toBeNull();

    const exported = await session.exportModel(run.runId);
    const saved = decodeModelFiles(unzipModel(new Uint8Array(exported.archive), exported.fileName), exported.fileName);
    expect(saved.weights.map((w) => w.name)).toEqual(best!.weights.map((w) => w.name));
    expect(saved.weights[0]!.data).toEqual(best!.weights[0]!.data);
    expect(saved.summary).toMatchObject({ runId: run.runId, bestEpoch: best!.epoch });
  });

  it('rebuilds a trainer from a checkpoint with the same weights, epoch and step', async () => {
    const config = resolveConfig('tiny', { train: { epochs: 3, batchSize: 8 } });
    const data = { tasks: dataset.tasks, train: dataset.sentences.slice(0, 16), dev: dataset.sentences.slice(16) };
    const first = createTrainer({ runId: 'a', config, data });
    const weights = await readWeights(first.model);
    const checkpoint = { epoch: 1, step: 2, weights };
    const second = createTrainer({
      runId: 'a',
      config,
      data,
      from: { previous: first, checkpoint, resume: { epoch: 1, step: 2, best: { score: 50, epoch: 1, scores: [], weights } } },
    });
    expect(second.epoch).toBe(1);
    expect(second.step).toBe(2);
    expect(second.model.config).toBe(second.config);
    const copied = await readWeights(second.model);
    expect(copied.map((w) => w.data)).toEqual(weights.map((w) => w.data));
    const done = await second.run({});
    expect(done.epochs).toBe(3);
    tfjsSessionEngine.dispose(first);
    tfjsSessionEngine.dispose(second);
  });

  it('a new worker rebuilds a trainer from a checkpoint alone (no previous model): same vocabularies, same weights', async () => {
    const config = resolveConfig('tiny', { train: { epochs: 2, batchSize: 8 } });
    const data = { tasks: dataset.tasks, train: dataset.sentences.slice(0, 16), dev: dataset.sentences.slice(16) };
    const first = createTrainer({ runId: 'a', config, data });
    await first.run({});
    const weights = await readWeights(first.model);
    const adopted = createTrainer({ runId: 'a', config, data, from: { checkpoint: { epoch: 2, step: 4, weights }, resume: { epoch: 2, step: 4 } } });
    expect(adopted.model.vocabularies.words.size).toBe(first.model.vocabularies.words.size);
    expect((await readWeights(adopted.model)).map((w) => w.data)).toEqual(weights.map((w) => w.data));
    expect(adopted.epoch).toBe(2);
    const bad = { epoch: 2, step: 4, weights: weights.slice(1) };
    const before = tf.memory().numTensors;
    expect(() => createTrainer({ runId: 'a', config, data, from: { checkpoint: bad, resume: { epoch: 2, step: 4 } } })).toThrow(/missing from the file/);
    expect(tf.memory().numTensors).toBe(before);
    tfjsSessionEngine.dispose(first);
    tfjsSessionEngine.dispose(adopted);
  });

  it('scores a run\'s best epoch on the test file: on its own dev sentences, exactly the best epoch\'s dev scores', async () => {
    const events: WorkerEvent[] = [];
    const config = resolveConfig('tiny', { train: { epochs: 4, batchSize: 8, devFraction: 0.25, patience: 0 } });
    // The run's own dev split (seeded) as the "test file": the same weights must score it the same.
    const dev = splitForRun(dataset, config).dev;
    const session = new TrainingSession<Trainer>({
      engine: tfjsSessionEngine,
      backends: { active: () => 'wasm', switchTo: async () => ({ name: 'wasm', adapter: '', available: ['wasm'] }), next: () => null },
      datasets: { current: dataset, test: { ...dataset, name: 'dev-as-test.conllu', sentences: dev } },
      emit: (e) => events.push(e),
    });
    const run = session.startRun(config, 'MTAA');
    await until(() => session.status(run.runId) !== 'running', 'the end of the run');
    const best = events.filter((e) => e.type === 'epoch' && e.best).at(-1);
    const test = events.find((e) => e.type === 'test-scores');
    if (best?.type !== 'epoch' || test?.type !== 'test-scores') throw new Error('no best epoch or no test scores');
    // Seeded on WASM: epoch 2 is the best and the last epoch scores lower, so the last weights
    // would not give these scores; the trainer restored the best ones before the test.
    const last = events.filter((e) => e.type === 'epoch').at(-1);
    expect(last?.type === 'epoch' && last.devScore < best.devScore).toBe(true);
    expect(test.epoch).toBe(best.epoch);
    expect(test.fileName).toBe('dev-as-test.conllu');
    expect(test.scores).toEqual(best.dev.scores);
  });

  it('continues an imported model on other data: starts from its weights, keeps its vocabularies, learns faster than a fresh run', async () => {
    // The "imported" model: trained on every sentence, so its tag sets cover the data below.
    const config = resolveConfig('tiny', { train: { epochs: 4, batchSize: 8, devFraction: 0.25 } });
    const source = createTrainer({ runId: 'src', config, data: { tasks: dataset.tasks, train: dataset.sentences, dev: dataset.sentences.slice(16) } });
    await source.run({});
    const weights = await readWeights(source.model);
    // The data to continue on: DEPREL missing (trained on no labels), the other two in another order.
    const reduced: Dataset = {
      ...dataset,
      tasks: [dataset.tasks[1]!, dataset.tasks[0]!],
      sentences: dataset.sentences.map((s) => ({ words: s.words, tags: [s.tags[1]!, s.tags[0]!] })),
    };
    const events: WorkerEvent[] = [];
    const session = new TrainingSession<Trainer>({
      engine: tfjsSessionEngine,
      backends: { active: () => 'wasm', switchTo: async (name) => ({ name, adapter: '', available: ['wasm'] }), next: () => null },
      datasets: { current: reduced },
      emit: (e) => events.push(e),
    });
    const host = { tasks: dataset.tasks, vocabularies: source.model.vocabularies };
    const imported = session.importModel({ config, host, weights }, 'model.zip');
    tfjsSessionEngine.dispose(source);
    // What the imported run says before anything continues from it (tags and β, and its weights).
    const probe = 'The cat sat on the mat .\nWhere is it ?';
    const importedTags = await session.tagText(imported.runId, probe);
    const importedWeights = weights.map((w) => Float32Array.from(w.data));
    const one = resolveConfig('tiny', { train: { epochs: 1, batchSize: 8, devFraction: 0.25 } });
    const continued = session.continueRun(imported.runId, one);
    // Paused before its first batch, its weights are the imported ones, value for value.
    session.pause(continued.runId);
    const before = await session.exportModel(continued.runId);
    const start = decodeModelFiles(unzipModel(new Uint8Array(before.archive), before.fileName), before.fileName);
    expect(start.weights.map((w) => w.name)).toEqual(weights.map((w) => w.name));
    expect(start.weights.map((w) => w.data)).toEqual(weights.map((w) => w.data));
    expect(start.vocabularies.words.tokens).toEqual(host.vocabularies.words.tokens);
    expect(start.tasks.map((t) => t.name)).toEqual(['UPOS', 'XPOS', 'DEPREL']);
    await session.resume(continued.runId);
    await until(() => session.status(continued.runId) !== 'running', 'the continued run');
    expect(session.status(continued.runId)).toBe('completed');
    const fresh = session.startRun(one, 'fresh');
    await until(() => session.status(fresh.runId) !== 'running', 'the fresh run');
    const firstEpoch = (runId: string) => events.find((e) => e.type === 'epoch' && e.runId === runId) as Extract<WorkerEvent, { type: 'epoch' }>;
    const trained = firstEpoch(continued.runId);
    // A model that already knows the data starts far below a random one on the same sentences.
    expect(trained.train.tasks.UPOS!).toBeLessThan(firstEpoch(fresh.runId).train.tasks.UPOS! * 0.8);
    // DEPREL had no labels: no loss, no dev score for it.
    expect(trained.train.tasks.DEPREL ?? 0).toBe(0);
    expect(trained.dev.scores.map((s) => s.task).sort()).toEqual(['UPOS', 'XPOS']);
    const tagged = await session.tagText(continued.runId, 'The cat sat');
    expect(tagged[0]!.tasks.map((t) => t.task)).toEqual(['UPOS', 'XPOS', 'DEPREL']);
    expect(session.status(imported.runId)).toBe('completed');
    // Continuing never changes the run it continued from: same weights, same tags as before.
    expect(session.checkpoints(imported.runId).best!.weights.map((w) => w.data)).toEqual(importedWeights);
    expect(await session.tagText(imported.runId, probe)).toEqual(importedTags);
    expect((await session.tagText(continued.runId, probe)).map((s) => s.tasks.map((t) => t.predicted))).not.toEqual(importedTags.map((s) => s.tasks.map((t) => t.predicted)));
  });
});
