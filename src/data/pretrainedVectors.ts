/**
 * Pre-trained word vectors in TEXT form (GloVe; word2vec/fastText `.txt`/`.vec`), for initialising the
 * shared word table (DESIGN.md §2, "embedding"). Pure TypeScript — no tfjs — so it can move to src/data.
 *
 * Format: one vector per line, `word v_1 … v_d`, fields separated by spaces or tabs; CRLF line ends, a
 * UTF-8 BOM and blank lines are accepted. An optional word2vec header `count dim` may be the first line
 * (recognised when it has exactly two fields, both non-negative integers). The dimension comes from the
 * header, else from the first vector line; every later line must match it.
 *
 * Words containing spaces (GloVe 840B has a few, e.g. ". . ."): a line with more than d+1 fields is read
 * as a multi-field word followed by d numbers when the field just before the last d is not a number;
 * otherwise the line is ragged and is rejected with its line number.
 *
 * Binary word2vec (`.bin`) is not supported: convert it to text first.
 */

import { createRng } from './prng.ts';

export class WordVectorsError extends Error {
  readonly line: number;
  constructor(source: string, line: number, message: string) {
    super(`${source}:${line}: ${message}`);
    this.name = 'WordVectorsError';
    this.line = line;
  }
}

export interface WordVectors {
  dim: number;
  /** Vectors kept (first occurrence of each word). */
  count: number;
  /** words[i] is the word of row i. */
  words: string[];
  /** Row-major [count, dim]. */
  data: Float32Array;
  /** word → row. */
  index: Map<string, number>;
  /** The word2vec header, when the file had one. */
  header: { count: number; dim: number } | null;
  /** Lines whose word was already seen (ignored: the first occurrence wins). */
  duplicates: number;
  /** Non-fatal remarks (e.g. the header's count differs from the vectors found). */
  warnings: string[];
}

export interface ParseOptions {
  /** Name used in error messages (default "vectors"). */
  sourceName?: string;
  /** Stop after this many vectors (e.g. the most frequent 100k of a large file). */
  maxWords?: number;
  /** Bytes decoded at a time (default 16 MiB); tests make it tiny to cut lines and characters. */
  sliceBytes?: number;
}

const isInteger = (s: string): boolean => /^\d+$/.test(s);

function toNumber(s: string): number {
  const v = Number(s);
  return Number.isFinite(v) && s.trim() !== '' ? v : NaN;
}

/** Bytes decoded per slice: a 1 GB file is never one string (V8 caps strings near 512M characters). */
const DECODE_BYTES = 16 * 1024 * 1024;

/**
 * The lines of the input (a BOM stripped), each with the share of the input read once it is
 * consumed. Bytes are decoded slice by slice, so the file's size is bounded by memory, not by the
 * longest string the engine can hold.
 */
function* textLines(input: string | Uint8Array | ArrayBuffer, sliceBytes = DECODE_BYTES): Generator<[line: string, fraction: number], void, void> {
  if (typeof input === 'string') {
    const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
    yield* linesOf(text, true, (pos) => pos / Math.max(text.length, 1));
    return;
  }
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  const decoder = new TextDecoder('utf-8'); // strips a BOM
  let leftover = '';
  for (let offset = 0; offset < bytes.length || offset === 0; offset += sliceBytes) {
    const end = Math.min(offset + sliceBytes, bytes.length);
    const last = end >= bytes.length;
    const text = leftover + decoder.decode(bytes.subarray(offset, end), { stream: !last });
    const sliceStart = offset - leftover.length; // approximate: leftover is (mostly ASCII) bytes of the previous slice
    const cut = last ? text.length : text.lastIndexOf('\n') + 1;
    leftover = text.slice(cut);
    yield* linesOf(text.slice(0, cut), last, (pos) => Math.min((sliceStart + pos) / Math.max(bytes.length, 1), 1));
    if (last) return;
  }
}

/** Lines of `text`; `final`: the text ends the input, so its last line counts even without a newline. */
function* linesOf(text: string, final: boolean, fraction: (pos: number) => number): Generator<[string, number], void, void> {
  let pos = 0;
  while (final ? pos <= text.length : pos < text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    const line = text.slice(pos, nl);
    pos = nl + 1;
    yield [line, Math.min(fraction(pos), 1)];
  }
}

