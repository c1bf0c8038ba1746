import { describe, expect, it } from 'vitest';
import { chunkCounts, segments, sentenceScheme, tokenErrors } from './spans.ts';

const shape = (tags: string[], other: string[] | null, scheme: Parameters<typeof segments>[2], markOutside = true) =>
  segments(tags, other, scheme, markOutside).map((s) => `${s.start}-${s.end}:${s.type ?? '·'}${s.error ? '!' : ''}`);

describe('span grouping', () => {
  it('groups IOB2 chunks with their type and leaves other tokens single', () => {
    expect(shape(['B-PER', 'I-PER', 'O', 'B-LOC', 'B-LOC'], null, 'IOB2')).toEqual(['0-2:PER', '2-3:·', '3-4:LOC', '4-5:LOC']);
  });

  it('reads IOB1 as conlleval does (I- starts a chunk; B- only between touching chunks of one type)', () => {
    expect(shape(['I-NP', 'I-NP', 'I-VP', 'I-NP', 'B-NP', 'O'], null, 'IOB1')).toEqual(['0-2:NP', '2-3:VP', '3-4:NP', '4-5:NP', '5-6:·']);
  });

  it('reads IOBES with S- singles and E- ends', () => {
    expect(shape(['S-ORG', 'B-PER', 'I-PER', 'E-PER', 'S-PER', 'O'], null, 'IOBES')).toEqual(['0-1:ORG', '1-4:PER', '4-5:PER', '5-6:·']);
  });

  it('covers every token exactly once', () => {
    const tags = ['O', 'B-MISC', 'I-MISC', 'O', 'I-LOC', 'O'];
    const covered = segments(tags, null, 'IOB1').flatMap((s) => Array.from({ length: s.end - s.start }, (_, k) => s.start + k));
    expect(covered).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('marks predicted chunks that are not gold chunks, and tokens of missed chunks', () => {
    const predicted = ['B-ORG', 'O', 'B-MISC', 'I-MISC', 'O', 'O'];
    const gold = ['B-ORG', 'O', 'B-MISC', 'O', 'O', 'B-PER'];
    expect(shape(predicted, gold, 'IOB2')).toEqual(['0-1:ORG', '1-2:·', '2-4:MISC!', '4-5:·', '5-6:·!']);
    // the gold line: missed chunks are marked, outside tokens never
    expect(shape(gold, predicted, 'IOB2', false)).toEqual(['0-1:ORG', '1-2:·', '2-3:MISC!', '3-4:·', '4-5:·', '5-6:PER!']);
    expect(chunkCounts(predicted, gold, 'IOB2')).toEqual({ predicted: 2, gold: 3, correct: 1 });
  });

  it('a wrong type is an error even with the same boundaries', () => {
    expect(shape(['B-PER', 'I-PER'], ['B-ORG', 'I-ORG'], 'IOB2')).toEqual(['0-2:PER!']);
  });

  it('keeps plain tags per token, errors where they differ', () => {
    expect(shape(['NNP', 'VBZ', 'NN'], ['NNP', 'VBD', 'NN'], 'plain')).toEqual(['0-1:·', '1-2:·!', '2-3:·']);
    expect(tokenErrors(['NNP', 'VBZ'], ['NNP', 'VBD'])).toEqual([false, true]);
    expect(tokenErrors(['NNP'], null)).toEqual([false]);
    expect(chunkCounts(['NNP'], ['NNP'], 'plain')).toBeNull();
  });

  it('detects the scheme of a sentence unless the dataset says', () => {
    expect(sentenceScheme(['NNP', 'VBZ', 'JJ'], ['NNP', 'VBZ', 'JJ'])).toBe('plain');
    expect(sentenceScheme(['B-PER', 'O'], ['B-PER', 'O'])).toBe('IOB2');
    expect(sentenceScheme(['I-NP', 'I-VP'], null)).toBe('IOB1');
    expect(sentenceScheme(['S-PER', 'O'], ['B-PER', 'E-PER'])).toBe('IOBES');
    expect(sentenceScheme(['O', 'O'], ['O', 'O'], 'IOBES')).toBe('IOBES');
  });
});
