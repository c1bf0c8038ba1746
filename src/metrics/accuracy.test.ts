import { describe, expect, it } from 'vitest';
import { accuracyOf, mergeAccuracy, tokenAccuracy } from './accuracy.ts';
import { evaluateText } from './conlleval.ts';

describe('tokenAccuracy', () => {
  it('counts equal labels over all positions', () => {
    const result = tokenAccuracy([['DT', 'NN'], ['VB']], [['DT', 'VB'], ['VB']]);
    expect(result).toEqual({ correct: 2, total: 3, accuracy: (100 * 2) / 3 });
  });

  it('skips padding by mask, by length, and by ignored label; works on id arrays', () => {
    const gold = [Int32Array.from([1, 2, 3, 0]), Int32Array.from([4, 0, 0, 0])];
    const pred = [Int32Array.from([1, 2, 9, 7]), Int32Array.from([5, 7, 7, 7])];
    expect(tokenAccuracy(gold, pred, { lengths: [3, 1] })).toMatchObject({ correct: 2, total: 4 });
    const masks = [Float32Array.from([1, 1, 1, 0]), Float32Array.from([1, 0, 0, 0])];
    expect(tokenAccuracy(gold, pred, { masks })).toMatchObject({ correct: 2, total: 4 });
    expect(tokenAccuracy(gold, pred, { ignoreLabels: [0] })).toMatchObject({ correct: 2, total: 4 });
    expect(tokenAccuracy(gold, pred, { masks: [[true, false, true, false], [false, false, false, false]] })).toMatchObject({
      correct: 1,
      total: 2,
    });
  });

  it('a short prediction counts its missing tokens as wrong; no tokens is 0, not NaN', () => {
    expect(tokenAccuracy([['A', 'B']], [['A']])).toMatchObject({ correct: 1, total: 2, accuracy: 50 });
    expect(tokenAccuracy([], [])).toEqual({ correct: 0, total: 0, accuracy: 0 });
    expect(() => tokenAccuracy([['A']], [])).toThrow(RangeError);
    expect(() => tokenAccuracy([['A']], [['A']], { lengths: [1, 1] })).toThrow(RangeError);
  });

  it('merges batches and agrees with conlleval\'s accuracy line on the same tokens', () => {
    const gold = [['DT', 'NN', 'VBZ'], ['NNP', '.']];
    const pred = [['DT', 'NN', 'NNS'], ['NN', '.']];
    const merged = mergeAccuracy(tokenAccuracy([gold[0]], [pred[0]]), tokenAccuracy([gold[1]], [pred[1]]));
    expect(merged).toEqual(tokenAccuracy(gold, pred));
    const text = gold.map((s, i) => s.map((g, t) => `w ${g} ${pred[i][t]}\n`).join('') + '\n').join('');
    expect(merged.accuracy).toBe(evaluateText(text, { raw: true }).accuracy);
    expect(accuracyOf(1, 8).accuracy).toBe(12.5);
  });
});
