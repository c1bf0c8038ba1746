/**
 * Sentences of one exact length, for counting the work of a training step or a decode batch at a
 * given padded length (the benchmark's `paddedLengths`): the GPU dispatch count of a step grows
 * with the batch's padded length, so it is reported at fixed lengths rather than for whatever
 * lengths a sample happens to have.
 */
import type { Sentence } from '../data/types.ts';

/** `words` (or tags) repeated, then cut, to exactly `length` items. */
function tile<T>(items: readonly T[], length: number): T[] {
  return Array.from({ length }, (_, i) => items[i % items.length]!);
}

/**
 * `count` sentences of exactly `length` tokens: the first `count` non-empty sentences of
 * `sentences` (cycled when there are fewer), each cut to `length` or repeated up to it, tags with it
 * (a task's missing labels stay missing).
 */
export function fixedLengthSentences(sentences: readonly Sentence[], count: number, length: number): Sentence[] {
  if (length < 1 || count < 1) throw new Error(`fixed-length sentences need a count and a length of at least 1 (got ${count} × ${length})`);
  const source = sentences.filter((s) => s.words.length > 0);
  if (source.length === 0) throw new Error('fixed-length sentences need at least one non-empty sentence');
  return Array.from({ length: count }, (_, i) => {
    const s = source[i % source.length]!;
    return { words: tile(s.words, length), tags: s.tags.map((t) => (t ? tile(t, length) : null)) };
  });
}
