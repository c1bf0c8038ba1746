import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeBatch, groupBatches, makeBatches, paddingRatio, planBatches, partitionBatch, planPaddingRatio, splitBatch } from './batches.ts';
import { loadDataset } from './dataset.ts';
import type { Sentence } from './types.ts';
import { buildVocabularies, PAD_ID } from './vocab.ts';

const shared = new URL('../../../shared/data/', import.meta.url);
const train = loadDataset('eng.train', new Uint8Array(readFileSync(new URL('conll2003/eng.train', shared))));
const lengths = train.sentences.map((s) => s.words.length);

describe('planBatches on eng.train, batch 64', () => {
  const plan = planBatches(lengths, { batchSize: 64, seed: 1 });

  it('keeps padding under 15% of token slots', () => {
    const ratio = planPaddingRatio(lengths, plan);
    expect(ratio).toBeLessThan(0.15);
  });

  it('puts every sentence in exactly one batch per epoch', () => {
    const seen = new Uint8Array(lengths.length);
    for (const batch of plan) {
      expect(batch.length).toBeLessThanOrEqual(64);
      for (const i of batch) seen[i]++;
    }
    expect(seen.every((n) => n === 1)).toBe(true);
    expect(plan.length).toBe(Math.ceil(14_041 / 64));
  });

  it('is deterministic by seed, and differs between seeds', () => {
    expect(planBatches(lengths, { batchSize: 64, seed: 1 })).toEqual(plan);
    expect(planBatches(lengths, { batchSize: 64, seed: 2 })).not.toEqual(plan);
  });

  it('without shuffling, batches come in length order', () => {
    const sorted = planBatches(lengths, { batchSize: 64, shuffle: false });
    const maxima = sorted.map((b) => Math.max(...Array.from(b, (i) => lengths[i])));
    expect(maxima).toEqual([...maxima].sort((a, b) => a - b));
  });
});

describe('encodeBatch', () => {
  const sentences: Sentence[] = [
    { words: ['Peter', 'Blackburn'], tags: [['NNP', 'NNP'], ['I-PER', 'I-PER']] },
    { words: ['EU', 'rejects', 'extraordinarily-long-words'], tags: [['NNP', 'VBZ', 'JJ'], null] },
  ];
  const vocabs = buildVocabularies(sentences, 2, { words: { minCount: 1 } });
  const encoders = { words: vocabs.words, chars: vocabs.chars, tags: vocabs.tags };

  it('lays out words, chars, lengths, tags and masks row-major with padding 0', () => {
    const batch = encodeBatch(sentences, [1, 0], encoders, { maxWordLen: 5 });
    expect([batch.size, batch.maxLen, batch.maxWordLen]).toEqual([2, 3, 5]);
    expect(Array.from(batch.lengths)).toEqual([3, 2]);
    expect(Array.from(batch.sentenceIndex)).toEqual([1, 0]);
    expect(Array.from(batch.wordIds)).toEqual([
      vocabs.words.id('EU'),
      vocabs.words.id('rejects'),
      vocabs.words.id('extraordinarily-long-words'),
      vocabs.words.id('Peter'),
      vocabs.words.id('Blackburn'),
      PAD_ID,
    ]);
    expect(batch.charIds.length).toBe(2 * 3 * 5);
    const chars = (row: number, t: number) => Array.from(batch.charIds.slice((row * 3 + t) * 5, (row * 3 + t + 1) * 5));
    expect(chars(0, 0)).toEqual([vocabs.chars.id('E'), vocabs.chars.id('U'), 0, 0, 0]);
    expect(chars(0, 2)).toEqual([...'extra'].map((c) => vocabs.chars.id(c))); // cut at maxWordLen
    expect(chars(1, 2)).toEqual([0, 0, 0, 0, 0]);
    expect(Array.from(batch.tagMask[0])).toEqual([1, 1]);
    expect(Array.from(batch.tagMask[1])).toEqual([0, 1]);
    expect(Array.from(batch.tags[1] ?? [])).toEqual([0, 0, 0, vocabs.tags[1].id('I-PER'), vocabs.tags[1].id('I-PER'), 0]);
    expect(batch.unknownTags).toBe(0);
  });

  it('gives null tags for a task no sentence of the batch has', () => {
    expect(encodeBatch(sentences, [1], encoders).tags[1]).toBeNull();
  });

  it('uses the batch longest word unless fixed', () => {
    expect(encodeBatch(sentences, [0], encoders).maxWordLen).toBe(9);
    expect(encodeBatch(sentences, [0], encoders, { fixedWordLen: true }).maxWordLen).toBe(20);
    expect(encodeBatch(sentences, [1], encoders).maxWordLen).toBe(20);
  });
});

describe('makeBatches on eng.train', () => {
  it('encodes a whole epoch with the measured padding ratio', () => {
    const vocabs = buildVocabularies(train.sentences, train.tasks.length);
    const batches = makeBatches(train.sentences, vocabs, { batchSize: 64, seed: 3 });
    expect(batches.reduce((n, b) => n + b.size, 0)).toBe(14_041);
    expect(paddingRatio(batches)).toBeLessThan(0.15);
    expect(batches.every((b) => b.tags.every((t) => t !== null))).toBe(true);
    expect(batches.reduce((n, b) => n + b.unknownTags, 0)).toBe(0);
  });
});

