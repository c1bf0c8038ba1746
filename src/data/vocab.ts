/**
 * Vocabularies: word and character tables (with `<pad>` = 0 and `<unk>` = 1) and one tag set per
 * task. They are saved inside model checkpoints, so each has a plain-JSON form that round-trips
 * exactly and is validated on the way back in.
 *
 * Tag sets have NO padding or unknown entry: ids 0..size-1 are real tags, so a CRF's tag dimension
 * is exactly `size`. Padded positions in a batch carry tag id 0 and must be masked by length.
 */
import { DataError } from './dataError.ts';
import type { Sentence } from './types.ts';

export const PAD = '<pad>';
export const UNK = '<unk>';
export const PAD_ID = 0;
export const UNK_ID = 1;

/** How a word is normalised before lookup (both when building and when looking up). */
export interface Normalization {
  /** Look words up lowercased (fewer unknowns, loses the capitalisation cue: the char CNN keeps it). */
  lowercase: boolean;
  /** Map every digit 0-9 to 0 (dates and numbers share entries). */
  digitsToZero: boolean;
}

const NO_NORMALIZATION: Normalization = { lowercase: false, digitsToZero: false };

export type VocabKind = 'word' | 'char';

export interface VocabJSON {
  kind: VocabKind;
  /** All entries by id, `<pad>` and `<unk>` first. */
  tokens: string[];
  lowercase: boolean;
  digitsToZero: boolean;
}

/** A word or character table with `<pad>` = 0 and `<unk>` = 1. */
export class Vocab {
  readonly kind: VocabKind;
  readonly tokens: readonly string[];
  readonly normalization: Normalization;
  private readonly ids: Map<string, number>;

  /** `entries` excludes `<pad>`/`<unk>`, which are always put first. */
  constructor(kind: VocabKind, entries: readonly string[], normalization: Normalization = NO_NORMALIZATION) {
    this.kind = kind;
    this.normalization = { ...normalization };
    this.tokens = [PAD, UNK, ...entries];
    this.ids = new Map(this.tokens.map((token, id) => [token, id]));
  }

  get size(): number {
    return this.tokens.length;
  }

  normalize(token: string): string {
    let t = this.normalization.lowercase ? token.toLowerCase() : token;
    if (this.normalization.digitsToZero) t = t.replace(/[0-9]/g, '0');
    return t;
  }

  /** Id of `token` after normalisation; `<unk>` when absent. */
  id(token: string): number {
    return this.ids.get(this.normalize(token)) ?? UNK_ID;
  }

  has(token: string): boolean {
    return this.ids.has(this.normalize(token));
  }

  token(id: number): string {
    return this.tokens[id] ?? UNK;
  }

  toJSON(): VocabJSON {
    return {
      kind: this.kind,
      tokens: [...this.tokens],
      lowercase: this.normalization.lowercase,
      digitsToZero: this.normalization.digitsToZero,
    };
  }

  /** Rebuilds a vocabulary from `toJSON` output; throws DataError ('bad-vocab') if malformed. */
  static fromJSON(json: unknown, source = 'vocabulary'): Vocab {
    const bad = (reason: string): never => {
      throw new DataError({ kind: 'bad-vocab', file: source, reason });
    };
    if (!isRecord(json)) return bad('expected a vocabulary object');
    const { kind, tokens, lowercase, digitsToZero } = json;
    if (kind !== 'word' && kind !== 'char') return bad(`unknown vocabulary kind ${JSON.stringify(kind)}`);
    if (!isStringArray(tokens)) return bad('tokens must be an array of strings');
    if (tokens[PAD_ID] !== PAD || tokens[UNK_ID] !== UNK) return bad(`tokens must start with ${PAD} and ${UNK}`);
    if (new Set(tokens).size !== tokens.length) return bad('tokens must be distinct');
    if (typeof lowercase !== 'boolean' || typeof digitsToZero !== 'boolean') return bad('lowercase and digitsToZero must be booleans');
    return new Vocab(kind, tokens.slice(2), { lowercase, digitsToZero });
  }
}

export interface TagSetJSON {
  kind: 'tags';
  tags: string[];
}

/** One task's tags, ids 0..size-1, no padding or unknown entry (see the module comment). */
export class TagSet {
  readonly tags: readonly string[];
  private readonly ids: Map<string, number>;

  constructor(tags: readonly string[]) {
    this.tags = [...tags];
    this.ids = new Map(this.tags.map((tag, id) => [tag, id]));
  }

  get size(): number {
    return this.tags.length;
  }

  /** Id of `tag`, or -1 for a tag never seen when the set was built. */
  id(tag: string): number {
    return this.ids.get(tag) ?? -1;
  }

