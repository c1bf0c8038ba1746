import { describe, expect, it } from 'vitest';
import { fixedLengthSentences } from './fixedLength.ts';

describe('fixedLengthSentences', () => {
  const sentences = [
    { words: ['a', 'b', 'c'], tags: [['A', 'B', 'C'], null] },
    { words: [], tags: [[], []] },
    { words: ['d', 'e', 'f', 'g', 'h'], tags: [['D', 'E', 'F', 'G', 'H'], ['1', '2', '3', '4', '5']] },
  ];

  it('repeats short sentences and cuts long ones to the length, tags with them', () => {
    const out = fixedLengthSentences(sentences, 3, 4);
    expect(out.map((s) => s.words.join(''))).toEqual(['abca', 'defg', 'abca']);
    expect(out[0]!.tags).toEqual([['A', 'B', 'C', 'A'], null]);
    expect(out[1]!.tags).toEqual([['D', 'E', 'F', 'G'], ['1', '2', '3', '4']]);
    for (const s of out) for (const t of s.tags) if (t) expect(t).toHaveLength(4);
  });

  it('refuses a zero length or no usable sentence', () => {
    expect(() => fixedLengthSentences(sentences, 2, 0)).toThrow(/at least 1/);
    expect(() => fixedLengthSentences([{ words: [], tags: [] }], 2, 3)).toThrow(/non-empty/);
  });
});
