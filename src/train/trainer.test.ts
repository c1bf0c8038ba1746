/**
 * The training loop end to end on small data: no tensor leaks across steps (cpu and wasm), a tiny
 * model overfits 20 sentences, seeded determinism, cancellation and divergence, and where the
 * reversed adversarial gradient stops (DESIGN.md §2, `reversalReach`).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeBatch, loadDataset, splitBatch, type Batch, type Dataset } from '../data/index.ts';
import type { Sentence } from '../data/types.ts';
import { disposeBatchTensors, toBatchTensors } from '../model/batchTensors.ts';
import { resolveConfig, type RunConfigPatch } from '../core/config.ts';
import { forward, type ForwardOptions } from '../model/tagger.ts';
import { activationBytesPerSlot } from '../model/trainingMemory.ts';
import type { EpochEvent, StepEvent, TrainEvent } from '../core/events.ts';
import { evaluate, withBatchTensors } from './evaluate.ts';
import { disposeTaggerModel } from './taggerModel.ts';
import { Trainer, type TrainerHooks } from './trainer.ts';

const dataset: Dataset = loadDataset(
  'en_ewt-ud-sample.conllu',
  readFileSync(new URL('../../public/samples/en_ewt-ud-sample.conllu', import.meta.url)),
);

/** `count` distinct sentences with min..max tokens, in file order. */
function shortSentences(count: number, min: number, max: number): Sentence[] {
  const seen = new Set<string>();
  const out: Sentence[] = [];
  for (const s of dataset.sentences) {
    const key = s.words.join(' ');
    if (s.words.length < min || s.words.length > max || seen.has(key)) continue;
    seen.add(key);
    out.push(s);
    if (out.length === count) break;
  }
  expect(out).toHaveLength(count);
  return out;
}

const trainers: Trainer[] = [];
function makeTrainer(patch: RunConfigPatch, train: Sentence[], dev: Sentence[] = train): Trainer {
  const config = resolveConfig('tiny', patch);
  const trainer = new Trainer({ runId: 'test', config, data: { tasks: dataset.tasks, train, dev } });
  trainers.push(trainer);
  return trainer;
}
function disposeTrainer(trainer: Trainer): void {
  trainer.dispose();
  disposeTaggerModel(trainer.model);
  trainers.splice(trainers.indexOf(trainer), 1);
}
afterEach(() => {
  for (const t of [...trainers]) disposeTrainer(t);
});

function batchOf(trainer: Trainer, sentences: readonly Sentence[], indices: number[]): Batch {
  const { words, chars, tags } = trainer.model.vocabularies;
  return encodeBatch(sentences, Int32Array.from(indices), { words, chars, tags }, { maxWordLen: trainer.config.model.embedding.maxWordLength });
}

describe.each(['cpu', 'wasm'] as const)('trainStep on %s', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  it.each(['mtaa', 'iterative'] as const)('%s: the tensor count after step 20 equals that after step 2', (architecture) => {
    const tensorsBefore = tf.memory().numTensors;
    const sentences = shortSentences(4, 3, 5);
    const trainer = makeTrainer({ model: { architecture, dropout: 0.2 }, train: { epochs: 20 } }, sentences);
    expect(tf.getBackend()).toBe(backend);
    // two batches of different shapes (one of a single sentence), alternating
    const batches = [batchOf(trainer, sentences, [0, 1]), batchOf(trainer, sentences, [2])];
    expect(batches[0]!.maxLen).not.toBe(batches[1]!.maxLen);
    const before = [...trainer.model.params.variables.values()][0]!.dataSync().slice();
    let afterStep2 = -1;
    const losses: number[] = [];
    for (let step = 1; step <= 20; step++) {
      const parts = withBatchTensors(trainer.model, batches[step % 2]!, (b) => trainer.trainStep(b));
      losses.push(parts.dataSync()[0]!);
      parts.dispose();
      if (step === 2) afterStep2 = tf.memory().numTensors;
    }
    expect(tf.memory().numTensors).toBe(afterStep2);
    expect(trainer.step).toBe(20);
    expect(losses.every(Number.isFinite)).toBe(true);
    // the steps did train: weights moved and the loss on batch 0 went down
    const after = [...trainer.model.params.variables.values()][0]!.dataSync();
    expect(Array.from(after)).not.toEqual(Array.from(before));
    expect(losses[19]!).toBeLessThan(losses[1]!);
    // and disposing the trainer and its model gives every tensor back
    disposeTrainer(trainer);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });
});

