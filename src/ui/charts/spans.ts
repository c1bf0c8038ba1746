/**
 * Span grouping for the inspector: a sentence's tags as displaCy-like segments (a chunk's tokens
 * grouped with its type; every other token on its own), with errors against the gold tags.
 * Chunks are read by the data layer's `extractChunks`, i.e. exactly as conlleval reads them.
 */
import { detectScheme, extractChunks, type Chunk } from '../../data/tagSchemes.ts';
import type { TagScheme } from '../../protocol.ts';

export interface Segment {
  /** Tokens [start, end). */
  start: number;
  end: number;
  /** The chunk type, or null for a token outside any chunk (plain tasks: every token). */
  type: string | null;
  /** The tags of the segment's tokens (shown on hover). */
  tags: string[];
  /**
   * Chunk: no chunk with the same boundaries and type on the other side (a wrong prediction, or a
   * gold chunk that was missed). Token: its predicted and gold tags differ.
   */
  error: boolean;
}

/**
 * The scheme of one task's tags in one sentence: the dataset's scheme when known, else detected
 * from the predicted and gold tags (`plain` unless they look like chunk tags).
 */
export function sentenceScheme(predicted: readonly string[], gold: readonly string[] | null, known?: TagScheme): TagScheme {
  if (known) return known;
  return detectScheme([predicted, gold]);
}

/** Per token: does the prediction differ from gold (all false without gold). */
export function tokenErrors(predicted: readonly string[], gold: readonly string[] | null): boolean[] {
  return predicted.map((tag, i) => gold !== null && gold[i] !== undefined && gold[i] !== tag);
}

const chunkKey = (c: Chunk) => `${c.start}:${c.end}:${c.type}`;

/**
 * Segments covering every token of `tags` in order. For a chunk scheme, each chunk is one segment
 * (its error: no identical chunk in `other`) and each token outside a chunk one segment (its error,
 * when `markOutside`: `other` has a chunk over it, i.e. the prediction missed it; leave it off for
 * the gold line, where only missed chunks are marked). For `plain`, one segment per token (its
 * error: the tags differ). Without `other`, nothing is an error.
 */
export function segments(tags: readonly string[], other: readonly string[] | null, scheme: TagScheme, markOutside = true): Segment[] {
  if (scheme === 'plain') {
    return tags.map((tag, i) => ({ start: i, end: i + 1, type: null, tags: [tag], error: other !== null && other[i] !== undefined && other[i] !== tag }));
  }
  const chunks = extractChunks(tags, scheme);
  const otherChunks = other ? extractChunks(other, scheme) : [];
  const otherKeys = new Set(otherChunks.map(chunkKey));
  const otherCovered = new Array<boolean>(tags.length).fill(false);
  for (const c of otherChunks) for (let i = c.start; i < c.end && i < tags.length; i++) otherCovered[i] = true;

  const out: Segment[] = [];
  let i = 0;
  for (const chunk of chunks) {
    for (; i < chunk.start; i++) out.push({ start: i, end: i + 1, type: null, tags: [tags[i]!], error: markOutside && other !== null && otherCovered[i]! });
    out.push({ start: chunk.start, end: chunk.end, type: chunk.type, tags: tags.slice(chunk.start, chunk.end), error: other !== null && !otherKeys.has(chunkKey(chunk)) });
    i = chunk.end;
  }
  for (; i < tags.length; i++) out.push({ start: i, end: i + 1, type: null, tags: [tags[i]!], error: markOutside && other !== null && otherCovered[i]! });
  return out;
}

/** Chunk-level counts for the task header: predicted, gold and exactly matching chunks. */
export function chunkCounts(predicted: readonly string[], gold: readonly string[] | null, scheme: TagScheme): { predicted: number; gold: number; correct: number } | null {
  if (scheme === 'plain' || gold === null) return null;
  const p = extractChunks(predicted, scheme);
  const g = new Set(extractChunks(gold, scheme).map(chunkKey));
  return { predicted: p.length, gold: g.size, correct: p.filter((c) => g.has(chunkKey(c))).length };
}
