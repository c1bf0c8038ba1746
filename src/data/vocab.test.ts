import { describe, expect, it } from 'vitest';
import { DataError } from './dataError.ts';
import {
  buildCharVocab,
  buildTagSet,
  buildVocabularies,
  buildWordVocab,
  PAD_ID,
  TagSet,
  UNK_ID,
  Vocab,
  vocabulariesFromJSON,
  vocabulariesToJSON,
} from './vocab.ts';

const sentences = [
  ['The', 'cat', 'sat', 'on', 'the', 'mat', 'in', '1996'],
  ['the', 'cat', 'ran', 'in', '2001'],
];

describe('word vocabulary', () => {
  it('puts <pad> at 0 and <unk> at 1, then words by frequency; cuts rare words', () => {
    const vocab = buildWordVocab(sentences, { minCount: 2 });
    expect(vocab.tokens).toEqual(['<pad>', '<unk>', 'cat', 'in', 'the']);
    expect(vocab.id('cat')).toBe(2);
    expect(vocab.id('dog')).toBe(UNK_ID);
    expect(vocab.token(PAD_ID)).toBe('<pad>');
  });

  it('normalises case and digits when asked', () => {
    const vocab = buildWordVocab(sentences, { minCount: 2, lowercase: true, digitsToZero: true });
    expect(vocab.tokens).toEqual(['<pad>', '<unk>', 'the', '0000', 'cat', 'in']);
    expect(vocab.id('THE')).toBe(2);
    expect(vocab.id('1848')).toBe(3);
  });

  it('caps the size and never duplicates the special tokens', () => {
    expect(buildWordVocab([['<unk>', '<unk>', 'a', 'a', 'b']], { minCount: 1, maxSize: 1 }).tokens).toEqual(['<pad>', '<unk>', 'a']);
  });
});

describe('character vocabulary', () => {
  it('indexes code points, not UTF-16 units', () => {
    const vocab = buildCharVocab([['naïve', '𝔘']]);
    expect(vocab.has('ï')).toBe(true);
    expect(vocab.has('𝔘')).toBe(true);
    expect(vocab.size).toBe(2 + 6);
  });
});

describe('tag sets', () => {
  it('have no padding entry: ids 0..size-1, unknown is -1', () => {
    const tags = buildTagSet([['O', 'B-PER', 'O'], null, ['O']]);
    expect(tags.tags).toEqual(['O', 'B-PER']);
    expect(tags.id('B-PER')).toBe(1);
    expect(tags.id('I-LOC')).toBe(-1);
    expect(() => tags.tag(2)).toThrow(RangeError);
  });
});

describe('JSON round trip', () => {
  it('restores identical vocabularies through JSON.stringify', () => {
    const vocabs = buildVocabularies(
      [
        { words: sentences[0], tags: [sentences[0].map(() => 'X'), null] },
        { words: sentences[1], tags: [null, sentences[1].map((w) => (w === 'cat' ? 'B-ANIMAL' : 'O'))] },
      ],
      2,
      { words: { minCount: 1, lowercase: true } },
    );
    const restored = vocabulariesFromJSON(JSON.parse(JSON.stringify(vocabulariesToJSON(vocabs))));
    expect(restored.words.tokens).toEqual(vocabs.words.tokens);
    expect(restored.words.normalization).toEqual({ lowercase: true, digitsToZero: false });
    expect(restored.words.id('THE')).toBe(vocabs.words.id('the'));
    expect(restored.chars.tokens).toEqual(vocabs.chars.tokens);
    expect(restored.tags.map((t) => t.tags)).toEqual([['X'], ['O', 'B-ANIMAL']]);
    expect(JSON.parse(JSON.stringify(restored.words))).toEqual(vocabs.words.toJSON());
  });

  it('rejects malformed JSON with a DataError', () => {
    expect(() => Vocab.fromJSON({ kind: 'word', tokens: ['a'], lowercase: false, digitsToZero: false }, 'ckpt')).toThrow(DataError);
    expect(() => Vocab.fromJSON(null)).toThrow(DataError);
    expect(() => TagSet.fromJSON({ kind: 'tags', tags: ['O', 'O'] })).toThrow(DataError);
    expect(() => vocabulariesFromJSON({ words: 1 }, 'model.json')).toThrow(/^model\.json: /);
  });
});
