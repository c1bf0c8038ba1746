/**
 * Data-parallel steps: a batch whose gradients are computed in parts by gradient peers (replicas on
 * other threads; here in-process, every message structured-cloned as postMessage would) adds up to
 * the batch computed whole, with partial labels and memory slices inside the parts; a failing peer
 * costs speed, not the run; nothing leaks.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeBatch, loadDataset, type Batch } from '../../data/index.ts';
import type { Sentence } from '../../data/types.ts';
import { activationBytesPerSlot } from '../../model/trainingMemory.ts';
import { resolveConfig, type RunConfigPatch } from '../../core/config.ts';
import type { EvaluationReply, EvaluationRequest, GradientPeerInit, GradientReply, GradientRequest } from './wire.ts';
import { createGradientPeer, REPLICAS_KEPT } from './gradientPeer.ts';
import { GradientPool, type GradientPeerHandle } from './gradientPool.ts';
import { evaluate } from '../evaluate.ts';
import type { LossGradients } from '../lossGradients.ts';
import { disposeTaggerModel } from '../taggerModel.ts';
import { Trainer } from '../trainer.ts';

const dataset = loadDataset('en_ewt-ud-sample.conllu', readFileSync(new URL('../../../public/samples/en_ewt-ud-sample.conllu', import.meta.url)));
const sentences: Sentence[] = dataset.sentences
  .filter((s) => s.words.length >= 3 && s.words.length <= 12)
  .slice(0, 24)
  // partial labels: every third sentence lacks the second and third tasks
  .map((s, i) => ({ ...s, tags: s.tags.map((t, k) => (i % 3 === 1 && k > 0 ? null : t)) }));

/** A peer in this process (the threads' own code), behind the same structured-clone boundary a thread has. */
class LocalPeer implements GradientPeerHandle {
  private readonly peer = createGradientPeer(async (name) => name);
  requests = 0;
  inits = 0;
  constructor(private readonly failing = false) {}
  async init(replica: string, init: GradientPeerInit): Promise<void> {
    this.inits++;
    await this.peer.init(replica, structuredClone(init));
  }
  async compute(request: GradientRequest): Promise<GradientReply> {
    this.requests++;
    if (this.failing) throw new Error('peer thread died');
    return structuredClone(await this.peer.compute(structuredClone(request)));
  }
  async evaluate(request: EvaluationRequest): Promise<EvaluationReply> {
    this.requests++;
    if (this.failing) throw new Error('peer thread died');
    return structuredClone(await this.peer.evaluate(structuredClone(request)));
  }
  async drop(replica: string): Promise<void> {
    await this.peer.drop(replica);
  }
  dispose(): void {
    this.peer.dispose();
  }
}

const made: { trainer: Trainer; peers: LocalPeer[] }[] = [];
function setup(peerCount: number, patch: RunConfigPatch, options: { failing?: boolean; slotBudget?: number } = {}) {
  const config = resolveConfig('tiny', patch);
  const peers = Array.from({ length: peerCount }, (_, i) => new LocalPeer(options.failing === true && i === 0));
  const pool = new GradientPool(peers, tf.getBackend(), 1);
  const probe = new Trainer({ runId: 'probe', config, data: { tasks: dataset.tasks, train: sentences, dev: [] } });
  const bytesPerSlot = activationBytesPerSlot(config, probe.model.vocabularies.tags.map((t) => t.size));
  probe.dispose();
  disposeTaggerModel(probe.model);
  const trainer = new Trainer({
    runId: 'test',
    config,
    data: { tasks: dataset.tasks, train: sentences, dev: sentences.slice(0, 6) },
    pool,
    ...(options.slotBudget ? { stepMemoryBytes: options.slotBudget * bytesPerSlot } : {}),
  });
  made.push({ trainer, peers });
  return { trainer, peers, pool };
}
afterEach(() => {
  for (const { trainer, peers } of made.splice(0)) {
    trainer.dispose();
    disposeTaggerModel(trainer.model);
    for (const peer of peers) peer.dispose();
  }
});

function batchOf(trainer: Trainer, indices: number[]): Batch {
  const { words, chars, tags } = trainer.model.vocabularies;
  return encodeBatch(sentences, Int32Array.from(indices), { words, chars, tags }, { maxWordLen: trainer.config.model.embedding.maxWordLength });
}

