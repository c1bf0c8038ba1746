/**
 * Fuzz targets for the CoNLL and CoNLL-U readers, through `loadDataset` (read → detect columns →
 * plan → sentences), the path every dropped file takes. Each case starts from a well-formed file
 * generated from the rng and applies one mutation; the reader must return a usable dataset or throw
 * a DataError that names the file (and the line, where the problem sits on one).
 */
import { DataError } from '../dataError.ts';
import { loadDataset } from '../dataset.ts';
import { randomInt } from '../prng.ts';
import {
  duplicateHeaders,
  flipBytes,
  hugeLine,
  insertInvalidUtf8,
  insertNul,
  lineBreaks,
  longSentence,
  pick,
  randomBytes,
  raggedColumns,
  toBytes,
  truncate,
  type Rng,
} from './mutators.ts';
import type { FuzzCase, FuzzTarget } from './runner.ts';

export interface CorpusFuzzOptions {
  /** Length of the "huge line" cases, in characters (default 1 M). */
  hugeLineChars?: number;
  /** Tokens of the runaway-sentence cases (default 100,000). */
  longSentenceTokens?: number;
  /** Relative weight of those two costly mutations (default 1; the others weigh 1–6). */
  costlyWeight?: number;
}

const WORDS = ['the', 'EU', 'rejects', 'German', 'call', '.', ',', '#', '"', 'Peter', 'Blackburn', 'é', '日本', '-', '1996-08-22', '<b>', '&amp;', '_'];
const POS = ['DT', 'NNP', 'VBZ', 'JJ', 'NN', '.', ',', '#', "''"];
const CHUNK = ['B-NP', 'I-NP', 'B-VP', 'O', 'B-PP'];
const NER = ['O', 'B-ORG', 'I-ORG', 'B-PER', 'I-PER', 'B-MISC', 'S-LOC', 'E-LOC'];
const UPOS = ['DET', 'PROPN', 'VERB', 'ADJ', 'NOUN', 'PUNCT'];
const DEPREL = ['det', 'nsubj', 'root', 'amod', 'obj', 'punct'];

/** A well-formed CoNLL file: 1–8 sentences of 1–12 tokens, 2–4 columns, maybe -DOCSTART- lines. */
export function generateConll(rng: Rng): { text: string; columns: number } {
  const columns = 2 + randomInt(rng, 3);
  const tagSets = [POS, CHUNK, NER].slice(0, columns - 1);
  const out: string[] = [];
  if (rng() < 0.5) out.push(['-DOCSTART-', ...tagSets.map(() => 'O')].join(' '), '');
  const sentences = 1 + randomInt(rng, 8);
  for (let s = 0; s < sentences; s++) {
    const length = 1 + randomInt(rng, 12);
    for (let t = 0; t < length; t++) out.push([pick(rng, WORDS), ...tagSets.map((tags) => pick(rng, tags))].join(rng() < 0.9 ? ' ' : '\t'));
    out.push('');
  }
  return { text: out.join('\n'), columns };
}

function conlluLine(rng: Rng, id: number | string): string {
  return [id, pick(rng, WORDS), 'lemma', pick(rng, UPOS), pick(rng, POS), '_', String(randomInt(rng, 4)), pick(rng, DEPREL), '_', '_'].join('\t');
}

/** A well-formed CoNLL-U file, with comments, a multiword token or an empty node now and then. */
export function generateConllu(rng: Rng): string {
  const out: string[] = [];
  const sentences = 1 + randomInt(rng, 6);
  for (let s = 0; s < sentences; s++) {
    out.push(`# sent_id = s${s + 1}`, '# text = …');
    const length = 1 + randomInt(rng, 10);
    for (let t = 1; t <= length; t++) {
      if (t < length && rng() < 0.05) out.push(conlluLine(rng, `${t}-${t + 1}`).replace(/\t[^\t]+\t[^\t]+\t/, '\tdon\'t\t_\t'));
      out.push(conlluLine(rng, t));
      if (rng() < 0.03) out.push(conlluLine(rng, `${t}.1`));
    }
    out.push('');
  }
  return out.join('\n');
}

type Mutation = (rng: Rng, text: string, format: 'conll' | 'conllu') => Uint8Array | string;