describe('trainBatch: a batch over the step memory budget trains in slices', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
  });

  it('the slices add up to the whole batch: same gradients and loss parts, also with partial labels', () => {
    const sentences = shortSentences(9, 3, 9).map((s, i) => ({ ...s, tags: s.tags.map((t, k) => (i % 3 === 1 && k > 0 ? null : t)) }));
    const patch: RunConfigPatch = {
      model: { architecture: 'mtaa', dropout: 0 },
      train: { lambdaAdversarial: 0.5, lambdaOrthogonality: 0.01, adversarialSchedule: 'constant' },
    };
    const trainer = makeTrainer(patch, sentences);
    const batch = batchOf(trainer, sentences, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const slices = splitBatch(batch, 2 * batch.maxLen);
    expect(slices.length).toBeGreaterThanOrEqual(4);
    const whole = trainer.batchGradients(batch, [batch]);
    const sliced = trainer.batchGradients(batch, slices);
    const close = (a: Float32Array, b: Float32Array, scale: number) => {
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(1e-4 * scale);
    };
    const wholeParts = whole.parts.dataSync();
    close(sliced.parts.dataSync() as Float32Array, wholeParts as Float32Array, Math.max(...Array.from(wholeParts, Math.abs)));
    expect(Object.keys(sliced.grads).sort()).toEqual(Object.keys(whole.grads).sort());
    let checked = 0;
    for (const [name, g] of Object.entries(whole.grads)) {
      const expected = g.dataSync() as Float32Array;
      const scale = Math.max(1e-3, ...Array.from(expected, Math.abs));
      close(sliced.grads[name]!.dataSync() as Float32Array, expected, scale);
      if (expected.some((v) => v !== 0)) checked++;
    }
    expect(checked).toBeGreaterThan(10);
    tf.dispose([whole.parts, sliced.parts, ...Object.values(whole.grads), ...Object.values(sliced.grads)]);
  });

  it('a small step budget slices the batch; the step trains and leaks nothing', () => {
    const sentences = shortSentences(6, 3, 9);
    const config = resolveConfig('tiny', { model: { architecture: 'mtaa', dropout: 0.2 } });
    const probe = makeTrainer({ model: { architecture: 'mtaa' } }, sentences);
    const bytesPerSlot = activationBytesPerSlot(config, probe.model.vocabularies.tags.map((t) => t.size));
    disposeTrainer(probe);
    const trainer = new Trainer({ runId: 'test', config, data: { tasks: dataset.tasks, train: sentences, dev: sentences }, stepMemoryBytes: 12 * bytesPerSlot });
    trainers.push(trainer);
    expect(trainer.slotBudget).toBe(12);
    const batch = batchOf(trainer, sentences, [0, 1, 2, 3, 4, 5]);
    expect(splitBatch(batch, trainer.slotBudget).length).toBeGreaterThan(1);
    const first = [...trainer.model.params.variables.values()][0]!.dataSync().slice();
    let afterStep2 = -1;
    for (let step = 1; step <= 6; step++) {
      const parts = trainer.trainBatch(batch);
      expect(Number.isFinite(parts.dataSync()[0]!)).toBe(true);
      parts.dispose();
      if (step === 2) afterStep2 = tf.memory().numTensors;
    }
    expect(tf.memory().numTensors).toBe(afterStep2);
    expect(trainer.step).toBe(6);
    expect(Array.from([...trainer.model.params.variables.values()][0]!.dataSync())).not.toEqual(Array.from(first));
  });
});

