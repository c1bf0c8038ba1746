/**
 * conlleval.ts against the oracle, `perl conlleval.pl`: byte-identical reports and the same
 * numbers on the real data sets with seeded random corruptions, on the options, and on edge cases.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ConllevalAccumulator,
  ConllevalInputError,
  endOfChunk,
  evaluateChunks,
  evaluateText,
  formatLatexReport,
  formatReport,
  reportTypeOrder,
  scoreSequences,
  splitFields,
  startOfChunk,
  type ConllevalOptions,
  type ConllevalResult,
} from './conlleval.ts';

const shared = fileURLToPath(new URL('../../../shared/', import.meta.url));
const conllevalPl = `${shared}tools/conlleval.pl`;

interface PerlRun {
  stdout: string;
  stderr: string;
  status: number | null;
}

function perl(input: string, args: readonly string[] = []): PerlRun {
  const run = spawnSync('perl', [conllevalPl, ...args], { input, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (run.error) throw run.error;
  return { stdout: run.stdout, stderr: run.stderr, status: run.status };
}

/** The perl command line for our options. */
function perlArgs(options: ConllevalOptions, latex = false): string[] {
  const args: string[] = [];
  if (latex) args.push('-l');
  if (options.raw) args.push('-r');
  if (options.delimiter !== undefined) args.push('-d', options.delimiter);
  if (options.outsideTag !== undefined) args.push('-o', options.outsideTag);
  return args;
}

/** The numbers printed in a default report, parsed back (to check the structured result field by field). */
interface PrintedReport {
  tokens: number;
  foundCorrect: number;
  foundGuessed: number;
  correctChunks: number;
  overall: string[] | null;
  types: { type: string; scores: string[]; foundGuessed: number }[];
}

function parseReport(text: string): PrintedReport {
  const lines = text.split('\n').slice(0, -1);
  const head = /^processed (\d+) tokens with (\d+) phrases; found: (\d+) phrases; correct: (\d+)\.$/.exec(lines[0]);
  if (!head) throw new Error(`bad report head: ${lines[0]}`);
  let rest = lines.slice(1);
  let overall: string[] | null = null;
  const acc = /^accuracy: +(\S+)%; precision: +(\S+)%; recall: +(\S+)%; FB1: +(\S+)$/.exec(rest[0] ?? '');
  if (acc) {
    overall = acc.slice(1);
    rest = rest.slice(1);
  }
  const types = rest.map((line) => {
    const m = /^ *(.*): precision: +(\S+)%; recall: +(\S+)%; FB1: +(\S+) {2}(\d+)$/s.exec(line);
    if (!m) throw new Error(`bad report line: ${line}`);
    return { type: m[1], scores: m.slice(2, 5), foundGuessed: Number(m[5]) };
  });
  return {
    tokens: Number(head[1]),
    foundCorrect: Number(head[2]),
    foundGuessed: Number(head[3]),
    correctChunks: Number(head[4]),
    overall,
    types,
  };
}

/** A structured number agrees with what perl printed with `%6.2f`. */
function expectPrinted(value: number, printed: string): void {
  expect(Math.abs(value - Number(printed))).toBeLessThanOrEqual(0.005 + 1e-9);
}

