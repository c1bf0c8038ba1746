/**
 * Length-bucketed batches as flat typed arrays, ready to become tensors without further copying.
 *
 * A BiLSTM pays for every padded timestep, so sentences of similar length go together: the epoch's
 * order is a seeded shuffle, then a sort by length perturbed by a little multiplicative noise (the
 * "padding noise" of AllenNLP's bucket iterator, so batch composition changes between epochs),
 * then consecutive runs of `batchSize` sentences form batches, and the batch order is shuffled.
 */
import { createRng, shuffleIndices, shuffleInPlace } from './prng.ts';
import type { Sentence } from './types.ts';
import { PAD_ID, type TagSet, type Vocab } from './vocab.ts';

export interface BatchOptions {
  /** Sentences per batch; default 64 (the paper's). */
  batchSize?: number;
  /** Seed of this epoch's order; pass a different one per epoch (e.g. seed + epoch). */
  seed?: number;
  /** Shuffle sentences and batches (training). False: sorted by length, no noise (evaluation). */
  shuffle?: boolean;
  /** Relative noise on lengths before sorting; default 0.1. 0: strict length order. */
  paddingNoise?: number;
  /** Characters kept per word for the char CNN (longer words are cut); default 20. */
  maxWordLen?: number;
  /** Pad every batch's words to `maxWordLen` instead of the batch's longest word (fixed shapes). */
  fixedWordLen?: boolean;
}

/** The lookups a batch needs: words, characters, one tag set per task (in task order). */
export interface BatchEncoders {
  words: Vocab;
  chars: Vocab;
  tags: readonly TagSet[];
}

export interface Batch {
  /** Sentences in this batch. */
  size: number;
  /** Longest sentence in the batch (tokens). */
  maxLen: number;
  /** Characters per word slot. */
  maxWordLen: number;
  /** [size × maxLen], `<pad>` (0) after each sentence's end. */
  wordIds: Int32Array;
  /** [size × maxLen × maxWordLen], 0 for padding. */
  charIds: Int32Array;
  /** [size] real tokens per sentence. */
  lengths: Int32Array;
  /**
   * Per task: [size × maxLen] tag ids (0 at padding and for sentences without this task's labels),
   * or null when no sentence of the batch has labels for the task.
   */
  tags: (Int32Array | null)[];
  /** Per task: [size], 1 where the sentence has labels for that task. */
  tagMask: Uint8Array[];
  /** [size] position of each row's sentence in the input array. */
  sentenceIndex: Int32Array;
  /** [size × maxLen × featureDim] frozen word features (0 at padding), when the sentences carry them. */
  features?: Float32Array;
  featureDim?: number;
  /**
   * Tokens whose gold tag is missing from the task's tag set (e.g. a dev-only tag). They are
   * encoded as `O` when the set has one, else as id 0; scores are computed on strings, unaffected.
   */
  unknownTags: number;
}

const DEFAULTS = { batchSize: 64, seed: 0, shuffle: true, paddingNoise: 0.1, maxWordLen: 20, fixedWordLen: false };

/** Orders the sentences for one epoch and cuts them into batches of indices. */
export function planBatches(lengths: ArrayLike<number>, options: BatchOptions = {}): Int32Array[] {
  const { batchSize, seed, shuffle, paddingNoise } = { ...DEFAULTS, ...options };
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const n = lengths.length;
  const rng = createRng(seed);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const keys = new Float64Array(n);
  if (shuffle) {
    shuffleIndices(order, rng);
    for (let i = 0; i < n; i++) keys[i] = lengths[i] * (1 + paddingNoise * (2 * rng() - 1));
  } else {
    for (let i = 0; i < n; i++) keys[i] = lengths[i];
  }
  // Array.prototype.sort is stable, so ties keep the shuffled (or file) order.
  const sorted = Array.from(order).sort((a, b) => keys[a] - keys[b]);
  const batches: Int32Array[] = [];
  for (let start = 0; start < n; start += batchSize) batches.push(Int32Array.from(sorted.slice(start, start + batchSize)));
  return shuffle ? shuffleInPlace(batches, rng) : batches;
}