/** Parses a GloVe / word2vec text file (string or UTF-8 bytes). */
export function parseWordVectors(input: string | Uint8Array | ArrayBuffer, opts: ParseOptions = {}): WordVectors {
  const steps = readVectors(input, opts, Infinity);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

export interface AsyncParseOptions extends ParseOptions {
  /** Told the share of the text read so far, in [0, 1], every `progressLines` lines and at the end. */
  onProgress?: (fraction: number) => void;
  /** Awaited after each progress report: a worker yields here so it can answer messages meanwhile. */
  pause?: () => Promise<void>;
  /** Lines between two reports (default 20,000: about 20 reports for the 400k-word GloVe 6B). */
  progressLines?: number;
}

/**
 * The same parse as `parseWordVectors`, in slices: a large file (hundreds of MB) reports its
 * progress and lets the thread breathe between slices instead of going silent for seconds.
 */
export async function parseWordVectorsAsync(input: string | Uint8Array | ArrayBuffer, opts: AsyncParseOptions = {}): Promise<WordVectors> {
  const steps = readVectors(input, opts, opts.progressLines ?? 20_000);
  for (;;) {
    const step = steps.next();
    if (step.done) {
      opts.onProgress?.(1);
      return step.value;
    }
    opts.onProgress?.(step.value);
    await opts.pause?.();
  }
}

/** The parser, yielding the share of the text consumed every `every` lines. */
function* readVectors(input: string | Uint8Array | ArrayBuffer, opts: ParseOptions, every: number): Generator<number, WordVectors, void> {
  const source = opts.sourceName ?? 'vectors';
  const maxWords = opts.maxWords ?? Infinity;
  const words: string[] = [];
  const index = new Map<string, number>();
  let dim = -1;
  let dimFrom = '';
  let header: { count: number; dim: number } | null = null;
  let duplicates = 0;
  let capacity = 0;
  let data = new Float32Array(0);
  let lineNo = 0;
  let firstContent = true;
  for (const [raw, fraction] of textLines(input, opts.sliceBytes)) {
    if (words.length >= maxWords) break;
    const line = raw.replace(/[ \t\r]+$/, '').replace(/^[ \t]+/, '');
    lineNo++;
    if (lineNo % every === 0) yield fraction;
    if (line === '') continue;
    const fields = line.split(/[ \t]+/);
    if (firstContent) {
      firstContent = false;
      if (fields.length === 2 && isInteger(fields[0]) && isInteger(fields[1])) {
        header = { count: Number(fields[0]), dim: Number(fields[1]) };
        if (header.dim < 1) throw new WordVectorsError(source, lineNo, `header declares dimension ${header.dim}`);
        dim = header.dim;
        dimFrom = `the header on line ${lineNo}`;
        continue;
      }
    }
    if (dim < 0) {
      if (fields.length < 2) throw new WordVectorsError(source, lineNo, 'expected a word followed by its vector values');
      dim = fields.length - 1;
      dimFrom = `line ${lineNo}`;
    }
    let word: string;
    if (fields.length === dim + 1) {
      word = fields[0];
    } else if (fields.length > dim + 1 && Number.isNaN(toNumber(fields[fields.length - dim - 1]))) {
      word = fields.slice(0, fields.length - dim).join(' ');
    } else {
      throw new WordVectorsError(
        source,
        lineNo,
        `expected a word and ${dim} values (dimension set by ${dimFrom}), found ${fields.length - 1} values`,
      );
    }
    if (index.has(word)) {
      duplicates++;
      continue;
    }
    const row = words.length;
    if ((row + 1) * dim > capacity) {
      capacity = Math.max(1024 * dim, capacity * 2);
      const grown = new Float32Array(capacity);
      grown.set(data);
      data = grown;
    }
    const off = row * dim;
    const first = fields.length - dim;
    for (let k = 0; k < dim; k++) {
      const v = toNumber(fields[first + k]);
      if (Number.isNaN(v)) {
        throw new WordVectorsError(source, lineNo, `value ${k + 1} of "${word}" is not a finite number: "${fields[first + k]}"`);
      }
      data[off + k] = v;
    }
    index.set(word, row);
    words.push(word);
  }
  if (dim < 0) throw new WordVectorsError(source, lineNo, 'no vectors found');
  const warnings: string[] = [];
  if (header && header.count !== words.length + duplicates && words.length < maxWords) {
    warnings.push(`header declares ${header.count} vectors, found ${words.length + duplicates}`);
  }
  if (duplicates > 0) warnings.push(`${duplicates} duplicate word(s) ignored (first occurrence kept)`);
  return {
    dim,
    count: words.length,
    words,
    data: data.slice(0, words.length * dim),
    index,
    header,
    duplicates,
    warnings,
  };
}

/** Row of `word`: exact match, else (if allowed) its lowercase form; null when absent. */
export function lookupWord(
  vectors: WordVectors,
  word: string,
  lowercaseFallback = true,
): { row: number; match: 'exact' | 'lowercase' } | null {
  const exact = vectors.index.get(word);
  if (exact !== undefined) return { row: exact, match: 'exact' };
  if (lowercaseFallback) {
    const lower = vectors.index.get(word.toLowerCase());
    if (lower !== undefined) return { row: lower, match: 'lowercase' };
  }
  return null;
}

/** The vector of `word` (a view into `vectors.data`), or undefined. */
export function vectorOf(vectors: WordVectors, word: string, lowercaseFallback = true): Float32Array | undefined {
  const hit = lookupWord(vectors, word, lowercaseFallback);
  return hit ? vectors.data.subarray(hit.row * vectors.dim, (hit.row + 1) * vectors.dim) : undefined;
}

export interface Coverage {
  /** Vocabulary entries considered (after `skip`). */
  total: number;
  exact: number;
  lowercase: number;
  missing: number;
  /** (exact + lowercase) / total; 0 for an empty vocabulary. */
  coverage: number;
  /** The first `maxMissingListed` uncovered words, in vocabulary order. */
  missingWords: string[];
}

export interface CoverageOptions {
  lowercaseFallback?: boolean;
  /** Vocabulary indices not to count (e.g. the pad and unknown entries). */
  skip?: ReadonlySet<number>;
  /** Default 50. */
  maxMissingListed?: number;
}

/** How much of `vocab` the vectors cover. */
export function vocabularyCoverage(vocab: readonly string[], vectors: WordVectors, opts: CoverageOptions = {}): Coverage {
  const listed = opts.maxMissingListed ?? 50;
  let total = 0;
  let exact = 0;
  let lowercase = 0;
  const missingWords: string[] = [];
  vocab.forEach((word, i) => {
    if (opts.skip?.has(i)) return;
    total++;
    const hit = lookupWord(vectors, word, opts.lowercaseFallback ?? true);
    if (hit?.match === 'exact') exact++;
    else if (hit?.match === 'lowercase') lowercase++;
    else if (missingWords.length < listed) missingWords.push(word);
  });
  const missing = total - exact - lowercase;
  return { total, exact, lowercase, missing, coverage: total === 0 ? 0 : (exact + lowercase) / total, missingWords };
}

export interface WordTableOptions {
  seed: number;
  lowercaseFallback?: boolean;
  /** Vocabulary indices whose rows are zero and excluded from coverage (e.g. [0] for the pad entry). */
  zeroRows?: readonly number[];
  /**
   * Uncovered rows are uniform in [−a, a]. Default: a = √3·σ with σ the standard deviation of all loaded
   * vector values, so random rows have the spread of the pre-trained ones.
   */
  randomRange?: number;
}

/**
 * The initial word table [V, dim] (row-major) for `vocab`: pre-trained rows where covered (exact, then
 * lowercase), seeded random rows elsewhere, zero rows at `zeroRows`. Pass `table` to the embedding's
 * `wordInit`.
 */
export function buildWordTable(
  vocab: readonly string[],
  vectors: WordVectors,
  opts: WordTableOptions,
): { table: Float32Array; dim: number; coverage: Coverage } {
  const dim = vectors.dim;
  const zero = new Set(opts.zeroRows ?? []);
  const lower = opts.lowercaseFallback ?? true;
  let range = opts.randomRange;
  if (range === undefined) {
    let sum = 0;
    let sq = 0;
    for (const v of vectors.data) {
      sum += v;
      sq += v * v;
    }
    const n = Math.max(vectors.data.length, 1);
    const variance = Math.max(sq / n - (sum / n) ** 2, 0);
    range = Math.sqrt(3 * variance) || Math.sqrt(3 / dim);
  }
  const rand = createRng(opts.seed);
  const table = new Float32Array(vocab.length * dim);
  vocab.forEach((word, i) => {
    const off = i * dim;
    if (zero.has(i)) return;
    const hit = lookupWord(vectors, word, lower);
    if (hit) table.set(vectors.data.subarray(hit.row * dim, (hit.row + 1) * dim), off);
    else for (let k = 0; k < dim; k++) table[off + k] = (rand() * 2 - 1) * (range as number);
  });
  const coverage = vocabularyCoverage(vocab, vectors, { lowercaseFallback: lower, skip: zero });
  return { table, dim, coverage };
}