describe('Trainer.run on wasm', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
  });

  it('a tiny MTAA model overfits 20 sentences (≥ 99% train accuracy on every task)', async () => {
    const sentences = shortSentences(20, 4, 8);
    const trainer = makeTrainer(
      {
        model: { dropout: 0, embedding: { minWordFreq: 1 } },
        train: { epochs: 30, batchSize: 10, learningRate: 0.03, learningRateDecay: 0, patience: 0 },
      },
      sentences,
    );
    const done = await trainer.run();
    expect(done.reason).toBe('completed');
    expect(done.epochs).toBe(30);
    const { report } = await evaluate(trainer.model, sentences);
    expect(report.scores.map((s) => s.task)).toEqual(['UPOS', 'XPOS', 'DEPREL']);
    for (const score of report.scores) {
      expect(score.metric).toBe('accuracy');
      expect(score.value, score.task).toBeGreaterThanOrEqual(99);
    }
  });

  it('reports a batch off the interval when asked (a single step of a paused run)', async () => {
    const sentences = shortSentences(8, 3, 6);
    const trainer = makeTrainer({ train: { epochs: 1, batchSize: 2 } }, sentences, sentences.slice(0, 2));
    const events: TrainEvent[] = [];
    let batch = 0;
    await trainer.run({ onEvent: (e) => events.push(e), reportEvery: 100, beforeBatch: () => void batch++, reportNow: () => batch === 2 });
    disposeTrainer(trainer);
    // The second batch because it was asked for, the fourth because it ends the epoch.
    expect(events.filter((e): e is StepEvent => e.type === 'step').map((e) => e.batch)).toEqual([2, 4]);
  });

  /** The loss curve of a run: every step's and epoch's losses and scores, without the timings. */
  async function curve(seed: number): Promise<unknown[]> {
    const sentences = shortSentences(8, 3, 6);
    const trainer = makeTrainer({ model: { dropout: 0.3 }, train: { seed, epochs: 2, batchSize: 4 } }, sentences, sentences.slice(0, 4));
    const events: TrainEvent[] = [];
    const done = await trainer.run({ onEvent: (e) => events.push(e), reportEvery: 1 });
    expect(done.reason).toBe('completed');
    disposeTrainer(trainer);
    const steps = events.filter((e): e is StepEvent => e.type === 'step');
    const epochs = events.filter((e): e is EpochEvent => e.type === 'epoch');
    expect(steps).toHaveLength(4);
    expect(epochs).toHaveLength(2);
    return [
      ...steps.map((e) => ({ step: e.step, loss: e.loss, lr: e.learningRate, lambda: e.lambdaAdversarial })),
      ...epochs.map((e) => ({ epoch: e.epoch, train: e.train, dev: e.dev, devScore: e.devScore, best: e.best })),
    ];
  }

  it('the same seed and backend give the identical curve; another seed gives another', async () => {
    const a = await curve(5);
    const b = await curve(5);
    const c = await curve(6);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    const totals = (x: unknown[]) => x.slice(0, 4).map((e) => (e as { loss: { total: number } }).loss.total);
    expect(totals(c)).not.toEqual(totals(a)); // the losses themselves differ, not just some field
    expect(totals(a).every(Number.isFinite)).toBe(true);
  });

  it('a run resumed mid-epoch trains the batches an uninterrupted run trains next, in the same seeded order', async () => {
    const sentences = shortSentences(10, 3, 6);
    const patch = { train: { epochs: 2, batchSize: 2, seed: 3 } };
    /** The batches a trainer trains, each as its word ids, in order. */
    const trained = async (trainer: Trainer, hooks: TrainerHooks = {}) => {
      const order: string[] = [];
      const real = trainer.trainBatchAsync.bind(trainer);
      trainer.trainBatchAsync = (batch) => {
        order.push(Array.from(batch.wordIds).join(' '));
        return real(batch);
      };
      await trainer.run({ reportEvery: 1, ...hooks });
      return order;
    };
    const whole = await trained(makeTrainer(patch, sentences));
    expect(whole).toHaveLength(10); // 5 batches an epoch, 2 epochs

    // Interrupted before the 4th batch of epoch 1: three batches done.
    const first = makeTrainer(patch, sentences);
    const controller = new AbortController();
    let calls = 0;
    const before = await trained(first, {
      signal: controller.signal,
      beforeBatch: () => {
        if (++calls === 4) controller.abort();
      },
    });
    expect(before).toEqual(whole.slice(0, 3));
    expect({ epoch: first.epoch, batch: first.batchInEpoch, step: first.step }).toEqual({ epoch: 0, batch: 3, step: 3 });

    // Resumed where the first one stopped (a fresh model: the order is the point here, not the weights).
    const resumed = new Trainer({
      runId: 'test',
      config: resolveConfig('tiny', patch),
      data: { tasks: dataset.tasks, train: sentences, dev: sentences },
      resume: { epoch: first.epoch, step: first.step, batch: first.batchInEpoch },
    });
    trainers.push(resumed);
    const events: TrainEvent[] = [];
    expect(await trained(resumed, { onEvent: (e) => events.push(e) })).toEqual(whole.slice(3));
    const steps = events.filter((e): e is StepEvent => e.type === 'step');
    expect(steps.map((e) => `${e.epoch}:${e.batch}:${e.step}`)).toEqual(['1:4:4', '1:5:5', '2:1:6', '2:2:7', '2:3:8', '2:4:9', '2:5:10']);
  });

  it("an aborted signal ends the run with reason 'cancelled', keeping the best weights and leaking nothing", async () => {
    const tensorsBefore = tf.memory().numTensors;
    const sentences = shortSentences(8, 3, 6);
    const trainer = makeTrainer({ train: { epochs: 5, batchSize: 4 } }, sentences);
    const controller = new AbortController();
    let batches = 0;
    const events: TrainEvent[] = [];
    const done = await trainer.run({
      signal: controller.signal,
      reportEvery: 1,
      onEvent: (e) => events.push(e),
      beforeBatch: () => {
        // two batches an epoch: abort before the 2nd batch of epoch 2
        if (++batches === 4) controller.abort();
      },
    });
    expect(done.reason).toBe('cancelled');
    expect(done.epochs).toBe(1);
    expect(done.bestEpoch).toBe(1);
    expect(trainer.step).toBe(3);
    expect(events.filter((e) => e.type === 'step')).toHaveLength(3);
    expect(events.at(-1)).toEqual(done);
    disposeTrainer(trainer);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it("a NaN loss ends the run with reason 'diverged' and restores the best (pre-NaN) weights", async () => {
    const tensorsBefore = tf.memory().numTensors;
    const sentences = shortSentences(8, 3, 6);
    const trainer = makeTrainer({ train: { epochs: 4, batchSize: 4 } }, sentences);
    const variables = trainer.model.params.variables;
    let atBest: Map<string, Float32Array> | null = null;
    let poisoned = false;
    const done = await trainer.run({
      reportEvery: 1,
      onEvent: (e) => {
        // the best snapshot is taken just before the epoch event: these are the weights to get back
        if (e.type === 'epoch' && e.best) atBest = new Map([...variables].map(([n, v]) => [n, v.dataSync().slice() as Float32Array]));
      },
      beforeBatch: () => {
        if (trainer.epoch === 1 && !poisoned) {
          poisoned = true;
          const kernel = variables.get('emit.UPOS.kernel')!;
          tf.tidy(() => kernel.assign(tf.fill(kernel.shape, NaN)));
        }
      },
    });
    expect(poisoned).toBe(true);
    expect(done.reason).toBe('diverged');
    expect(done.message).toMatch(/NaN/);
    expect(done.epochs).toBe(1);
    expect(done.bestEpoch).toBe(1);
    expect(atBest).not.toBeNull();
    // the restored weights outlive the trainer (its snapshot is disposed with it)
    trainer.dispose();
    for (const [name, v] of variables) {
      const values = v.dataSync();
      expect(values.every(Number.isFinite), name).toBe(true);
      expect(Array.from(values), name).toEqual(Array.from(atBest!.get(name)!));
    }
    const { report } = await evaluate(trainer.model, sentences);
    expect(Number.isFinite(report.loss.total)).toBe(true);
    disposeTaggerModel(trainer.model);
    trainers.splice(trainers.indexOf(trainer), 1);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });
});

