import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sentence, TaskSpec } from '../data/types.ts';
import { mergeConfig, resolveConfig } from '../core/config.ts';
import { parseWordVectors } from '../data/pretrainedVectors.ts';
import { disposeTaggerModel } from './taggerModel.ts';
import { Trainer } from './trainer.ts';
import { datasetCoverage, pretrainedStart } from './wordVectors.ts';

const tasks: TaskSpec[] = [{ name: 'POS', column: 1, scheme: 'plain' }];
const train: Sentence[] = [
  { words: ['The', 'cat', 'sat'], tags: [['DT', 'NN', 'VBD']] },
  { words: ['the', 'dog', 'sat'], tags: [['DT', 'NN', 'VBD']] },
  { words: ['Paris', 'zzz'], tags: [['NNP', 'NN']] },
];
// "the" exact; "The" through lowercase; "cat", "sat" exact; "Paris" through nothing ("paris" is absent).
const vectors = parseWordVectors('the 1 0 0 0\ncat 0 1 0 0\nsat 0 0 1 0\ndog 0 0 0 1\n', { sourceName: 'tiny.glove' });

beforeAll(async () => {
  expect(await tf.setBackend('cpu')).toBe(true);
});
const trainers: Trainer[] = [];
afterAll(() => {
  for (const t of trainers) {
    t.dispose();
    disposeTaggerModel(t.model);
  }
});

describe('word vectors in a run', () => {
  it('coverage of a dataset counts its word types, exact then lowercased, without <pad>/<unk>', () => {
    const coverage = datasetCoverage(vectors, train);
    // Types: The cat sat the dog Paris zzz → 7; exact: cat sat the dog; lowercase: The; missing: Paris zzz.
    expect(coverage).toEqual({ words: 7, exact: 4, lowercase: 1, missing: 2, percent: (100 * 5) / 7, missingExamples: expect.arrayContaining(['Paris', 'zzz']) });
    expect(coverage.missingExamples).toHaveLength(2);
  });

  it("a run's word table starts from the vectors where its vocabulary has them", () => {
    const config = mergeConfig(resolveConfig('tiny'), { model: { embedding: { wordDim: 4, minWordFreq: 1 } } });
    const start = pretrainedStart(vectors, 'tiny.glove', { tasks, train, dev: train }, config);
    expect(start.info.fileName).toBe('tiny.glove');
    expect(start.info.dim).toBe(4);
    expect(start.info.coverage.percent).toBeCloseTo((100 * 5) / 7, 10);

    const trainer = new Trainer({ runId: 'v', config, data: { tasks, train, dev: train }, vocabularies: start.vocabularies, wordInit: start.wordInit });
    trainers.push(trainer);
    const table = trainer.model.params.variables.get('embed.word')!;
    expect(table.shape).toEqual([trainer.model.vocabularies.words.size, 4]);
    const rows = table.arraySync() as number[][];
    const row = (word: string) => rows[trainer.model.vocabularies.words.id(word)]!;
    expect(row('the')).toEqual([1, 0, 0, 0]);
    expect(row('The')).toEqual([1, 0, 0, 0]);
    expect(row('dog')).toEqual([0, 0, 0, 1]);
    expect(rows[0]).toEqual([0, 0, 0, 0]); // <pad>
    expect(row('zzz').some((v) => v !== 0)).toBe(true); // random, not zero
  });

  it("refuses a run whose word table width differs from the vectors'", () => {
    const config = resolveConfig('tiny');
    expect(() => pretrainedStart(vectors, 'tiny.glove', { tasks, train, dev: train }, config)).toThrow(
      /^tiny\.glove: the vectors have 4 dimensions but the run's word table has 16$/,
    );
  });
});
