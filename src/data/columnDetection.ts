/**
 * Which column is the word and which are tag columns, with a guessed task name for each, from the
 * values alone: researchers drop files without headers, and CoNLL-2000 and CoNLL-2003 put their
 * tags in different columns. The guess is only a default; `columnPlan.ts` applies the user's choices.
 */
import { CONLLU_COLUMN, CONLLU_COLUMNS } from './conlluReader.ts';
import { detectScheme, splitTag } from './tagSchemes.ts';
import type { ColumnGuess, ParsedFile, TagScheme } from './types.ts';

/**
 * A column "looks like words" when it has more distinct values than any tag set we know of
 * (the largest common ones, CCG supertags, have ~1,300 over a million tokens) relative to its size:
 * more than WORDLIKE_MIN_DISTINCT values and more than WORDLIKE_MIN_RATIO distinct per token.
 */
export const WORDLIKE_MIN_DISTINCT = 1000;
export const WORDLIKE_MIN_RATIO = 0.01;
/** Small files: a few hundred tokens can hold at most a few hundred distinct words. */
const SMALL_WORDLIKE_MIN_DISTINCT = 200;
const SMALL_WORDLIKE_MIN_RATIO = 0.3;

/** Value statistics of one column, the input to every guess below. */
export interface ColumnStats {
  index: number;
  tokens: number;
  /** Values sorted by descending count, ties by code-unit order (deterministic). */
  values: string[];
  counts: number[];
  /** Share of tokens containing a lowercase letter (words have many, tags almost none). */
  lowercaseShare: number;
}

export function columnStats(file: ParsedFile, index: number): ColumnStats {
  const counts = new Map<string, number>();
  let tokens = 0;
  let withLowercase = 0;
  for (const sentence of file.sentences) {
    const column = sentence.cells[index];
    if (!column) continue;
    for (const value of column) {
      counts.set(value, (counts.get(value) ?? 0) + 1);
      tokens++;
    }
  }
  for (const [value, count] of counts) if (/\p{Ll}/u.test(value)) withLowercase += count;
  const entries = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return {
    index,
    tokens,
    values: entries.map((e) => e[0]),
    counts: entries.map((e) => e[1]),
    lowercaseShare: tokens === 0 ? 0 : withLowercase / tokens,
  };
}

export function looksLikeWords(stats: ColumnStats): boolean {
  const distinct = stats.values.length;
  const ratio = stats.tokens === 0 ? 0 : distinct / stats.tokens;
  return (
    (distinct > WORDLIKE_MIN_DISTINCT && ratio > WORDLIKE_MIN_RATIO) ||
    (distinct > SMALL_WORDLIKE_MIN_DISTINCT && ratio > SMALL_WORDLIKE_MIN_RATIO)
  );
}

const PHRASE_TYPES = new Set(['NP', 'VP', 'PP', 'ADJP', 'ADVP', 'SBAR', 'PRT', 'CONJP', 'INTJ', 'LST', 'UCP']);
const PTB_TAGS = new Set(
  'CC CD DT EX FW IN JJ JJR JJS LS MD NN NNS NNP NNPS PDT POS PRP PRP$ RB RBR RBS RP SYM TO UH VB VBD VBG VBN VBP VBZ WDT WP WP$ WRB'.split(' '),
);
const UPOS_TAGS = new Set('ADJ ADP ADV AUX CCONJ DET INTJ NOUN NUM PART PRON PROPN PUNCT SCONJ SYM VERB X'.split(' '));
const UD_DEPRELS = new Set(
  'nsubj obj iobj csubj ccomp xcomp obl vocative expl dislocated advcl advmod discourse aux cop mark nmod appos nummod acl amod det clf case conj cc fixed flat compound list parataxis orphan goeswith reparandum punct root dep'.split(' '),
);
/** How many members of a known inventory a column needs before we name it after that inventory. */
const INVENTORY_MATCH = 5;

