import { describe, expect, it } from 'vitest';
import { corpusTargets, generateConll, generateConllu } from './corpusTargets.ts';
import { createRng } from '../prng.ts';
import { loadDataset } from '../dataset.ts';
import { formatReport, runFuzz } from './runner.ts';

describe('CoNLL / CoNLL-U reader fuzzing', () => {
  it('the generators make files the readers accept', () => {
    const rng = createRng(5);
    for (let i = 0; i < 50; i++) {
      expect(loadDataset('g.conll', generateConll(rng).text).sentences.length).toBeGreaterThan(0);
      expect(loadDataset('g.conllu', generateConllu(rng)).format).toBe('conllu');
    }
  });

  it('500 seeded cases end in a dataset or a DataError naming file and line', () => {
    const report = runFuzz(corpusTargets({ hugeLineChars: 200_000, costlyWeight: 0.5 }), { seed: 7, cases: 500, slowMs: 3000 });
    expect(report.failures, formatReport(report)).toEqual([]);
    expect(report.cases).toBe(500);
    expect(report.ok).toBeGreaterThan(0);
    expect(report.typed).toBeGreaterThan(0);
    // Every mutation was exercised, the costly ones included.
    for (const strategy of ['truncate', 'invalid utf-8', 'nul bytes', 'ragged columns', 'huge line', '100k-token sentence', 'duplicated headers']) {
      expect(report.byStrategy[`conll/${strategy}`] ?? 0, strategy).toBeGreaterThan(0);
      expect(report.byStrategy[`conllu/${strategy}`] ?? 0, strategy).toBeGreaterThan(0);
    }
  });

  it('a 100k-token sentence is refused with its line, before anything trains on it', () => {
    const text = `${'w O\n'.repeat(100_000)}\n`;
    expect(() => loadDataset('long.conll', text)).toThrow(/^long\.conll: line 1: the sentence starting here has 100000 tokens/);
  });
});
