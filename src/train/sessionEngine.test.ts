/**
 * The real tfjs engine under a TrainingSession on the WASM backend, on a few short sentences:
 * a run trains, a failed run resumes from its host checkpoint in a rebuilt model (weights equal),
 * inspection gives tags and β rows that sum to 1, and the export is a readable model archive.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, type Dataset } from '../data/index.ts';
import { resolveConfig, type Backend } from '../model/config.ts';
import type { WorkerEvent } from '../protocol.ts';
import { decodeModelFiles, unzipModel } from './checkpoint.ts';
import { TrainingSession } from './session.ts';
import { createTrainer, tfjsSessionEngine } from './sessionEngine.ts';
import { readWeights } from './taggerModel.ts';
import type { Trainer } from './trainer.ts';

const full = loadDataset('en_ewt-ud-sample.conllu', readFileSync(new URL('../../public/samples/en_ewt-ud-sample.conllu', import.meta.url)));
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

    const inspected = session.inspect(run.runId, { devIndex: 0 });
    expect(inspected.tasks.map((t) => t.task)).toEqual(['UPOS', 'XPOS', 'DEPREL']);
    for (const task of inspected.tasks) {
      expect(task.predicted).toHaveLength(inspected.words.length);
      expect(task.gold).toHaveLength(inspected.words.length);
      expect(task.representations).toEqual(['individual', ...inspected.tasks.filter((o) => o.task !== task.task).map((o) => `shared:${o.task}`)]);
      expect(task.beta).toHaveLength(inspected.words.length);
      for (const row of task.beta!) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    }
    const typed = session.inspect(run.runId, { text: 'The cat sat' });
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
});