function expectSameGradients(actual: LossGradients, expected: LossGradients): void {
  const close = (a: ArrayLike<number>, b: ArrayLike<number>, scale: number) => {
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(1e-4 * scale);
  };
  const parts = expected.parts.dataSync();
  close(actual.parts.dataSync(), parts, Math.max(...Array.from(parts, Math.abs)));
  expect(Object.keys(actual.grads).sort()).toEqual(Object.keys(expected.grads).sort());
  let nonZero = 0;
  for (const [name, g] of Object.entries(expected.grads)) {
    const values = g.dataSync();
    close(actual.grads[name]!.dataSync(), values, Math.max(1e-3, ...Array.from(values, Math.abs)));
    if (values.some((v) => v !== 0)) nonZero++;
  }
  expect(nonZero).toBeGreaterThan(10);
}

const noDropout: RunConfigPatch = {
  model: { architecture: 'mtaa', dropout: 0 },
  train: { lambdaAdversarial: 0.5, lambdaOrthogonality: 0.01, adversarialSchedule: 'constant' },
};

describe('gradient peers on wasm', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
  });

  it.each([1, 3])('with %i peer(s), the parts add up to the whole batch: same gradients and loss parts', async (peerCount) => {
    const { trainer, peers } = setup(peerCount, noDropout);
    const batch = batchOf(trainer, Array.from({ length: 12 }, (_, i) => i));
    const whole = trainer.batchGradients(batch, [batch]);
    const pooled = await trainer.poolGradients(batch);
    expect(pooled).not.toBeNull();
    // each peer: asked, found it had no replica, built it, asked again
    for (const peer of peers) expect([peer.requests, peer.inits]).toEqual([2, 1]);
    expectSameGradients(pooled!, whole);
    tf.dispose([whole.parts, pooled!.parts, ...Object.values(whole.grads), ...Object.values(pooled!.grads)]);
  });

  it('memory slices inside each part still add up', async () => {
    const { trainer } = setup(2, noDropout, { slotBudget: 16 });
    const batch = batchOf(trainer, Array.from({ length: 12 }, (_, i) => 2 * i));
    const whole = trainer.batchGradients(batch, [batch]);
    const pooled = await trainer.poolGradients(batch);
    expectSameGradients(pooled!, whole);
    tf.dispose([whole.parts, pooled!.parts, ...Object.values(whole.grads), ...Object.values(pooled!.grads)]);
  });

  it('the peers get the weights of every step: training with peers follows training without (no dropout)', async () => {
    const alone = setup(0, noDropout).trainer;
    const { trainer } = setup(2, noDropout);
    const batch = batchOf(trainer, Array.from({ length: 12 }, (_, i) => i + 6));
    const losses = (t: Trainer) => async () => {
      const parts = await t.trainBatchAsync(batch);
      const total = parts.dataSync()[0]!;
      parts.dispose();
      return total;
    };
    const a: number[] = [];
    const b: number[] = [];
    for (let step = 0; step < 4; step++) {
      a.push(await losses(alone)());
      b.push(await losses(trainer)());
    }
    // Float noise reaches Adam's step through g / (|g| + ε) on near-zero gradients, hence a loose check.
    for (let k = 0; k < a.length; k++) expect(Math.abs(a[k]! - b[k]!)).toBeLessThanOrEqual(1e-3 * Math.abs(a[k]!));
    expect(b[3]!).toBeLessThan(b[0]!);
  });

  it('a full run with peers keeps the tensor count flat, and a failing peer hands its part back', async () => {
    const { trainer, pool } = setup(2, { model: { architecture: 'mtaa', dropout: 0.2 }, train: { epochs: 3, batchSize: 8 } }, { failing: true });
    const counts: number[] = [];
    const done = await trainer.run({ onEvent: (e) => e.type === 'epoch' && counts.push(tf.memory().numTensors) });
    expect(done.reason).toBe('completed');
    expect(pool.failure).toMatch(/a gradient peer failed: peer thread died/);
    expect(counts[2]).toBe(counts[1]);
  });

  it('interleaved trainers share the peers: each keeps its replica, the least recently used beyond REPLICAS_KEPT is rebuilt', async () => {
    const peer = new LocalPeer();
    const pool = new GradientPool([peer], tf.getBackend(), 1);
    const config = resolveConfig('tiny', noDropout);
    const trainers = Array.from({ length: REPLICAS_KEPT + 1 }, (_, i) => {
      const trainer = new Trainer({ runId: `run-${i}`, config, data: { tasks: dataset.tasks, train: sentences, dev: [] }, pool });
      made.push({ trainer, peers: i === 0 ? [peer] : [] });
      return trainer;
    });
    const batch = batchOf(trainers[0]!, Array.from({ length: 8 }, (_, i) => i));
    const stepAll = async (which: Trainer[]) => {
      for (const t of which) (await t.trainBatchAsync(batch)).dispose();
    };
    // Two trainers taking turns: one replica each, built once.
    await stepAll([trainers[0]!, trainers[1]!, trainers[0]!, trainers[1]!, trainers[0]!]);
    expect(peer.inits).toBe(2);
    // More trainers than replicas kept, round robin: every turn finds its replica dropped.
    await stepAll(trainers);
    await stepAll(trainers);
    expect(peer.inits).toBe(2 + 2 + trainers.length);
    // and the gradients are still the batch's own, for the trainer whose replica was rebuilt last
    const last = trainers[trainers.length - 1]!;
    const whole = last.batchGradients(batch, [batch]);
    const pooled = (await last.poolGradients(batch))!;
    expectSameGradients(pooled, whole);
    tf.dispose([whole.parts, pooled.parts, ...Object.values(whole.grads), ...Object.values(pooled.grads)]);
    expect(pool.failure).toBeNull();
  });

  it.each([false, true])('evaluation with peers (one failing: %s) gives evaluate\'s report exactly', async (failing) => {
    const { trainer, peers, pool } = setup(2, { model: { architecture: 'mtaa', dropout: 0.2 }, train: { batchSize: 4 } }, { failing });
    // some training first (on this thread), so the peers must take the trainer's current weights
    for (let step = 0; step < 3; step++) trainer.trainBatch(batchOf(trainer, [step, step + 5, step + 9, step + 13])).dispose();
    const expected = await evaluate(trainer.model, sentences, { batchSize: 4, orthogonalityMode: trainer.config.train.orthogonalityMode });
    const actual = await trainer.evaluateSentences(sentences);
    expect(actual).toEqual(expected);
    expect(expected.report.scores.length).toBe(3);
    // the second peer was asked (and built its replica) either way; the first failed or answered
    expect(peers[1]!.requests).toBeGreaterThanOrEqual(2);
    expect(pool.failure !== null).toBe(failing);
    // decoding only: the same predictions
    expect((await trainer.evaluateSentences(sentences, false)).predictions).toEqual(expected.predictions);
  });

  it("a disposed trainer's replica leaves the peers at once (a deleted run frees the peers' copy of its weights)", async () => {
    const peer = new LocalPeer();
    const pool = new GradientPool([peer], tf.getBackend(), 1);
    const trainer = new Trainer({ runId: 'gone', config: resolveConfig('tiny', noDropout), data: { tasks: dataset.tasks, train: sentences, dev: [] }, pool });
    made.push({ trainer, peers: [peer] });
    const modelOnly = tf.memory().numTensors;
    (await trainer.trainBatchAsync(batchOf(trainer, Array.from({ length: 8 }, (_, i) => i)))).dispose();
    expect(peer.inits).toBe(1);
    expect(tf.memory().numTensors).toBeGreaterThan(modelOnly);
    trainer.dispose();
    await new Promise((resolve) => setTimeout(resolve, 0));
    // The optimiser's slots and the peer's replica are gone; the model stays until its owner frees it.
    expect(tf.memory().numTensors).toBe(modelOnly);
  });

  it('a batch under the pool\'s slot minimum trains on the trainer\'s thread alone', async () => {
    const config = resolveConfig('tiny', noDropout);
    const peer = new LocalPeer();
    const trainer = new Trainer({ runId: 't', config, data: { tasks: dataset.tasks, train: sentences, dev: [] }, pool: new GradientPool([peer], tf.getBackend(), 10_000) });
    made.push({ trainer, peers: [peer] });
    expect(await trainer.poolGradients(batchOf(trainer, [0, 1, 2]))).toBeNull();
    const parts = await trainer.trainBatchAsync(batchOf(trainer, [0, 1, 2]));
    parts.dispose();
    expect(peer.requests).toBe(0);
    expect(trainer.step).toBe(1);
  });
});
