/**
 * Partial labels (issue #6, item 8): a sentence without a task's labels adds nothing to that task's
 * loss or gradient, nothing turns NaN, and each task is scored (and its dev loss averaged) only over
 * the sentences that carry its labels. Checked against independent computations: the same sentences
 * alone in a batch, and token accuracy counted by hand.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBatch, type Batch } from '../data/index.ts';
import type { Sentence, TaskSpec } from '../data/types.ts';
import { resolveConfig } from '../core/config.ts';
import { forward, type ForwardOptions } from '../model/tagger.ts';
import type { EpochEvent } from '../core/events.ts';
import { evaluate, withBatchTensors } from './evaluate.ts';
import { disposeTaggerModel } from './taggerModel.ts';
import { Trainer } from './trainer.ts';

const tasks: TaskSpec[] = [
  { name: 'POS', column: 1, scheme: 'plain' },
  { name: 'NER', column: 2, scheme: 'IOB2' },
];
const pos = (words: string[], tags: string[]): Sentence => ({ words, tags: [tags, null] });
const ner = (words: string[], tags: string[]): Sentence => ({ words, tags: [null, tags] });
/** A POS-only file and a NER-only file, merged (as mergeDatasets does). */
const mixed: Sentence[] = [
  pos(['the', 'cat', 'sat'], ['DT', 'NN', 'VBD']),
  ner(['John', 'lives', 'in', 'Paris'], ['B-PER', 'O', 'O', 'B-LOC']),
  pos(['a', 'dog', 'ran', 'home'], ['DT', 'NN', 'VBD', 'NN']),
  ner(['Mary', 'Smith', 'left'], ['B-PER', 'I-PER', 'O']),
  pos(['the', 'dog', 'sat'], ['DT', 'NN', 'VBD']),
  ner(['Paris', 'is', 'big'], ['B-LOC', 'O', 'O']),
];

const evalOptions: ForwardOptions = {
  training: false,
  seed: 0,
  reversalScale: 0,
  reversalReach: 'full',
  orthogonalityMode: 'normalized',
  lossesNeeded: true,
};

const trainers: Trainer[] = [];
function makeTrainer(architecture: 'mtaa' | 'iterative' | 'base'): Trainer {
  const config = resolveConfig('tiny', { model: { architecture, dropout: 0 }, train: { batchSize: 4, epochs: 2 } });
  const trainer = new Trainer({ runId: architecture, config, data: { tasks, train: mixed, dev: mixed } });
  trainers.push(trainer);
  return trainer;
}
function batchOf(trainer: Trainer, indices: number[]): Batch {
  const { words, chars, tags } = trainer.model.vocabularies;
  return encodeBatch(mixed, Int32Array.from(indices), { words, chars, tags }, { maxWordLen: 12 });
}
function taskLosses(trainer: Trainer, batch: Batch): number[] {
  return withBatchTensors(trainer.model, batch, (b) =>
    tf.tidy(() => forward(trainer.model.params, b, evalOptions).taskLosses.map((l) => l.dataSync()[0]!)),
  );
}

beforeAll(async () => {
  expect(await tf.setBackend('cpu')).toBe(true);
});
afterAll(() => {
  for (const t of trainers) {
    t.dispose();
    disposeTaggerModel(t.model);
  }
});