/** Encodes the sentences at `indices` into one batch. */
export function encodeBatch(
  sentences: readonly Sentence[],
  indices: ArrayLike<number>,
  encoders: BatchEncoders,
  options: BatchOptions = {},
): Batch {
  const { maxWordLen: cap, fixedWordLen } = { ...DEFAULTS, ...options };
  if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`maxWordLen must be a positive integer, got ${cap}`);
  const size = indices.length;
  const taskCount = encoders.tags.length;
  let maxLen = 0;
  let longestWord = 1;
  for (let r = 0; r < size; r++) {
    const words = sentences[indices[r]].words;
    maxLen = Math.max(maxLen, words.length);
    for (const word of words) longestWord = Math.max(longestWord, codePointLength(word, cap));
  }
  const maxWordLen = fixedWordLen ? cap : Math.min(cap, longestWord);
  const packed = packFeatures(sentences, indices, maxLen);

  const wordIds = new Int32Array(size * maxLen).fill(PAD_ID);
  const charIds = new Int32Array(size * maxLen * maxWordLen).fill(PAD_ID);
  const lengths = new Int32Array(size);
  const sentenceIndex = new Int32Array(size);
  const tagMask = Array.from({ length: taskCount }, () => new Uint8Array(size));
  const tags: (Int32Array | null)[] = new Array<Int32Array | null>(taskCount).fill(null);
  let unknownTags = 0;

  for (let r = 0; r < size; r++) {
    const index = indices[r];
    const sentence = sentences[index];
    sentenceIndex[r] = index;
    lengths[r] = sentence.words.length;
    sentence.words.forEach((word, t) => {
      const slot = r * maxLen + t;
      wordIds[slot] = encoders.words.id(word);
      let c = 0;
      for (const ch of word) {
        if (c >= maxWordLen) break;
        charIds[slot * maxWordLen + c] = encoders.chars.id(ch);
        c++;
      }
    });
    for (let k = 0; k < taskCount; k++) {
      const sequence = sentence.tags[k];
      if (!sequence) continue;
      tagMask[k][r] = 1;
      const tagSet = encoders.tags[k];
      const fallback = Math.max(tagSet.id('O'), 0);
      const out = (tags[k] ??= new Int32Array(size * maxLen));
      for (let t = 0; t < sequence.length; t++) {
        const id = tagSet.id(sequence[t]);
        if (id < 0) unknownTags++;
        out[r * maxLen + t] = id < 0 ? fallback : id;
      }
    }
  }
  return { size, maxLen, maxWordLen, wordIds, charIds, lengths, tags, tagMask, sentenceIndex, unknownTags, ...packed };
}

/** One epoch of batches: `planBatches` then `encodeBatch` for each. */
export function makeBatches(sentences: readonly Sentence[], encoders: BatchEncoders, options: BatchOptions = {}): Batch[] {
  const plan = planBatches(
    sentences.map((s) => s.words.length),
    options,
  );
  return plan.map((indices) => encodeBatch(sentences, indices, encoders, options));
}

/** Share of padded token slots, Σ(maxLen·size − Σlengths) / Σ(maxLen·size). */
export function paddingRatio(batches: readonly Pick<Batch, 'size' | 'maxLen' | 'lengths'>[]): number {
  let slots = 0;
  let real = 0;
  for (const b of batches) {
    slots += b.size * b.maxLen;
    for (const length of b.lengths) real += length;
  }
  return slots === 0 ? 0 : (slots - real) / slots;
}

/** The same ratio for a plan, without encoding anything. */
export function planPaddingRatio(lengths: ArrayLike<number>, plan: readonly Int32Array[]): number {
  let slots = 0;
  let real = 0;
  for (const indices of plan) {
    let maxLen = 0;
    for (const i of indices) {
      maxLen = Math.max(maxLen, lengths[i]);
      real += lengths[i];
    }
    slots += maxLen * indices.length;
  }
  return slots === 0 ? 0 : (slots - real) / slots;
}

function codePointLength(word: string, cap: number): number {
  let n = 0;
  for (const _ of word) if (++n >= cap) break;
  return n;
}

/**
 * Cuts a batch into consecutive slices of whole sentences whose padded size (rows × their own longest
 * sentence) stays within `maxSlots` (a slice holds at least one sentence). Each slice is a batch of
 * its own, padded to its own longest sentence; rows keep their order. One slice: the batch itself.
 */
export function splitBatch(batch: Batch, maxSlots: number): Batch[] {
  const ranges: [number, number][] = [];
  let start = 0;
  let longest = 0;
  for (let r = 0; r < batch.size; r++) {
    const next = Math.max(longest, batch.lengths[r]!);
    if (r > start && (r - start + 1) * next > maxSlots) {
      ranges.push([start, r]);
      start = r;
      longest = batch.lengths[r]!;
    } else longest = next;
  }
  ranges.push([start, batch.size]);
  return ranges.length === 1 ? [batch] : ranges.map(([from, to]) => sliceBatch(batch, from, to));
}

/**
 * Cuts a batch into at most `parts` consecutive slices of whole sentences with about equal real
 * tokens each (work for as many threads), each padded to its own longest sentence. Never an empty
 * slice; one slice: the batch itself.
 */
