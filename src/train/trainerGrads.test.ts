/**
 * A batch that leaves some weights without a gradient (one-token sentences never use the CRF
 * transitions) must not shift Adam's per-position moments onto the wrong variables.
 */
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { encodeBatch } from '../data/index.ts';
import type { Sentence, TaskSpec } from '../data/types.ts';
import { resolveConfig } from '../core/config.ts';
import { withBatchTensors } from './evaluate.ts';
import { disposeTaggerModel } from './taggerModel.ts';
import { Trainer } from './trainer.ts';

it('trains on a batch of one-token sentences after a normal batch', async () => {
  await tf.setBackend('cpu');
  const tasks: TaskSpec[] = [{ name: 'POS', column: 1, scheme: 'plain' }];
  const train: Sentence[] = [
    { words: ['the', 'cat', 'sat'], tags: [['D', 'N', 'V']] },
    { words: ['a', 'dog'], tags: [['D', 'N']] },
    { words: ['Hi'], tags: [['I']] },
    { words: ['Yes'], tags: [['I']] },
  ];
  const trainer = new Trainer({ runId: 't', config: resolveConfig('tiny', { model: { architecture: 'base' } }), data: { tasks, train, dev: train } });
  const { words, chars, tags } = trainer.model.vocabularies;
  const batch = (indices: number[]) => encodeBatch(train, Int32Array.from(indices), { words, chars, tags }, { maxWordLen: 12 });
  for (const indices of [[0, 1], [2, 3], [0, 1], [2, 3]]) {
    const parts = withBatchTensors(trainer.model, batch(indices), (b) => trainer.trainStep(b));
    expect(Number.isFinite(parts.dataSync()[0])).toBe(true);
    parts.dispose();
  }
  trainer.dispose();
  disposeTaggerModel(trainer.model);
});