  tag(id: number): string {
    const tag = this.tags[id];
    if (tag === undefined) throw new RangeError(`tag id ${id} is outside 0..${this.tags.length - 1}`);
    return tag;
  }

  toJSON(): TagSetJSON {
    return { kind: 'tags', tags: [...this.tags] };
  }

  static fromJSON(json: unknown, source = 'tag set'): TagSet {
    const bad = (reason: string): never => {
      throw new DataError({ kind: 'bad-vocab', file: source, reason });
    };
    if (!isRecord(json) || json.kind !== 'tags') return bad('expected a tag set object');
    if (!isStringArray(json.tags)) return bad('tags must be an array of strings');
    if (new Set(json.tags).size !== json.tags.length) return bad('tags must be distinct');
    return new TagSet(json.tags);
  }
}

export interface WordVocabOptions {
  /** Keep words seen at least this often (after normalisation); default 2, so `<unk>` gets trained on rare words. */
  minCount?: number;
  /** Keep at most this many entries (most frequent first); default unlimited. */
  maxSize?: number;
  lowercase?: boolean;
  digitsToZero?: boolean;
}

/** Word table from the word sequences, most frequent first (ties in code-unit order, deterministic). */
export function buildWordVocab(sentences: Iterable<readonly string[]>, options: WordVocabOptions = {}): Vocab {
  const normalization = { lowercase: options.lowercase ?? false, digitsToZero: options.digitsToZero ?? false };
  const probe = new Vocab('word', [], normalization);
  const counts = new Map<string, number>();
  for (const words of sentences) {
    for (const word of words) {
      const key = probe.normalize(word);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  counts.delete(PAD);
  counts.delete(UNK);
  const entries = frequent(counts, options.minCount ?? 2, options.maxSize);
  return new Vocab('word', entries, normalization);
}

export interface CharVocabOptions {
  /** Keep characters seen at least this often; default 1. */
  minCount?: number;
}

/** Character table over Unicode code points (not UTF-16 units), most frequent first. */
export function buildCharVocab(sentences: Iterable<readonly string[]>, options: CharVocabOptions = {}): Vocab {
  const counts = new Map<string, number>();
  for (const words of sentences) {
    for (const word of words) {
      for (const ch of word) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
  }
  return new Vocab('char', frequent(counts, options.minCount ?? 1, undefined));
}

/** Tag set from one task's sequences (null: sentences without labels), most frequent first. */
export function buildTagSet(sequences: Iterable<readonly string[] | null>): TagSet {
  const counts = new Map<string, number>();
  for (const tags of sequences) {
    if (!tags) continue;
    for (const tag of tags) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  }
  return new TagSet(frequent(counts, 1, undefined));
}

/** Everything a model needs to turn sentences into ids. */
export interface Vocabularies {
  words: Vocab;
  chars: Vocab;
  /** One per task, in task order. */
  tags: TagSet[];
}

export interface VocabulariesJSON {
  words: VocabJSON;
  chars: VocabJSON;
  tags: TagSetJSON[];
}

export interface VocabularyOptions {
  words?: WordVocabOptions;
  chars?: CharVocabOptions;
}

/** Builds all vocabularies from training sentences with `taskCount` tasks. */
export function buildVocabularies(sentences: readonly Sentence[], taskCount: number, options: VocabularyOptions = {}): Vocabularies {
  const words = sentences.map((s) => s.words);
  return {
    words: buildWordVocab(words, options.words),
    chars: buildCharVocab(words, options.chars),
    tags: Array.from({ length: taskCount }, (_, t) => buildTagSet(sentences.map((s) => s.tags[t] ?? null))),
  };
}

export function vocabulariesToJSON(v: Vocabularies): VocabulariesJSON {
  return { words: v.words.toJSON(), chars: v.chars.toJSON(), tags: v.tags.map((t) => t.toJSON()) };
}

export function vocabulariesFromJSON(json: unknown, source = 'vocabularies'): Vocabularies {
  if (!isRecord(json) || !Array.isArray(json.tags)) {
    throw new DataError({ kind: 'bad-vocab', file: source, reason: 'expected { words, chars, tags }' });
  }
  const words = Vocab.fromJSON(json.words, source);
  const chars = Vocab.fromJSON(json.chars, source);
  if (words.kind !== 'word' || chars.kind !== 'char') {
    throw new DataError({ kind: 'bad-vocab', file: source, reason: 'words and chars vocabularies are swapped or mislabelled' });
  }
  return { words, chars, tags: json.tags.map((t: unknown) => TagSet.fromJSON(t, source)) };
}

function frequent(counts: Map<string, number>, minCount: number, maxSize: number | undefined): string[] {
  const kept = [...counts].filter(([, n]) => n >= minCount);
  kept.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const limited = maxSize === undefined ? kept : kept.slice(0, maxSize);
  return limited.map(([token]) => token);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}
