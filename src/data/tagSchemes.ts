/**
 * Chunk tag schemes: reading chunks out of tag sequences, detecting which scheme a column uses,
 * and converting between IOB1, IOB2 and IOBES without changing a single chunk.
 *
 * IOB1 and IOB2 are read exactly as conlleval reads them (its startOfChunk/endOfChunk rules, tag
 * split at the first hyphen into prefix and type), so a conversion never changes a score. conlleval
 * has no notion of `S-` and merges `S-X S-X` into one chunk, so IOBES is read with its own meaning
 * instead (B begin, I inside, E end, S single); convert IOBES to IOB2 before scoring with conlleval.
 */
import type { TagScheme } from './types.ts';

/** A chunk: tokens [start, end) of one sentence, with its type (`PER`, `NP`, ...). */
export interface Chunk {
  type: string;
  start: number;
  end: number;
}

export type ChunkScheme = Exclude<TagScheme, 'plain'>;

/** conlleval's split: `B-NP` → ['B', 'NP'], `I-` → ['I', ''], `O` → ['O', ''], `B-X-Y` → ['B', 'X-Y']. */
export function splitTag(tag: string): [prefix: string, type: string] {
  const dash = tag.indexOf('-');
  return dash < 0 ? [tag, ''] : [tag.slice(0, dash), tag.slice(dash + 1)];
}

/** conlleval `endOfChunk`: does a chunk end between the previous and the current token? */
export function conllevalEndOfChunk(prevTag: string, tag: string, prevType: string, type: string): boolean {
  if (prevTag === 'B' && (tag === 'B' || tag === 'O')) return true;
  if (prevTag === 'I' && (tag === 'B' || tag === 'O')) return true;
  if (prevTag === 'E' && (tag === 'E' || tag === 'I' || tag === 'O')) return true;
  if (prevTag !== 'O' && prevTag !== '.' && prevType !== type) return true;
  return prevTag === ']' || prevTag === '[';
}

/** conlleval `startOfChunk`: does a chunk start at the current token? */
export function conllevalStartOfChunk(prevTag: string, tag: string, prevType: string, type: string): boolean {
  if (tag === 'B' && (prevTag === 'B' || prevTag === 'I' || prevTag === 'O')) return true;
  if (prevTag === 'O' && (tag === 'I' || tag === 'E')) return true;
  if (prevTag === 'E' && (tag === 'E' || tag === 'I')) return true;
  if (tag !== 'O' && tag !== '.' && prevType !== type) return true;
  return tag === '[' || tag === ']';
}

/**
 * Chunks of one sentence as conlleval reads them (sentence boundaries act as `O`). For the
 * malformed case conlleval leaves open (a start with no end of the previous chunk), the open chunk
 * is closed where the new one starts, and any chunk still open closes at the sentence end.
 */
export function conllevalChunks(tags: readonly string[]): Chunk[] {
  const chunks: Chunk[] = [];
  let prevTag = 'O';
  let prevType = '';
  let open: Chunk | null = null;
  for (let i = 0; i <= tags.length; i++) {
    const [tag, type] = i < tags.length ? splitTag(tags[i]) : ['O', ''];
    if (open && (conllevalEndOfChunk(prevTag, tag, prevType, type) || i === tags.length)) {
      open.end = i;
      chunks.push(open);
      open = null;
    }
    if (i < tags.length && conllevalStartOfChunk(prevTag, tag, prevType, type)) {
      if (open) {
        open.end = i;
        chunks.push(open);
      }
      open = { type, start: i, end: i + 1 };
    }
    prevTag = tag;
    prevType = type;
  }
  return chunks;
}

/**
 * Chunks of one IOBES sentence: B- and S- always start a chunk; I- and E- continue an open chunk
 * of their type or else start one; E- and S- close it. Invalid sequences are read leniently,
 * every non-O token ending up in exactly one chunk.
 */
export function iobesChunks(tags: readonly string[]): Chunk[] {
  const chunks: Chunk[] = [];
  let open: Chunk | null = null;
  const close = (end: number) => {
    if (open) {
      open.end = end;
      chunks.push(open);
      open = null;
    }
  };
  for (let i = 0; i < tags.length; i++) {
    const [prefix, type] = splitTag(tags[i]);
    if (prefix === 'O' && type === '') {
      close(i);
      continue;
    }
    const continues = (prefix === 'I' || prefix === 'E') && open !== null && (open as Chunk).type === type;
    if (!continues) {
      close(i);
      open = { type, start: i, end: i + 1 };
    }
    if (prefix === 'E' || prefix === 'S') close(i + 1);
  }
  close(tags.length);
  return chunks;
}

