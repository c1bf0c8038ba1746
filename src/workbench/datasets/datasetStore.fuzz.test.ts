/** The worker's DatasetStore under fuzzed files (moved here from src/train/fuzz with the store). */
import { describe, expect, it } from 'vitest';
import { corpusTargets } from '../../data/fuzz/corpusTargets.ts';
import { createRng } from '../../data/prng.ts';
import { DatasetStore } from './datasetStore.ts';

describe('a rejected file leaves the loaded dataset as it was', () => {
  it('200 fuzzed files through the worker\'s DatasetStore: the previous dataset stays, errors are typed', () => {
    const store = new DatasetStore();
    const good = store.load('good.conll', new TextEncoder().encode('EU B-ORG\nrejects O\n\nPeter B-PER\n'));
    expect(good.ok).toBe(true);
    let rejected = 0;
    const targets = corpusTargets({ hugeLineChars: 50_000, longSentenceTokens: 10_000, costlyWeight: 0.2 });
    for (let index = 0; index < 200; index++) {
      const target = targets[index % 2]!;
      const fuzzCase = target.generate(createRng(1000 + index), index);
      const before = store.current;
      const bytes = typeof fuzzCase.input === 'string' ? new TextEncoder().encode(fuzzCase.input) : fuzzCase.input;
      const result = store.load(fuzzCase.file, bytes);
      if (result.ok) continue;
      rejected++;
      expect(store.current).toBe(before);
      expect(result.error.kind).not.toBe('internal');
      expect(result.error.message.startsWith(`${fuzzCase.file}: `)).toBe(true);
    }
    expect(rejected).toBeGreaterThan(0);
  });
});