export function partitionBatch(batch: Batch, parts: number): Batch[] {
  const count = Math.max(1, Math.min(Math.floor(parts), batch.size));
  if (count === 1) return [batch];
  let total = 0;
  for (let r = 0; r < batch.size; r++) total += batch.lengths[r]!;
  const ranges: [number, number][] = [];
  let start = 0;
  let seen = 0;
  for (let r = 0; r < batch.size && ranges.length < count - 1; r++) {
    seen += batch.lengths[r]!;
    // Close a slice once it reaches its share, leaving at least one row for each slice still to come.
    const rowsLeft = batch.size - (r + 1);
    const slicesLeft = count - ranges.length - 1;
    if ((seen >= (total * (ranges.length + 1)) / count && rowsLeft >= slicesLeft) || rowsLeft === slicesLeft) {
      ranges.push([start, r + 1]);
      start = r + 1;
    }
  }
  ranges.push([start, batch.size]);
  return ranges.map(([from, to]) => sliceBatch(batch, from, to));
}

/**
 * Cuts a list of batches into at most `groups` consecutive groups of about equal padded token slots
 * (work for as many threads). Never an empty group.
 */
export function groupBatches<B extends Pick<Batch, 'size' | 'maxLen'>>(batches: readonly B[], groups: number): B[][] {
  const count = Math.max(1, Math.min(Math.floor(groups), batches.length));
  const slots = batches.map((b) => b.size * b.maxLen);
  const total = slots.reduce((a, b) => a + b, 0);
  const out: B[][] = [];
  let current: B[] = [];
  let seen = 0;
  batches.forEach((batch, k) => {
    current.push(batch);
    seen += slots[k]!;
    const left = batches.length - (k + 1);
    const groupsLeft = count - out.length - 1;
    if (groupsLeft > 0 && ((seen >= (total * (out.length + 1)) / count && left >= groupsLeft) || left === groupsLeft)) {
      out.push(current);
      current = [];
    }
  });
  if (current.length > 0) out.push(current);
  return out;
}

/** Rows [from, to) of a batch, re-padded to their longest sentence. */
function sliceBatch(batch: Batch, from: number, to: number): Batch {
  const size = to - from;
  const lengths = batch.lengths.slice(from, to);
  const maxLen = lengths.reduce((m, n) => Math.max(m, n), 0);
  const w = batch.maxWordLen;
  const wordIds = new Int32Array(size * maxLen);
  const charIds = new Int32Array(size * maxLen * w);
  const taskCount = batch.tags.length;
  const tagMask = batch.tagMask.map((mask) => mask.slice(from, to));
  const tags = batch.tags.map((t, k) => (t && tagMask[k]!.some((flag) => flag === 1) ? new Int32Array(size * maxLen) : null));
  for (let r = 0; r < size; r++) {
    const src = (from + r) * batch.maxLen;
    wordIds.set(batch.wordIds.subarray(src, src + maxLen), r * maxLen);
    charIds.set(batch.charIds.subarray(src * w, (src + maxLen) * w), r * maxLen * w);
    for (let k = 0; k < taskCount; k++) tags[k]?.set(batch.tags[k]!.subarray(src, src + maxLen), r * maxLen);
  }
  return {
    size,
    maxLen,
    maxWordLen: w,
    wordIds,
    charIds,
    lengths,
    tags,
    tagMask,
    sentenceIndex: batch.sentenceIndex.slice(from, to),
    ...(batch.features && batch.featureDim ? { features: sliceFeatures(batch.features, batch.featureDim, batch.maxLen, from, size, maxLen), featureDim: batch.featureDim } : {}),
    // Counted once for the batch: the first slice carries it.
    unknownTags: from === 0 ? batch.unknownTags : 0,
  };
}

/** Word features of the batch's sentences padded to maxLen, or nothing when they carry none. */
function packFeatures(sentences: readonly Sentence[], indices: ArrayLike<number>, maxLen: number): { features?: Float32Array; featureDim?: number } {
  const size = indices.length;
  const first = size > 0 ? sentences[indices[0]] : undefined;
  if (!first?.features) return {};
  const dim = first.words.length > 0 ? first.features.length / first.words.length : 0;
  const out = new Float32Array(size * maxLen * dim);
  for (let r = 0; r < size; r++) {
    const s = sentences[indices[r]];
    if (!s.features || s.features.length !== s.words.length * dim) {
      throw new RangeError(`sentence ${indices[r]}: word features missing or not ${s.words.length} × ${dim}`);
    }
    out.set(s.features, r * maxLen * dim);
  }
  return { features: out, featureDim: dim };
}

function sliceFeatures(features: Float32Array, dim: number, fromMaxLen: number, from: number, size: number, maxLen: number): Float32Array {
  const out = new Float32Array(size * maxLen * dim);
  for (let r = 0; r < size; r++) out.set(features.subarray((from + r) * fromMaxLen * dim, ((from + r) * fromMaxLen + maxLen) * dim), r * maxLen * dim);
  return out;
}
