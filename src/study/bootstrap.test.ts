import { describe, expect, it } from 'vitest';
import { scoreSequences } from '../metrics/conlleval.ts';
import { pairedBootstrap, scoreOfCounts, sentenceCounts } from './bootstrap.ts';

/** Exact P(difference ≤ 0) over all n^n equally likely draws: the independent computation. */
function exactAgainst(a: number[], b: number[], tokens: number[]): number {
  const n = a.length;
  let against = 0;
  let total = 0;
  const draw = new Array<number>(n).fill(0);
  const visit = (i: number) => {
    if (i === n) {
      let ca = 0, cb = 0, t = 0;
      for (const s of draw) {
        ca += a[s]!;
        cb += b[s]!;
        t += tokens[s]!;
      }
      total++;
      if (ca / t - cb / t <= 0) against++;
      return;
    }
    for (let s = 0; s < n; s++) {
      draw[i] = s;
      visit(i + 1);
    }
  };
  visit(0);
  return against / total;
}

describe('paired bootstrap', () => {
  it('counts chunks per sentence so that their sums give conlleval F1 of the whole set', () => {
    const gold = [['B-PER', 'I-PER', 'O'], ['B-LOC', 'O'], ['O', 'B-ORG']];
    const pred = [['B-PER', 'I-PER', 'O'], ['B-PER', 'O'], ['O', 'O']];
    const c = sentenceCounts('IOB2', gold, pred);
    expect(Array.from(c.counts)).toEqual([1, 1, 1, 0, 1, 1, 0, 0, 1]);
    const sums = [0, 1, 2].map((j) => c.counts[j]! + c.counts[3 + j]! + c.counts[6 + j]!);
    expect(scoreOfCounts('f1', sums[0]!, sums[1]!, sums[2]!)).toBeCloseTo(scoreSequences(gold, pred).fb1, 10);
  });

  it('matches the exact probability of a 3-sentence case enumerated draw by draw', () => {
    // Sentence 0: the system is right and the baseline wrong on its one token; 1: both right;
    // 2 (two tokens): the system gets one, the baseline both.
    const golds = [['A'], ['A'], ['A', 'B']];
    const sys = sentenceCounts('plain', golds, [['A'], ['A'], ['A', 'A']]);
    const base = sentenceCounts('plain', golds, [['B'], ['A'], ['A', 'B']]);
    // Whole set: 3/4 each, so the observed difference is 0 and p is 1 by definition.
    expect(pairedBootstrap([sys], [base]).p).toBe(1);
    // Drop sentence 2's second token from the baseline's credit: system 3/4, baseline 2/4.
    const base2 = sentenceCounts('plain', golds, [['B'], ['A'], ['A', 'A']]);
    const exact2 = exactAgainst([1, 1, 1], [0, 1, 1], [1, 1, 2]);
    const result = pairedBootstrap([sys], [base2], { samples: 20000, seed: 7 });
    expect(result.delta).toBeCloseTo(25, 10);
    expect(Math.abs(result.p - exact2)).toBeLessThan(0.01);
    expect(exact2).toBeCloseTo(8 / 27, 10); // the draws without sentence 0: 2^3 of 3^3
  });

  it('is seeded, averages seeds per side and refuses different test sets', () => {
    const gold = [['A'], ['A'], ['A'], ['A']];
    const good = sentenceCounts('plain', gold, [['A'], ['A'], ['A'], ['B']]);
    const bad = sentenceCounts('plain', gold, [['A'], ['B'], ['B'], ['B']]);
    const a = pairedBootstrap([good, bad], [bad], { samples: 500, seed: 3 });
    expect(a).toEqual(pairedBootstrap([good, bad], [bad], { samples: 500, seed: 3 }));
    expect(a.delta).toBeCloseTo((75 + 25) / 2 - 25, 10);
    expect(() => pairedBootstrap([good], [sentenceCounts('plain', [['A']], [['A']])])).toThrow(/same test set/);
  });
});