/** Guessed task name from a tag column's inventory: POS, chunk, NER, DEPREL or `col<N>`. */
export function guessTagName(stats: ColumnStats, scheme: TagScheme): string {
  if (scheme !== 'plain') {
    // Token-weighted share of chunk tokens whose type is a syntactic phrase label.
    let phrase = 0;
    let typed = 0;
    stats.values.forEach((value, k) => {
      const [, type] = splitTag(value);
      if (value === 'O' || type === '') return;
      typed += stats.counts[k];
      if (PHRASE_TYPES.has(type)) phrase += stats.counts[k];
    });
    return typed > 0 && phrase * 2 >= typed ? 'chunk' : 'NER';
  }
  const matches = (inventory: Set<string>) => stats.values.filter((v) => inventory.has(v)).length;
  const enough = (n: number) => n >= Math.min(INVENTORY_MATCH, Math.ceil(stats.values.length / 2));
  const ptb = matches(PTB_TAGS);
  const upos = matches(UPOS_TAGS);
  if (enough(Math.max(ptb, upos)) && Math.max(ptb, upos) > 0) return 'POS';
  const deprels = stats.values.filter((v) => UD_DEPRELS.has(v.split(':')[0])).length;
  if (deprels > 0 && enough(deprels)) return 'DEPREL';
  return `col${stats.index}`;
}

/** Detects every column of a parsed file; never throws. */
export function detectColumns(file: ParsedFile): ColumnGuess[] {
  const stats = Array.from({ length: file.columnCount }, (_, c) => columnStats(file, c));
  return file.format === 'conllu' ? detectConlluColumns(file, stats) : detectConllColumns(file, stats);
}

function detectConlluColumns(file: ParsedFile, stats: ColumnStats[]): ColumnGuess[] {
  const names = file.columnNames ?? [...CONLLU_COLUMNS];
  const tagColumns = new Set([CONLLU_COLUMN.UPOS, CONLLU_COLUMN.XPOS, CONLLU_COLUMN.DEPREL]);
  return stats.map((s) => {
    const name = names[s.index] ?? `col${s.index}`;
    if (s.index === CONLLU_COLUMN.FORM) return guess(s, 'word', name, 'plain', false);
    // A treebank without XPOS writes `_` everywhere: nothing to learn there.
    const usable = tagColumns.has(s.index) && !(s.values.length === 1 && s.values[0] === '_');
    return usable ? guess(s, 'tag', name, 'plain', true) : guess(s, 'other', name, 'plain', false);
  });
}

function detectConllColumns(file: ParsedFile, stats: ColumnStats[]): ColumnGuess[] {
  // The word column: the most distinct values, favouring lowercase-bearing text; ties go left.
  const score = (s: ColumnStats) => s.values.length * (1 + s.lowercaseShare);
  let word = 0;
  for (const s of stats) if (score(s) > score(stats[word])) word = s.index;

  const used = new Set<string>(['word']);
  return stats.map((s) => {
    if (s.index === word) return guess(s, 'word', 'word', 'plain', false);
    const constantPlaceholder = s.values.length === 1 && (s.values[0] === '_' || s.values[0] === '-');
    if (looksLikeWords(s) || constantPlaceholder) return guess(s, 'other', `col${s.index}`, 'plain', false);
    const scheme = detectScheme(columnValues(file, s.index));
    let name = guessTagName(s, scheme);
    if (used.has(name)) name = `${name}${s.index}`;
    used.add(name);
    return guess(s, 'tag', name, scheme, true);
  });
}

/** One column of every sentence, as tag sequences. */
export function columnValues(file: ParsedFile, index: number): (readonly string[])[] {
  return file.sentences.map((sentence) => sentence.cells[index] ?? []);
}

function guess(s: ColumnStats, role: ColumnGuess['role'], name: string, scheme: TagScheme, withTags: boolean): ColumnGuess {
  return {
    index: s.index,
    role,
    name,
    scheme,
    tags: withTags ? s.values : [],
    counts: withTags ? s.counts : [],
    distinct: s.values.length,
  };
}