describe.each(['mtaa', 'iterative', 'base'] as const)('partial labels, %s', (architecture) => {
  it('a task without labels in the batch has loss 0; with some, only its labelled sentences count', () => {
    const trainer = makeTrainer(architecture);
    const posOnly = batchOf(trainer, [0, 2]);
    expect(posOnly.tags[1]).toBeNull();
    const [posLoss, nerLoss] = taskLosses(trainer, posOnly);
    expect(nerLoss).toBe(0);
    expect(posLoss).toBeGreaterThan(0);

    // Mixed batch: each task's loss equals its loss over its labelled sentences alone (the mean is
    // over labelled sentences, so the unlabelled ones neither add nor dilute).
    const both = taskLosses(trainer, batchOf(trainer, [0, 1, 2, 3]));
    const posAlone = taskLosses(trainer, batchOf(trainer, [0, 2]))[0]!;
    const nerAlone = taskLosses(trainer, batchOf(trainer, [1, 3]))[1]!;
    expect(both[0]).toBeCloseTo(posAlone, 4);
    expect(both[1]).toBeCloseTo(nerAlone, 4);
  });

  it('gradients of a batch lacking a task are finite and leave that task\'s CRF untouched', () => {
    const trainer = makeTrainer(architecture);
    const tensorsBefore = tf.memory().numTensors;
    const variables = [...trainer.model.params.variables.values()];
    const nerCrf = [...trainer.model.params.variables].filter(([key]) => key.startsWith('crf.NER.')).map(([, v]) => v);
    expect(nerCrf.length).toBeGreaterThan(0);
    withBatchTensors(trainer.model, batchOf(trainer, [0, 2, 4]), (b) => {
      const { value, grads } = tf.variableGrads(() => {
        const out = forward(trainer.model.params, b, { ...evalOptions, training: true, seed: 1 });
        return tf.addN([...out.taskLosses, out.adversarial, out.orthogonality]) as tf.Scalar;
      }, variables);
      try {
        expect(Number.isFinite(value.dataSync()[0])).toBe(true);
        for (const [name, g] of Object.entries(grads)) {
          expect(g.dataSync().every(Number.isFinite), name).toBe(true);
        }
        for (const v of nerCrf) {
          const g = grads[v.name];
          // No gradient at all, or an all-zero one: nothing of NER was learnt from POS-only sentences.
          if (g) expect(g.abs().max().dataSync()[0]).toBe(0);
        }
      } finally {
        tf.dispose([value, ...Object.values(grads)]);
      }
    });
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('trains on mixed files without NaN; each task is scored and its dev loss averaged only where it has labels', async () => {
    const trainer = makeTrainer(architecture);
    const done = await trainer.run({});
    expect(done.reason).toBe('completed');
    // Batches of 3 in length order ([0,3,4], [5,1,2]) hold 1 and 2 NER sentences: a mean weighted by
    // batch size instead of labelled sentences would differ from the mean over NER sentences.
    const { report, predictions } = await evaluate(trainer.model, mixed, { batchSize: 3 });
    expect(Number.isFinite(report.loss.total)).toBe(true);
    expect(report.scores.map((s) => s.task)).toEqual(['POS', 'NER']);

    // POS accuracy by hand, over the POS-labelled sentences only.
    let right = 0;
    let total = 0;
    mixed.forEach((s, i) => {
      const gold = s.tags[0];
      if (!gold) return;
      gold.forEach((tag, t) => {
        total++;
        if (predictions[0]![i]![t] === tag) right++;
      });
    });
    expect(report.scores[0]!.value).toBeCloseTo((100 * right) / total, 6);

    // A dev set of POS-only sentences: NER is not scored at all (not scored 0), and the dev loss of
    // each task equals that of its labelled sentences evaluated alone.
    const posDev = mixed.filter((s) => s.tags[0]);
    const nerDev = mixed.filter((s) => s.tags[1]);
    const onlyPos = (await evaluate(trainer.model, posDev, { batchSize: posDev.length })).report;
    expect(onlyPos.scores.map((s) => s.task)).toEqual(['POS']);
    expect(onlyPos.loss.tasks.NER).toBe(0);
    const onlyNer = (await evaluate(trainer.model, nerDev, { batchSize: nerDev.length })).report;
    expect(report.loss.tasks.POS).toBeCloseTo(onlyPos.loss.tasks.POS!, 4);
    expect(report.loss.tasks.NER).toBeCloseTo(onlyNer.loss.tasks.NER!, 4);
  });

  it("the training curves' task losses are means over each task's labelled sentences", async () => {
    // With a learning rate too small to move the weights, an epoch's training loss per task must equal
    // the evaluator's (which weighs by labelled sentences) on the same sentences; a mean over all
    // sentences would weigh each batch by its size (batches of 3 hold 1 and 2 NER sentences here).
    const config = resolveConfig('tiny', { model: { architecture, dropout: 0 }, train: { batchSize: 3, epochs: 1, learningRate: 1e-12 } });
    const trainer = new Trainer({ runId: `${architecture}-curve`, config, data: { tasks, train: mixed, dev: mixed } });
    trainers.push(trainer);
    const epochs: EpochEvent[] = [];
    await trainer.run({ onEvent: (e) => void (e.type === 'epoch' && epochs.push(e)) });
    const reference = (await evaluate(trainer.model, mixed, { batchSize: 3 })).report.loss.tasks;
    expect(epochs).toHaveLength(1);
    for (const task of ['POS', 'NER']) {
      expect(reference[task]!).toBeGreaterThan(0);
      expect(epochs[0]!.train.tasks[task]).toBeCloseTo(reference[task]!, 3);
    }
  });
});