describe('reversalReach: where the reversed adversarial gradient stops', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('cpu')).toBe(true);
  });

  const LAMBDA = 5;

  /** max |∂(λ·L_adv)/∂w| per weight name (0 where the weight is not connected at all). */
  function adversarialGrads(trainer: Trainer, batch: Batch, opts: Partial<ForwardOptions>): { maxAbs: Map<string, number>; grads: Map<string, Float32Array | null>; loss: number } {
    const entries = [...trainer.model.params.variables];
    const tensors = toBatchTensors(batch, true);
    try {
      const { value, grads } = tf.variableGrads(() => {
        const out = forward(trainer.model.params, tensors, {
          training: true,
          seed: 3,
          reversalScale: 1,
          reversalReach: 'sharedEncoder',
          orthogonalityMode: 'normalized',
          lossesNeeded: true,
          ...opts,
        });
        return tf.mul(out.adversarial, LAMBDA) as tf.Scalar;
      }, entries.map(([, v]) => v));
      const maxAbs = new Map<string, number>();
      const data = new Map<string, Float32Array | null>();
      for (const [name, v] of entries) {
        const g = grads[v.name];
        data.set(name, g ? (g.dataSync().slice() as Float32Array) : null);
        maxAbs.set(name, g ? tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0]!) : 0);
      }
      const loss = value.dataSync()[0]!;
      tf.dispose([value, ...Object.values(grads)]);
      return { maxAbs, grads: data, loss };
    } finally {
      disposeBatchTensors(tensors);
    }
  }

  const group = (maxAbs: Map<string, number>, prefix: string) => [...maxAbs].filter(([name]) => name.startsWith(prefix));
  const maxOf = (entries: [string, number][]) => Math.max(...entries.map(([, m]) => m));

  it("'sharedEncoder' gives the individual encoders (and the embedding) zero gradient; 'full' does not", () => {
    const sentences = shortSentences(4, 3, 6);
    const trainer = makeTrainer({ model: { dropout: 0 } }, sentences);
    const batch = batchOf(trainer, sentences, [0, 1, 2, 3]);

    const stopped = adversarialGrads(trainer, batch, { reversalReach: 'sharedEncoder' });
    const full = adversarialGrads(trainer, batch, { reversalReach: 'full' });
    expect(stopped.loss).toBeGreaterThan(0);
    expect(full.loss).toBeCloseTo(stopped.loss, 5); // same forward value, different gradient paths

    const indivStopped = group(stopped.maxAbs, 'indiv.');
    const embedStopped = group(stopped.maxAbs, 'embed.');
    expect(indivStopped.length).toBeGreaterThan(0);
    for (const [name, m] of [...indivStopped, ...embedStopped]) expect(m, name).toBe(0);
    // every pair's shared encoder and discriminator gets a gradient
    for (const pair of trainer.model.params.pairs) {
      expect(maxOf(group(stopped.maxAbs, `shared.${pair.name}.`)), pair.name).toBeGreaterThan(0);
      expect(maxOf(group(stopped.maxAbs, `disc.${pair.name}.`)), pair.name).toBeGreaterThan(0);
    }
    // task-only weights never see the adversarial loss
    for (const [name, m] of [...group(stopped.maxAbs, 'emit.'), ...group(stopped.maxAbs, 'crf.'), ...group(full.maxAbs, 'crf.')]) {
      expect(m, name).toBe(0);
    }

    for (const task of dataset.tasks) {
      expect(maxOf(group(full.maxAbs, `indiv.${task.name}.`)), task.name).toBeGreaterThan(0);
    }
    expect(maxOf(group(full.maxAbs, 'embed.'))).toBeGreaterThan(0);
    expect(maxOf(group(full.maxAbs, 'shared.'))).toBeGreaterThan(0);

    // Both reaches give the shared encoders and discriminators the same gradient
    for (const name of trainer.model.params.variables.keys()) {
      if (!name.startsWith('shared.') && !name.startsWith('disc.')) continue;
      const a = stopped.grads.get(name)!;
      const b = full.grads.get(name)!;
      const scale = Math.max(1e-6, ...Array.from(a, Math.abs));
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!) / scale, name).toBeLessThan(1e-4);
    }
  });

  it('the shared encoders receive the reversed gradient: scale 1 is the negative of scale −1, scale 0 stops it', () => {
    const sentences = shortSentences(4, 3, 6);
    const trainer = makeTrainer({ model: { dropout: 0 } }, sentences);
    const batch = batchOf(trainer, sentences, [0, 1, 2, 3]);
    const reversed = adversarialGrads(trainer, batch, { reversalScale: 1 });
    const plain = adversarialGrads(trainer, batch, { reversalScale: -1 });
    const stopped = adversarialGrads(trainer, batch, { reversalScale: 0 });
    for (const name of trainer.model.params.variables.keys()) {
      const r = reversed.grads.get(name);
      const p = plain.grads.get(name);
      if (name.startsWith('shared.')) {
        expect(stopped.maxAbs.get(name), name).toBe(0);
        const scale = Math.max(1e-6, ...Array.from(r!, Math.abs));
        for (let i = 0; i < r!.length; i++) expect(Math.abs(r![i]! + p![i]!) / scale, name).toBeLessThan(1e-4);
      } else if (name.startsWith('disc.')) {
        // the discriminators minimise L_adv whatever the scale
        expect(Array.from(p!), name).toEqual(Array.from(r!));
        expect(Array.from(stopped.grads.get(name)!), name).toEqual(Array.from(r!));
      }
    }
    expect(maxOf(group(reversed.maxAbs, 'shared.'))).toBeGreaterThan(0);
  });
});