/** Runs both scorers; asserts byte-identical output and that the structured numbers are perl's. */
function expectSameAsPerl(input: string, options: ConllevalOptions = {}): ConllevalResult {
  const oracle = perl(input, perlArgs(options));
  expect(oracle.status, oracle.stderr).toBe(0);
  const result = evaluateText(input, options);
  expect(formatReport(result)).toBe(oracle.stdout);

  const printed = parseReport(oracle.stdout);
  expect(result.tokens).toBe(printed.tokens);
  expect(result.foundCorrect).toBe(printed.foundCorrect);
  expect(result.foundGuessed).toBe(printed.foundGuessed);
  expect(result.correctChunks).toBe(printed.correctChunks);
  if (printed.overall) {
    const overall = printed.overall;
    [result.accuracy, result.precision, result.recall, result.fb1].forEach((x, i) => expectPrinted(x, overall[i]));
  } else expect(result.tokens).toBe(0);
  const order = reportTypeOrder(result);
  expect(order.map((t) => t.type.trimStart())).toEqual(printed.types.map((t) => t.type));
  order.forEach((t, i) => {
    expect(t.foundGuessed).toBe(printed.types[i].foundGuessed);
    [t.precision, t.recall, t.fb1].forEach((x, k) => expectPrinted(x, printed.types[i].scores[k]));
  });
  const sumCorrect = [...result.byType.values()].reduce((n, t) => n + t.correctChunks, 0);
  expect(sumCorrect).toBe(result.correctChunks);

  // -l prints the same numbers as a LaTeX table (whole files get this check in score.test.ts)
  if (input.length < 200_000) {
    const latex = perl(input, perlArgs(options, true));
    expect(formatLatexReport(result)).toBe(latex.stdout);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Seeded corruption of gold tags

/** mulberry32: a tiny seeded PRNG, so every failure is reproducible from its case number. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)];
const typeOf = (tag: string): string => (tag === 'O' ? '' : tag.slice(tag.indexOf('-') + 1));
const prefixOf = (tag: string): string => (tag === 'O' ? 'O' : tag.slice(0, tag.indexOf('-')));

/** Chunk spans [start, end) read IOB1/IOB2-style (what the corruptions act on). */
function chunkSpans(tags: readonly string[]): [number, number][] {
  const spans: [number, number][] = [];
  for (let i = 0; i < tags.length; i++) {
    if (tags[i] === 'O') continue;
    const type = typeOf(tags[i]);
    let end = i + 1;
    while (end < tags.length && prefixOf(tags[end]) === 'I' && typeOf(tags[end]) === type) end++;
    spans.push([i, end]);
    i = end - 1;
  }
  return spans;
}

function withScheme(tags: readonly string[], scheme: 'IOB1' | 'IOB2' | 'IOBES'): string[] {
  const out = tags.map(() => 'O');
  let previousEnd = -1;
  let previousType = '';
  for (const [start, end] of chunkSpans(tags)) {
    const type = typeOf(tags[start]);
    for (let i = start; i < end; i++) out[i] = `I-${type}`;
    if (scheme === 'IOB2' || scheme === 'IOBES') out[start] = `B-${type}`;
    if (scheme === 'IOB1' && previousEnd === start && previousType === type) out[start] = `B-${type}`;
    if (scheme === 'IOBES') {
      if (end - start === 1) out[start] = `S-${type}`;
      else out[end - 1] = `E-${type}`;
    }
    previousEnd = end;
    previousType = type;
  }
  return out;
}

type Corruption = (tags: string[], rng: Rng, types: readonly string[]) => void;

const corruptions: Record<string, Corruption> = {
  boundaryShift(tags, rng) {
    const spans = chunkSpans(tags);
    if (spans.length === 0) return;
    const [start, end] = pick(rng, spans);
    const type = typeOf(tags[start]);
    const move = Math.floor(rng() * 4);
    if (move === 0 && start > 0) tags[start - 1] = `${prefixOf(tags[start])}-${type}`;
    if (move === 1 && end - start > 1) tags[start] = 'O';
    if (move === 2 && end < tags.length) tags[end] = `I-${type}`;
    if (move === 3 && end - start > 1) tags[end - 1] = 'O';
  },
  typeSwap(tags, rng, types) {
    const spans = chunkSpans(tags);
    if (spans.length === 0) return;
    const [start, end] = pick(rng, spans);
    const type = pick(rng, types);
    const whole = rng() < 0.7;
    for (let i = start; i < (whole ? end : start + 1); i++) tags[i] = `${prefixOf(tags[i])}-${type}`;
  },
  flipBI(tags, rng) {
    const inside = tags.flatMap((tag, i) => (tag === 'O' ? [] : [i]));
    if (inside.length === 0) return;
    const i = pick(rng, inside);
    tags[i] = `${prefixOf(tags[i]) === 'B' ? 'I' : 'B'}-${typeOf(tags[i])}`;
  },
  mixSchemes(tags, rng) {
    const converted = withScheme(tags, pick(rng, ['IOB1', 'IOB2'] as const));
    const from = Math.floor(rng() * tags.length);
    for (let i = from; i < tags.length; i++) tags[i] = converted[i];
  },
  toIOBES(tags) {
    withScheme(tags, 'IOBES').forEach((tag, i) => (tags[i] = tag));
  },
  insertO(tags, rng) {
    const inside = tags.flatMap((tag, i) => (tag === 'O' ? [] : [i]));
    if (inside.length > 0) tags[pick(rng, inside)] = 'O';
  },
  deleteO(tags, rng, types) {
    const outside = tags.flatMap((tag, i) => (tag === 'O' ? [i] : []));
    if (outside.length > 0) tags[pick(rng, outside)] = `${pick(rng, ['B', 'I', 'I'])}-${pick(rng, types)}`;
  },
  /** Now and then a tag in a representation conlleval also reads: E-, S-, [, ], ., bare prefixes. */
  oddTag(tags, rng, types) {
    if (tags.length === 0) return;
    const type = pick(rng, types);
    tags[Math.floor(rng() * tags.length)] = pick(rng, [`E-${type}`, `S-${type}`, `[-${type}`, `]-${type}`, '.', 'B', 'I']);
  },
};

interface Dataset {
  name: string;
  file: string;
  column: number;
  /** Sentences as line ranges of the file, so the text can be rebuilt exactly (blank lines kept). */
  lines: string[];
  types: string[];
}

function loadDataset(name: string, file: string, column: number): Dataset {
  const lines = readFileSync(`${shared}data/${file}`, 'utf8').split('\n');
  const types = new Set<string>();
  for (const line of lines) {
    const tag = line.split(' ')[column];
    if (tag && tag !== 'O') types.add(typeOf(tag));
  }
  return { name, file, column, lines, types: [...types].sort() };
}

/** Builds `word gold pred` text for lines [from, to) of the file with a corrupted copy of the gold column. */
function corruptedText(data: Dataset, seed: number, from: number, to: number, delimiter = ' '): string {
  const rng = mulberry32(seed);
  const names = Object.keys(corruptions);
  // each case has its own mix: some corruptions weighted up, some off, and its own rate
  const weights = names.map(() => (rng() < 0.25 ? 0 : rng()));
  if (!weights.some((w) => w > 0)) weights[0] = 1;
  const rate = pick(rng, [0.02, 0.1, 0.3, 0.6, 1]);
  const draw = (): Corruption => {
    let r = rng() * weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < names.length; i++) if ((r -= weights[i]) < 0) return corruptions[names[i]];
    return corruptions[names[names.length - 1]];
  };

  const out: string[] = [];
  let sentence: string[][] = [];
  const flush = (): void => {
    const gold = sentence.map((fields) => fields[data.column]);
    const pred = [...gold];
    if (rng() < rate) {
      const times = 1 + Math.floor(rng() * 3);
      for (let k = 0; k < times; k++) draw()(pred, rng, data.types);
    }
    sentence.forEach((fields, i) => out.push([fields[0], gold[i], pred[i]].join(delimiter)));
    sentence = [];
  };
  for (const line of data.lines.slice(from, to)) {
    if (line === '') {
      flush();
      out.push('');
    } else sentence.push(line.split(' '));
  }
  flush();
  return out.join('\n');
}

/** A random window of whole sentences: starts after a blank line, 1,500–6,000 lines long. */
function randomWindow(data: Dataset, seed: number): [number, number] {
  const rng = mulberry32(seed ^ 0x9e3779b9);
  const length = 1500 + Math.floor(rng() * 4500);
  let from = Math.floor(rng() * Math.max(1, data.lines.length - length));
  while (from > 0 && data.lines[from - 1] !== '') from--;
  return [from, Math.min(data.lines.length, from + length)];
}

const datasets = [
  () => loadDataset('CoNLL-2003 dev NER (IOB1)', 'conll2003/eng.testa', 3),
  () => loadDataset('CoNLL-2003 dev chunks (IOB1)', 'conll2003/eng.testa', 2),
  () => loadDataset('CoNLL-2000 test chunks (IOB2)', 'conll2000/test.txt', 2),
];

describe('agrees with conlleval.pl on corrupted real data', () => {
  const CASES = 22;
  const WHOLE_FILE_CASES = 3;
  datasets.forEach((load, d) => {
    const data = load();
    it(`${data.name}: gold against itself scores 100`, () => {
      const result = expectSameAsPerl(corruptedText(data, 0, 0, data.lines.length).replace(/ (\S+) \S+$/gm, ' $1 $1'));
      expect(result.fb1).toBe(100);
    });
    for (let c = 0; c < CASES; c++) {
      const seed = 1000 * (d + 1) + c;
      const whole = c < WHOLE_FILE_CASES;
      it(`${data.name}: case ${c} (seed ${seed}, ${whole ? 'whole file' : 'window'})`, () => {
        const [from, to] = whole ? [0, data.lines.length] : randomWindow(data, seed);
        const text = corruptedText(data, seed, from, to);
        const result = expectSameAsPerl(text);
        // the sequence API gives the same numbers as the text
        const gold: string[][] = [];
        const pred: string[][] = [];
        let g: string[] = [];
        let p: string[] = [];
        for (const line of text.split('\n')) {
          if (line === '') {
            if (g.length > 0) {
              gold.push(g);
              pred.push(p);
            }
            g = [];
            p = [];
          } else {
            const fields = line.split(' ');
            g.push(fields[1]);
            p.push(fields[2]);
          }
        }
        if (g.length > 0) {
          gold.push(g);
          pred.push(p);
        }
        expect(scoreSequences(gold, pred)).toEqual(result);
      });
    }
  });
});

describe('options against conlleval.pl', () => {
  const ner = loadDataset('ner', 'conll2003/eng.testa', 3);
  const posColumn = loadDataset('pos', 'conll2003/eng.testa', 1);

  it('-r: raw POS tags, each its own chunk', () => {
    const [from, to] = randomWindow(posColumn, 7);
    const text = corruptedText(posColumn, 7, from, to).replace(
      /^(\S+) (\S+) (\S+)$/gm,
      (_all, w: string, g: string, p: string) => `${w} ${g} ${w.length % 7 === 0 ? 'NN' : p}`,
    );
    const result = expectSameAsPerl(text, { raw: true });
    expect(result.byType.has('NNP')).toBe(true);
  });

  it('-r -o: a custom outside tag (and a literal O stays outside too)', () => {
    const text = 'a NN NN\nb DT NN\nc O DT\nd NN O\n\ne DT DT\n';
    expectSameAsPerl(text, { raw: true, outsideTag: 'NN' });
    expectSameAsPerl(text, { raw: true, outsideTag: 'DT' });
    expectSameAsPerl(text, { raw: true });
  });

  it('-o without -r changes nothing, as in perl', () => {
    const text = corruptedText(ner, 11, 0, 800);
    const plain = expectSameAsPerl(text);
    expect(expectSameAsPerl(text, { outsideTag: 'I-PER' })).toEqual(plain);
  });

  it('-d: tab, regex and single-character delimiters', () => {
    const [from, to] = randomWindow(ner, 21);
    const tabbed = corruptedText(ner, 21, from, to, '\t');
    const spaced = evaluateText(corruptedText(ner, 21, from, to));
    expect(expectSameAsPerl(tabbed, { delimiter: '\t' })).toEqual(spaced);
    expect(expectSameAsPerl(tabbed, { delimiter: '\\t' })).toEqual(spaced);
    expect(expectSameAsPerl(tabbed.replace(/\t/g, ' \t '), { delimiter: '\\s+' })).toEqual(spaced);
    expectSameAsPerl('a,B-X,B-X\nb,I-X,O\n\nc,I-Y,I-Y\n', { delimiter: ',' });
    expectSameAsPerl('aBB\nbIO\ncOI\n', { delimiter: '' }); // split // splits characters
    expectSameAsPerl('a|B-X|B-X\n', { delimiter: '|' }); // an alternation of empties, also characters
  });

  it('the default delimiter is one literal space: double spaces make empty fields', () => {
    expectSameAsPerl('a  B-X B-X\n b B-X I-X\n\n');
    expectSameAsPerl('a B-X B-X\nb  B-X\n');
    expectSameAsPerl('a B-X B-X   \nb I-X O\n'); // trailing empty fields are dropped
    expect(splitFields(' a  b  ')).toEqual(['', 'a', '', 'b']);
  });
});

describe('edge cases against conlleval.pl', () => {
  const cases: Record<string, string> = {
    'empty input': '',
    'only blank lines': '\n\n\n',
    'all O': 'a O O\nb O O\n\nc O O\n',
    'no final newline': 'a B-X B-X\nb I-X I-X',
    'chunk at sentence end, then EOF': 'a O O\nb B-X B-X\nc I-X I-X\n',
    'chunk at sentence end, then a blank line': 'a O O\nb B-X B-X\nc I-X I-X\n\n',
    'a chunk crossing a blank line': 'a B-X B-X\nb I-X I-X\n\nc I-X I-X\nd O O\n',
    'crossing, guessed only': 'a B-X B-X\n\nc I-X O\n',
    '-X- boundary lines': 'a B-X B-X\n-X- -X- -X-\nb I-X I-X\n-X- B-X B-X\nc I-X I-X\n',
    'DOCSTART lines are tokens': '-DOCSTART- -X- O O\n\nEU NNP I-ORG I-ORG\nrejects VBZ O O\n\n-DOCSTART- -X- O I-PER\n\n',
    'DOCSTART with a tag': '-DOCSTART- -X- I-MISC I-MISC\nx -X- I-MISC I-MISC\n',
    'IOB1 B- after same type': 'a I-X I-X\nb B-X I-X\nc I-X I-X\n',
    'IOBES': 'a S-X S-X\nb B-Y B-Y\nc I-Y I-Y\nd E-Y E-Y\ne E-Y S-Y\nf O O\n',
    'E- after E-': 'a E-X E-X\nb E-X I-X\nc I-X E-X\n',
    'brackets and dots': 'a [-X [-X\nb ]-X ]-X\nc . .\nd I-X .\ne [ ]\nf ] [\n',
    'bare prefixes and empty types': 'a B B\nb B-X O\nc O B\nd I I-\ne B- B\n',
    'type 0 is the empty type': 'a B-0 B-0\nb I-0 O\nc B-0 B\n',
    'hyphens in types': 'a B-X-Y B-X-Y\nb I-X-Y I-X\nc I-X I-X-Y\n',
    'two fields (no word)': 'B-X B-X\nI-X O\n\nO I-Y\n',
    'CRLF line endings (the \\r stays on the guessed tag)': 'a B-X B-X\r\nb I-X I-X\r\nc O O\r\nd B-Y O\r\n',
    'BOM': '\uFEFFa B-X B-X\nb O O\n',
    'UTF-8 types pad by bytes and sort by bytes': 'a B-Ärger B-Ärger\nb B-名 B-名\nc B-Zz B-ﬀ\nd B-😀 B-\uE000\ne B-longertypethanseventeen O\n',
    'leading spaces': ' a B-X B-X\n b I-X O\n',
    'ties at the third decimal (97/800 = 12.125%)': Array.from(
      { length: 800 },
      (_, i) => `w${i} B-X ${i < 97 ? 'B-X' : 'B-Y'}\n`,
    ).join(''),
  };
  for (const [name, text] of Object.entries(cases)) {
    it(name, () => {
      expectSameAsPerl(text);
    });
  }

  it('0.125 and 12.125 round to even like C printf', () => {
    const text = cases['ties at the third decimal (97/800 = 12.125%)'];
    const result = evaluateText(text);
    expect(result.precision).toBe(12.125);
    expect(formatReport(result)).toContain('precision:  12.12%');
  });

  it('random tag soup from every representation conlleval knows', () => {
    const alphabet = ['O', 'O', 'O', 'B-X', 'I-X', 'E-X', 'S-X', 'B-Y', 'I-Y', 'E-Y', 'S-Y', '[-X', ']-Y', '.', 'B', 'I', 'E', 'I-0', 'O-X', 'B-'];
    for (let seed = 1; seed <= 40; seed++) {
      const rng = mulberry32(seed);
      const lines: string[] = [];
      const n = 5 + Math.floor(rng() * 40);
      for (let i = 0; i < n; i++) {
        lines.push(rng() < 0.12 ? '' : `w${i} ${pick(rng, alphabet)} ${pick(rng, alphabet)}`);
      }
      expectSameAsPerl(lines.join('\n') + '\n');
    }
  });
});

/** Perl stops without a report; we throw ConllevalInputError naming the same line. */
function expectSameError(text: string, line: number, status: number): void {
  const oracle = perl(text);
  expect(oracle.status).toBe(status);
  expect(oracle.stdout).toBe('');
  expect(() => evaluateText(text)).toThrow(ConllevalInputError);
  expect(() => evaluateText(text)).toThrow(new RegExp(`^line ${line}: `));
}

describe('input errors where perl stops', () => {
  it('CRLF files with blank lines: the blank line is "\\r", one field', () => {
    expectSameError('a B-X B-X\r\nb I-X I-X\r\n\r\nc O O\r\n', 3, 1);
  });

  it('a lone -X- line among 3-field lines', () => {
    expectSameError('a B-X B-X\n-X-\nb O O\n', 2, 1);
  });

  it('an inconsistent field count names the line (perl: exit 1, no report)', () => {
    const text = 'a X B-X B-X\nb X I-X I-X\n\nc I-X I-X\n';
    const oracle = perl(text);
    expect(oracle.status).toBe(1);
    expect(oracle.stdout).toBe('');
    expect(oracle.stderr).toContain('unexpected number of features: 3 (4)');
    const error = (() => {
      try {
        evaluateText(text);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(ConllevalInputError);
    expect(error).toMatchObject({ line: 4, problem: 'inconsistent-field-count', found: 3, expected: 4 });
    expect((error as Error).message).toBe('line 4: unexpected number of features: 3 (4)');
  });

  it('blank first lines do not fix the field count', () => {
    expectSameAsPerl('\n\na B-X B-X\n');
  });

  it('a line with one field (perl dies)', () => {
    expectSameError('\na\tB-X\tB-X\n', 2, 255);
  });

  it('a lone -X- first line sets the count to 1, so the next real line is an error', () => {
    const text = '-X-\na B-X B-X\n';
    expect(perl(text).status).toBe(1);
    expect(() => evaluateText(text)).toThrow(expect.objectContaining({ line: 2, found: 3, expected: 1 }));
  });
});

describe('structured API', () => {
  it('start/end rules are perl\'s', () => {
    expect(startOfChunk('O', 'I', '', 'X')).toBe(true); // IOB1
    expect(startOfChunk('I', 'I', 'X', 'X')).toBe(false);
    expect(startOfChunk('I', 'B', 'X', 'X')).toBe(true);
    expect(endOfChunk('E', 'I', 'X', 'X')).toBe(true);
    expect(endOfChunk('S', 'S', 'X', 'X')).toBe(false); // S- is only read through the type change
    expect(endOfChunk('[', 'I', 'X', 'X')).toBe(true);
  });

  it('scoreSequences on hand-made sentences', () => {
    const result = scoreSequences(
      [['B-PER', 'I-PER', 'O', 'B-LOC'], ['O', 'B-ORG']],
      [['B-PER', 'I-PER', 'O', 'B-ORG'], ['O', 'B-ORG']],
    );
    expect(result).toMatchObject({ tokens: 6, foundCorrect: 3, foundGuessed: 3, correctChunks: 2, correctTags: 5 });
    expect(result.precision).toBeCloseTo(66.6667, 3);
    expect([...result.byType.keys()]).toEqual(['LOC', 'ORG', 'PER']);
    expect(result.byType.get('ORG')).toMatchObject({ foundCorrect: 1, foundGuessed: 2, correctChunks: 1, precision: 50, recall: 100 });
    expect(() => scoreSequences([['O']], [])).toThrow(RangeError);
    expect(() => scoreSequences([['O']], [['O', 'O']])).toThrow(RangeError);
  });

  it('evaluateChunks takes split lines; the accumulator streams and result() is repeatable', () => {
    const lines = [['a', 'B-X', 'B-X'], ['b', 'I-X', 'I-X'], [], ['c', 'B-Y', 'O']];
    const whole = evaluateChunks(lines);
    const accumulator = new ConllevalAccumulator();
    accumulator.addFields(lines[0]);
    accumulator.addFields(lines[1]);
    expect(accumulator.result().correctChunks).toBe(1); // the open chunk counts at the end
    expect(accumulator.result().correctChunks).toBe(1);
    accumulator.addFields(lines[2]);
    accumulator.addFields(lines[3]);
    expect(accumulator.result()).toEqual(whole);
    expect(whole).toMatchObject({ tokens: 3, foundCorrect: 2, foundGuessed: 1, correctChunks: 1 });
  });

  it('the empty type is listed twice when gold and guess both have it', () => {
    const result = evaluateText('a B B\nb B-X O\n');
    expect(reportTypeOrder(result).map((t) => t.type)).toEqual(['', '', 'X']);
    expect(result.byType.size).toBe(2);
  });
});
