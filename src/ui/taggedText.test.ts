import { describe, expect, it } from 'vitest';
import type { SentenceInspection } from '../protocol.ts';
import { taggedConll } from './taggedText.ts';

const sentence = (words: string[], pos: string[], ner: string[]): SentenceInspection => ({
  words,
  tasks: [
    { task: 'POS', predicted: pos, gold: null, representations: [], beta: null },
    { task: 'NER', predicted: ner, gold: null, representations: [], beta: null },
  ],
});

describe('taggedConll', () => {
  it('writes a token per line with a column per task and a blank line after each sentence', () => {
    const text = taggedConll([sentence(['EU', 'rejects'], ['NNP', 'VBZ'], ['B-ORG', 'O']), sentence(['Hi'], ['UH'], ['O'])]);
    expect(text).toBe('# columns: word POS NER\nEU NNP B-ORG\nrejects VBZ O\n\nHi UH O\n\n');
  });
});