/** Chunks of a sentence in the given scheme; `plain` tags have no chunks. */
export function extractChunks(tags: readonly string[], scheme: TagScheme): Chunk[] {
  if (scheme === 'plain') return [];
  return scheme === 'IOBES' ? iobesChunks(tags) : conllevalChunks(tags);
}

/** Writes chunks of a sentence of `length` tokens as tags in `scheme` (other tokens `O`). */
export function chunksToTags(chunks: readonly Chunk[], length: number, scheme: ChunkScheme): string[] {
  const tags: string[] = new Array<string>(length).fill('O');
  let previous: Chunk | null = null;
  for (const chunk of chunks) {
    const size = chunk.end - chunk.start;
    for (let i = chunk.start; i < chunk.end; i++) {
      const first = i === chunk.start;
      const last = i === chunk.end - 1;
      let prefix: string;
      if (scheme === 'IOB2') prefix = first ? 'B' : 'I';
      else if (scheme === 'IOBES') prefix = size === 1 ? 'S' : first ? 'B' : last ? 'E' : 'I';
      else {
        // IOB1: B- only where a chunk directly follows a chunk of the same type.
        const touchesSameType = previous !== null && previous.end === chunk.start && previous.type === chunk.type;
        prefix = first && touchesSameType ? 'B' : 'I';
      }
      tags[i] = `${prefix}-${chunk.type}`;
    }
    previous = chunk;
  }
  return tags;
}

/** Converts one sentence's tags between chunk schemes, keeping every chunk as it was read. */
export function convertTags(tags: readonly string[], from: ChunkScheme, to: ChunkScheme): string[] {
  if (from === to) return [...tags];
  return chunksToTags(extractChunks(tags, from), tags.length, to);
}

/** Whether a tag looks like a chunk tag: `O` or a B/I/E/S prefix with a type. */
function isChunkTag(tag: string): boolean {
  if (tag === 'O') return true;
  const [prefix, type] = splitTag(tag);
  return type !== '' && (prefix === 'B' || prefix === 'I' || prefix === 'E' || prefix === 'S');
}

/**
 * Which scheme a column of tag sequences uses.
 * - `plain` unless most distinct non-O tags look like `B-X`/`I-X`/`E-X`/`S-X` (so POS tags like
 *   `-LRB-` or a stray odd tag do not flip it);
 * - `IOBES` if any `E-`/`S-` tag occurs;
 * - `IOB1` if some chunk starts with `I-` (at sentence start, after `O` or after another type);
 * - `IOB2` otherwise (every chunk starts with `B-`; also for a column of only `O`).
 */
export function detectScheme(sequences: Iterable<readonly string[] | null>): TagScheme {
  // Columns have few distinct tags and many tokens: split each distinct tag once.
  const parts = new Map<string, [prefix: string, type: string]>();
  let sawEndOrSingle = false;
  let sawChunkStartingWithI = false;
  for (const tags of sequences) {
    if (!tags) continue;
    let prevTag = 'O';
    let prevType = '';
    for (const tagText of tags) {
      let split = parts.get(tagText);
      if (!split) parts.set(tagText, (split = splitTag(tagText)));
      const [tag, type] = split;
      if (tag === 'E' || tag === 'S') sawEndOrSingle = true;
      if (tag === 'I' && !sawChunkStartingWithI && conllevalStartOfChunk(prevTag, tag, prevType, type)) sawChunkStartingWithI = true;
      prevTag = tag;
      prevType = type;
    }
  }
  let nonO = 0;
  let chunkLike = 0;
  for (const tag of parts.keys()) {
    if (tag === 'O') continue;
    nonO++;
    if (isChunkTag(tag)) chunkLike++;
  }
  if (nonO === 0) return parts.size > 0 ? 'IOB2' : 'plain';
  if (chunkLike * 2 <= nonO) return 'plain';
  if (sawEndOrSingle) return 'IOBES';
  return sawChunkStartingWithI ? 'IOB1' : 'IOB2';
}
