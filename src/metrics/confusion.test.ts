import { describe, expect, it } from 'vitest';
import { confusionMatrix, mostConfusedPairs, perLabelScores } from './confusion.ts';

const gold = [['O', 'B-PER', 'I-PER', 'O'], ['B-LOC', 'O']];
const pred = [['O', 'B-PER', 'O', 'O'], ['B-PER', 'B-LOC']];

describe('confusionMatrix', () => {
  it('counts gold × predicted pairs, given labels first, unseen ones appended', () => {
    const m = confusionMatrix(gold, pred, { labels: ['O', 'B-PER', 'I-PER', 'B-MISC'] });
    expect(m.labels).toEqual(['O', 'B-PER', 'I-PER', 'B-MISC', 'B-LOC']);
    expect(m.total).toBe(6);
    expect(m.counts).toEqual([
      [2, 0, 0, 0, 1],
      [0, 1, 0, 0, 0],
      [1, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
      [0, 1, 0, 0, 0],
    ]);
  });

  it('honours masks and rejects ragged input', () => {
    const m = confusionMatrix(gold, pred, { masks: [[1, 1, 0, 0], [1, 0]] });
    expect(m.total).toBe(3);
    expect(() => confusionMatrix(gold, [pred[0]])).toThrow(RangeError);
    expect(() => confusionMatrix([['O']], [['O', 'O']])).toThrow(RangeError);
  });

  it('per-label scores and most-confused pairs', () => {
    const m = confusionMatrix(gold, pred);
    const scores = Object.fromEntries(perLabelScores(m).map((s) => [s.label, s]));
    expect(scores['B-PER']).toEqual({ label: 'B-PER', support: 1, predicted: 2, correct: 1, precision: 50, recall: 100, f1: (2 * 50 * 100) / 150 });
    expect(scores['I-PER']).toMatchObject({ support: 1, predicted: 0, precision: 0, recall: 0, f1: 0 });
    const pairs = mostConfusedPairs(m);
    expect(pairs).toHaveLength(3);
    expect(pairs[0]).toEqual({ gold: 'O', pred: 'B-LOC', count: 1, ofGold: (100 * 1) / 3 });
    expect(mostConfusedPairs(m, 1)).toHaveLength(1);
    expect(confusionMatrix([], [])).toEqual({ labels: [], counts: [], total: 0 });
  });
});