describe('splitBatch', () => {
  const sentences = train.sentences.slice(0, 48);
  const vocab = buildVocabularies(sentences, train.tasks.length);
  const encoders = { words: vocab.words, chars: vocab.chars, tags: vocab.tags };
  const indices = Array.from({ length: 48 }, (_, i) => (i * 17) % 48);
  const whole = encodeBatch(sentences, indices, encoders, { maxWordLen: 12, fixedWordLen: true });

  it('cuts into consecutive slices within the slot budget, each what encodeBatch gives for its sentences', () => {
    const budget = 120;
    const slices = splitBatch(whole, budget);
    expect(slices.length).toBeGreaterThan(2);
    let from = 0;
    for (const slice of slices) {
      const own = indices.slice(from, from + slice.size);
      const direct = encodeBatch(sentences, own, encoders, { maxWordLen: 12, fixedWordLen: true });
      expect(slice.size * slice.maxLen <= budget || slice.size === 1).toBe(true);
      expect({ ...slice, unknownTags: 0 }).toEqual({ ...direct, unknownTags: 0 });
      from += slice.size;
    }
    expect(from).toBe(whole.size);
  });

  it('gives the batch itself when it fits, and one sentence per slice at the smallest budget', () => {
    expect(splitBatch(whole, whole.size * whole.maxLen)).toEqual([whole]);
    const single = splitBatch(whole, 1);
    expect(single.map((s) => s.size)).toEqual(new Array(48).fill(1));
    expect(single.map((s) => s.maxLen)).toEqual(indices.map((i) => sentences[i]!.words.length));
  });

  it('marks a task absent in a slice whose sentences lack its labels', () => {
    const partial: Sentence[] = sentences.slice(0, 4).map((s, i) => ({ ...s, tags: i < 2 ? s.tags : [s.tags[0]!, null, null] }));
    const batch = encodeBatch(partial, [0, 1, 2, 3], encoders, { maxWordLen: 12 });
    const slices = splitBatch(batch, 1);
    expect(slices.map((slice) => slice.tags.map((t) => t !== null))).toEqual([
      [true, true, true],
      [true, true, true],
      [true, false, false],
      [true, false, false],
    ]);
    expect(slices[3]!.tagMask.map((m) => Array.from(m))).toEqual([[1], [0], [0]]);
  });
});

describe('partitionBatch', () => {
  const sentences = train.sentences.slice(0, 64);
  const vocab = buildVocabularies(sentences, train.tasks.length);
  const encoders = { words: vocab.words, chars: vocab.chars, tags: vocab.tags };
  const indices = Array.from({ length: 64 }, (_, i) => (i * 29) % 64);
  const whole = encodeBatch(sentences, indices, encoders, { maxWordLen: 12, fixedWordLen: true });
  const tokens = (b: { lengths: Int32Array }) => b.lengths.reduce((sum, n) => sum + n, 0);

  it.each([2, 3, 4, 7])('cuts into %i consecutive slices of about equal real tokens, each what encodeBatch gives', (parts) => {
    const slices = partitionBatch(whole, parts);
    expect(slices.length).toBe(parts);
    let from = 0;
    for (const slice of slices) {
      const direct = encodeBatch(sentences, indices.slice(from, from + slice.size), encoders, { maxWordLen: 12, fixedWordLen: true });
      expect({ ...slice, unknownTags: 0 }).toEqual({ ...direct, unknownTags: 0 });
      // within one sentence of an equal share
      expect(Math.abs(tokens(slice) - tokens(whole) / parts)).toBeLessThanOrEqual(Math.max(...Array.from(whole.lengths)));
      from += slice.size;
    }
    expect(from).toBe(whole.size);
  });

  it('gives the batch itself for one part, never an empty slice, one sentence each at most', () => {
    expect(partitionBatch(whole, 1)).toEqual([whole]);
    const three = encodeBatch(sentences, [0, 1, 2], encoders, { maxWordLen: 12 });
    expect(partitionBatch(three, 8).map((s) => s.size)).toEqual([1, 1, 1]);
    // a long sentence first must not leave later slices empty
    const skewed = encodeBatch(sentences, [...indices.slice(0, 4)].sort((a, b) => sentences[b]!.words.length - sentences[a]!.words.length), encoders, { maxWordLen: 12 });
    expect(partitionBatch(skewed, 4).map((s) => s.size)).toEqual([1, 1, 1, 1]);
  });
});

describe('groupBatches', () => {
  const batch = (size: number, maxLen: number) => ({ size, maxLen });
  it('cuts consecutive groups of about equal padded slots, never an empty one', () => {
    const batches = [batch(8, 5), batch(8, 5), batch(8, 10), batch(8, 10), batch(8, 20)];
    const groups = groupBatches(batches, 2);
    expect(groups.flat()).toEqual(batches);
    expect(groups.map((g) => g.reduce((n, b) => n + b.size * b.maxLen, 0))).toEqual([240, 160]);
    expect(groupBatches(batches, 1)).toEqual([batches]);
    expect(groupBatches(batches.slice(0, 2), 4)).toEqual([[batches[0]], [batches[1]]]);
    // one huge batch first still leaves a batch for every later group
    expect(groupBatches([batch(64, 100), batch(1, 1), batch(1, 1)], 3).map((g) => g.length)).toEqual([1, 1, 1]);
  });
});