function mutations(options: CorpusFuzzOptions): [string, number, Mutation][] {
  const huge = options.hugeLineChars ?? 1_000_000;
  const long = options.longSentenceTokens ?? 100_000;
  const costly = options.costlyWeight ?? 1;
  const separator = (format: string) => (format === 'conllu' ? '\t' : ' ');
  // [name, weight, mutation]: the costly ones (megabyte lines, 100k tokens) are rarer.
  return [
    ['valid', 3, (_rng, text) => text],
    ['truncate', 6, (rng, text) => truncate(rng, toBytes(text))],
    ['random bytes', 4, (rng) => randomBytes(rng, randomInt(rng, 2048))],
    ['flip bytes', 6, (rng, text) => flipBytes(rng, toBytes(text), 1 + randomInt(rng, 8))],
    ['invalid utf-8', 5, (rng, text) => insertInvalidUtf8(rng, toBytes(text))],
    ['nul bytes', 4, (rng, text) => insertNul(rng, toBytes(text))],
    ['ragged columns', 6, (rng, text, format) => raggedColumns(rng, text, separator(format))],
    ['huge line', costly, (rng, text, format) => hugeLine(rng, text, huge, separator(format))],
    [
      '100k-token sentence',
      costly,
      (rng, text, format) =>
        longSentence(rng, text, long, format === 'conllu' ? (t) => conlluLine(rng, t + 1) : () => `w ${'O '.repeat(text.split('\n')[0]!.split(' ').length - 1)}`.trim()),
    ],
    ['duplicated headers', 4, (rng, text) => duplicateHeaders(rng, text, ['-DOCSTART- O', '# sent_id = s1', '# text = …', '1\tw\tl\tX\tX\t_\t0\troot\t_\t_'])],
    ['line breaks', 3, (rng, text) => lineBreaks(rng, text)],
    ['whitespace only', 1, (rng) => pick(rng, ['', ' ', '\n\n\n', '\r\n \t\n', '\uFEFF', '\uFEFF\n'])],
    ['bom', 1, (_rng, text) => `\uFEFF${text}`],
  ];
}

function chooseMutation(rng: Rng, table: [string, number, Mutation][]): [string, Mutation] {
  const total = table.reduce((n, [, w]) => n + w, 0);
  let r = rng() * total;
  for (const [name, weight, mutation] of table) {
    r -= weight;
    if (r < 0) return [name, mutation];
  }
  const last = table[table.length - 1]!;
  return [last[0], last[2]];
}

/** Line-bound errors must say which line. */
const LINE_KINDS = new Set(['ragged', 'bad-conllu', 'binary', 'sentence-too-long']);

export function classifyDataError(error: unknown, fuzzCase: FuzzCase): string | null {
  if (!(error instanceof DataError)) return null;
  if (error.file !== fuzzCase.file || !error.message.startsWith(`${fuzzCase.file}: `)) return null;
  if (error.line !== undefined && !(Number.isInteger(error.line) && error.line >= 1)) return null;
  if (LINE_KINDS.has(error.kind) && error.line === undefined) return null;
  return `DataError:${error.kind}`;
}

/** Throws a plain Error (an untyped failure) when a dataset that loaded is not usable. */
export function checkDataset(dataset: ReturnType<typeof loadDataset>): void {
  if (dataset.sentences.length === 0) throw new Error('invariant: a dataset with no sentences was accepted');
  for (const sentence of dataset.sentences) {
    if (sentence.words.length === 0) throw new Error('invariant: an empty sentence was accepted');
    for (const tags of sentence.tags) {
      if (tags && tags.length !== sentence.words.length) throw new Error('invariant: tags and words differ in length');
    }
  }
}

function corpusTarget(name: string, format: 'conll' | 'conllu', options: CorpusFuzzOptions): FuzzTarget {
  const table = mutations(options);
  return {
    name,
    generate(rng, index) {
      const text = format === 'conllu' ? generateConllu(rng) : generateConll(rng).text;
      const [strategy, mutate] = chooseMutation(rng, table);
      // Half the CoNLL-U cases are named .conll, so sniffing (not the extension) decides the reader.
      const extension = format === 'conllu' && index % 2 === 0 ? 'conll' : format;
      return { strategy, file: `fuzz-${index}.${extension}`, input: mutate(rng, text, format) };
    },
    run(fuzzCase) {
      checkDataset(loadDataset(fuzzCase.file, fuzzCase.input));
    },
    classify: classifyDataError,
  };
}

/** The two reader targets: CoNLL and CoNLL-U. */
export function corpusTargets(options: CorpusFuzzOptions = {}): FuzzTarget[] {
  return [corpusTarget('conll', 'conll', options), corpusTarget('conllu', 'conllu', options)];
}
