/**
 * An exact port of conlleval.pl (Erik Tjong Kim Sang, version 2004-01-26), the CoNLL chunk scorer that
 * every published CoNLL F1 comes from. `/work/shared/tools/conlleval.pl` is the oracle; the tests
 * compare our report with its output byte for byte.
 *
 * The logic is ported statement by statement, quirks included, because a "cleaner" scorer would
 * give numbers that cannot be compared with the literature:
 * - chunk starts and ends are decided only from the previous and current tag (`startOfChunk` /
 *   `endOfChunk`), which is how it reads IOB1, IOB2, IOBES (`E-`, `S-`), `[`/`]` and any mix;
 * - a type is everything after the first hyphen, and perl's truthiness turns the type `0` into ``;
 * - `-DOCSTART-` lines are ordinary tokens with their tags (only a first field of `-X-` or an empty
 *   line is a sentence boundary);
 * - `-o` only matters together with `-r`;
 * - the type `` is listed twice in the report when both the gold and the guessed tags have it.
 *
 * Scores are percentages (0–100), as conlleval prints them.
 */
import { compareBytes, padField, printfFixed } from './printf.ts';

/** conlleval's command-line options, as fields. */
export interface ConllevalOptions {
  /**
   * `-r`: tags are raw chunk types without `B-`/`I-`; every tag other than the outside tag becomes
   * `B-<tag>`, so each token is its own chunk.
   */
  raw?: boolean;
  /** `-o`: the outside tag (default `O`). Like perl, only used in raw mode. */
  outsideTag?: string;
  /**
   * `-d`: the field delimiter, a regular expression as perl's `split` takes it (default: one literal
   * space, not "any whitespace": two spaces make an empty field). Written in JavaScript syntax, which
   * agrees with perl's for the usual delimiters (`\t`, `\s+`, `,`, `|`...).
   */
  delimiter?: string;
}

/** Counts and scores of one chunk type. */
export interface ChunkTypeScore {
  type: string;
  /** Chunks of this type in the gold tags. */
  foundCorrect: number;
  /** Chunks of this type in the guessed tags (the last number on conlleval's line). */
  foundGuessed: number;
  /** Guessed chunks with the gold chunk's boundaries and type. */
  correctChunks: number;
  precision: number;
  recall: number;
  fb1: number;
}

/** Everything conlleval computes. */
export interface ConllevalResult {
  /** Tokens counted: every non-boundary line, `-DOCSTART-` lines included. */
  tokens: number;
  /** Chunks in the gold tags ("phrases"). */
  foundCorrect: number;
  /** Chunks in the guessed tags. */
  foundGuessed: number;
  correctChunks: number;
  /** Tokens whose gold and guessed tag agree (prefix and type). */
  correctTags: number;
  /** 100 · correctTags / tokens; 0 when there are no tokens (conlleval then prints no accuracy line). */
  accuracy: number;
  precision: number;
  recall: number;
  fb1: number;
  /** Per chunk type, in the order of conlleval's report (perl's byte-wise `sort`). */
  byType: Map<string, ChunkTypeScore>;
}

/** Why a line was rejected. Perl prints the first and `die`s on the second. */
export type ConllevalInputProblem = 'inconsistent-field-count' | 'too-few-fields';

/** Bad input, naming the 1-based line where perl would stop. */
export class ConllevalInputError extends Error {
  override readonly name = 'ConllevalInputError';
  readonly line: number;
  readonly problem: ConllevalInputProblem;
  /** Fields on the offending line. */
  readonly found: number;
  /** Fields on the first non-blank line, which every line must match. */
  readonly expected: number;

  constructor(line: number, problem: ConllevalInputProblem, found: number, expected: number, text: string) {
    const what =
      problem === 'inconsistent-field-count'
        ? `unexpected number of features: ${found} (${expected})`
        : `unexpected number of features in line ${JSON.stringify(text)}: ${found} (need the gold and the guessed tag)`;
    super(`line ${line}: ${what}`);
    this.line = line;
    this.problem = problem;
    this.found = found;
    this.expected = expected;
  }
}

/** First field that marks a sentence boundary (perl's `$boundary`). */
const BOUNDARY = '-X-';

/** The tag prefix and type, exactly as perl's `/^([^-]*)-(.*)$/` splits them (`.` stops at `\n`). */
const TAG_PATTERN = /^([^-]*)-([^\n]*)\n?$/;

/** Perl's falsy strings: after `$type = $type ? $type : ""`, a type `0` is the empty type. */
function perlTruthy(text: string): boolean {
  return text !== '' && text !== '0';
}

function splitTag(tag: string): [prefix: string, type: string] {
  const match = TAG_PATTERN.exec(tag);
  if (!match) return [tag, ''];
  const type = match[2] as string;
  return [match[1] as string, perlTruthy(type) ? type : ''];
}

/** Perl's `endOfChunk`: did a chunk end between the previous and the current token? */
export function endOfChunk(prevTag: string, tag: string, prevType: string, type: string): boolean {
  let chunkEnd = false;
  if (prevTag === 'B' && tag === 'B') chunkEnd = true;
  if (prevTag === 'B' && tag === 'O') chunkEnd = true;
  if (prevTag === 'I' && tag === 'B') chunkEnd = true;
  if (prevTag === 'I' && tag === 'O') chunkEnd = true;

  if (prevTag === 'E' && tag === 'E') chunkEnd = true;
  if (prevTag === 'E' && tag === 'I') chunkEnd = true;
  if (prevTag === 'E' && tag === 'O') chunkEnd = true;

  if (prevTag !== 'O' && prevTag !== '.' && prevType !== type) chunkEnd = true;

  // "corrected 1998-12-22: these chunks are assumed to have length 1"
  if (prevTag === ']') chunkEnd = true;
  if (prevTag === '[') chunkEnd = true;
  return chunkEnd;
}

/** Perl's `startOfChunk`: did a chunk start between the previous and the current token? */
export function startOfChunk(prevTag: string, tag: string, prevType: string, type: string): boolean {
  let chunkStart = false;
  if (prevTag === 'B' && tag === 'B') chunkStart = true;
  if (prevTag === 'I' && tag === 'B') chunkStart = true;
  if (prevTag === 'O' && tag === 'B') chunkStart = true;
  if (prevTag === 'O' && tag === 'I') chunkStart = true;

  if (prevTag === 'E' && tag === 'E') chunkStart = true;
  if (prevTag === 'E' && tag === 'I') chunkStart = true;
  if (prevTag === 'O' && tag === 'E') chunkStart = true;

  if (tag !== 'O' && tag !== '.' && prevType !== type) chunkStart = true;

  if (tag === '[') chunkStart = true;
  if (tag === ']') chunkStart = true;
  return chunkStart;
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/**
 * Perl's `split(/$delimiter/, $line)`: like JavaScript's regex split, except that an empty line gives
 * no fields and trailing empty fields are dropped (so a line of delimiters is a blank line).
 */
export function splitFields(line: string, delimiter: string | RegExp = ' '): string[] {
  if (line === '') return [];
  const parts: (string | undefined)[] =
    typeof delimiter === 'string' && delimiter === ' ' ? line.split(' ') : line.split(toRegExp(delimiter));
  let end = parts.length;
  while (end > 0 && !parts[end - 1]) end--;
  return parts.slice(0, end).map((part) => part ?? '');
}

function toRegExp(delimiter: string | RegExp): RegExp {
  return typeof delimiter === 'string' ? new RegExp(delimiter) : delimiter;
}

/** Splits text into lines as perl's `while (<STDIN>) { chomp ... }` does: on `\n` only (a `\r` stays). */
export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * conlleval's state machine, fed one line at a time. Incremental so that a trainer can stream
 * sentences into it; `result()` can be called at any point and does not change the state.
 */
export class ConllevalAccumulator {
  private readonly raw: boolean;
  private readonly outsideTag: string;
  private lineNumber = 0;
  private fieldCount = -1; // perl's $nbrOfFeatures: $#features of the first non-blank line

  private correctChunk = 0;
  private correctTags = 0;
  private foundCorrect = 0;
  private foundGuessed = 0;
  private tokenCounter = 0;
  private readonly correctChunkByType = new Map<string, number>();
  private readonly foundCorrectByType = new Map<string, number>();
  private readonly foundGuessedByType = new Map<string, number>();

  private inCorrect = false;
  private lastCorrect = 'O';
  private lastCorrectType = '';
  private lastGuessed = 'O';
  private lastGuessedType = '';

  constructor(options: ConllevalOptions = {}) {
    this.raw = options.raw ?? false;
    this.outsideTag = options.outsideTag ?? 'O';
  }

  /**
   * Feeds one input line, already split into fields (`[]` is a blank line). The last two fields are
   * the gold and the guessed tag. Throws `ConllevalInputError` where perl would stop.
   */
  addFields(fields: readonly string[], lineText = fields.join(' ')): void {
    const line = ++this.lineNumber;
    const lastIndex = fields.length - 1;
    if (this.fieldCount < 0) {
      this.fieldCount = lastIndex;
    } else if (this.fieldCount !== lastIndex && fields.length !== 0) {
      throw new ConllevalInputError(line, 'inconsistent-field-count', fields.length, this.fieldCount + 1, lineText);
    }
    let features = fields.length === 0 || fields[0] === BOUNDARY ? [BOUNDARY, 'O', 'O'] : [...fields];
    if (features.length < 2) {
      throw new ConllevalInputError(line, 'too-few-fields', features.length, this.fieldCount + 1, lineText);
    }
    if (this.raw) features = this.rawToChunkTags(features);

    const n = features.length;
    const [guessedTag, guessedType] = splitTag(features[n - 1] as string);
    const [correct, correctType] = splitTag(features[n - 2] as string);
    // Perl shifts the first item off what is left after popping both tags: none for 2 fields.
    const firstItem = n > 2 ? features[0] : undefined;
    // "1999-06-26 sentence breaks should always be counted as out of chunk"
    const guessed = firstItem === BOUNDARY ? 'O' : guessedTag;
    this.step(firstItem !== BOUNDARY, correct, correctType, guessed, guessedType);
  }

  /** Feeds one line of text, split on the delimiter as perl does. */
  addLine(line: string, delimiter: string | RegExp = ' '): void {
    this.addFields(splitFields(line, delimiter), line);
  }

  /** `-r`: the outside tag becomes `O`, every other tag `B-<tag>` (gold and guessed alike). */
  private rawToChunkTags(features: string[]): string[] {
    const out = [...features];
    const g = out.length - 1;
    const c = out.length - 2;
    if (out[g] === this.outsideTag) out[g] = 'O';
    if (out[c] === this.outsideTag) out[c] = 'O';
    if (out[g] !== 'O') out[g] = `B-${out[g]}`;
    if (out[c] !== 'O') out[c] = `B-${out[c]}`;
    return out;
  }

  /** The body of perl's main loop after the tags are split. */
  private step(isToken: boolean, correct: string, correctType: string, guessed: string, guessedType: string): void {
    const correctEnded = endOfChunk(this.lastCorrect, correct, this.lastCorrectType, correctType);
    const guessedEnded = endOfChunk(this.lastGuessed, guessed, this.lastGuessedType, guessedType);
    if (this.inCorrect) {
      if (correctEnded && guessedEnded && this.lastGuessedType === this.lastCorrectType) {
        this.inCorrect = false;
        this.correctChunk++;
        increment(this.correctChunkByType, this.lastCorrectType);
      } else if (correctEnded !== guessedEnded || guessedType !== correctType) {
        this.inCorrect = false;
      }
    }

    const correctStarted = startOfChunk(this.lastCorrect, correct, this.lastCorrectType, correctType);
    const guessedStarted = startOfChunk(this.lastGuessed, guessed, this.lastGuessedType, guessedType);
    if (correctStarted && guessedStarted && guessedType === correctType) this.inCorrect = true;
    if (correctStarted) {
      this.foundCorrect++;
      increment(this.foundCorrectByType, correctType);
    }
    if (guessedStarted) {
      this.foundGuessed++;
      increment(this.foundGuessedByType, guessedType);
    }
    if (isToken) {
      if (correct === guessed && guessedType === correctType) this.correctTags++;
      this.tokenCounter++;
    }

    this.lastGuessed = guessed;
    this.lastCorrect = correct;
    this.lastGuessedType = guessedType;
    this.lastCorrectType = correctType;
  }

  /** The scores as if the input ended here (a chunk still open and correct so far counts). */
  result(): ConllevalResult {
    let correctChunk = this.correctChunk;
    const correctChunkByType = new Map(this.correctChunkByType);
    if (this.inCorrect) {
      correctChunk++;
      increment(correctChunkByType, this.lastCorrectType);
    }
    const overall = score(correctChunk, this.foundGuessed, this.foundCorrect);
    const types = [...new Set([...this.foundCorrectByType.keys(), ...this.foundGuessedByType.keys()])].sort(
      compareBytes,
    );
    const byType = new Map<string, ChunkTypeScore>();
    for (const type of types) {
      const counts = {
        foundCorrect: this.foundCorrectByType.get(type) ?? 0,
        foundGuessed: this.foundGuessedByType.get(type) ?? 0,
        correctChunks: correctChunkByType.get(type) ?? 0,
      };
      byType.set(type, { type, ...counts, ...score(counts.correctChunks, counts.foundGuessed, counts.foundCorrect) });
    }
    return {
      tokens: this.tokenCounter,
      foundCorrect: this.foundCorrect,
      foundGuessed: this.foundGuessed,
      correctChunks: correctChunk,
      correctTags: this.correctTags,
      accuracy: this.tokenCounter > 0 ? (100 * this.correctTags) / this.tokenCounter : 0,
      ...overall,
      byType,
    };
  }
}

/** Precision, recall and FB1 with perl's operation order and its zero cases (all 0). */
function score(correct: number, guessed: number, gold: number): { precision: number; recall: number; fb1: number } {
  const precision = guessed > 0 ? (100 * correct) / guessed : 0;
  const recall = gold > 0 ? (100 * correct) / gold : 0;
  const fb1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, fb1 };
}

/**
 * Scores input lines given as fields (`[]` for a blank line), the last two being gold and guessed.
 * Throws `ConllevalInputError` on inconsistent field counts, as perl does.
 */
export function evaluateChunks(lines: Iterable<readonly string[]>, options: ConllevalOptions = {}): ConllevalResult {
  const accumulator = new ConllevalAccumulator(options);
  for (const fields of lines) accumulator.addFields(fields);
  return accumulator.result();
}

/**
 * Scores conlleval input text (what `perl conlleval.pl` reads on stdin). Throws
 * `ConllevalInputError` naming the line where perl would stop; an invalid `delimiter` throws a
 * `SyntaxError`.
 */
export function evaluateText(text: string, options: ConllevalOptions = {}): ConllevalResult {
  const delimiter = options.delimiter === undefined || options.delimiter === ' ' ? ' ' : new RegExp(options.delimiter);
  const accumulator = new ConllevalAccumulator(options);
  for (const line of splitLines(text)) accumulator.addLine(line, delimiter);
  return accumulator.result();
}

/**
 * Scores predicted tag sequences against gold ones, sentence by sentence: the same numbers as
 * conlleval on `word gold pred` lines with a blank line after every sentence. Tags should be
 * non-empty and free of spaces (in text they would shift the fields).
 */
export function scoreSequences(
  gold: readonly (readonly string[])[],
  pred: readonly (readonly string[])[],
  options: Omit<ConllevalOptions, 'delimiter'> = {},
): ConllevalResult {
  if (gold.length !== pred.length) {
    throw new RangeError(`scoreSequences: ${gold.length} gold sentences but ${pred.length} predicted`);
  }
  const accumulator = new ConllevalAccumulator(options);
  gold.forEach((goldTags, s) => {
    const predTags = pred[s] as readonly string[];
    if (goldTags.length !== predTags.length) {
      throw new RangeError(`scoreSequences: sentence ${s} has ${goldTags.length} gold tags but ${predTags.length} predicted`);
    }
    goldTags.forEach((goldTag, t) => accumulator.addFields(['w', goldTag, predTags[t] as string]));
    accumulator.addFields([]);
  });
  return accumulator.result();
}

/**
 * The type names in the order conlleval prints them. Perl skips a repeated name unless the previous
 * one is false, so the empty type is listed twice when both the gold and the guessed tags have it.
 */
export function reportTypeOrder(result: ConllevalResult): ChunkTypeScore[] {
  const order: ChunkTypeScore[] = [];
  for (const entry of result.byType.values()) {
    order.push(entry);
    if (entry.type === '' && entry.foundCorrect > 0 && entry.foundGuessed > 0) order.push(entry);
  }
  return order;
}

/** Perl's `%6.2f`. */
const pct = (value: number): string => printfFixed(value, 6, 2);

/** conlleval.pl's default report, byte for byte. */
export function formatReport(result: ConllevalResult): string {
  let text =
    `processed ${result.tokens} tokens with ${result.foundCorrect} phrases; ` +
    `found: ${result.foundGuessed} phrases; correct: ${result.correctChunks}.\n`;
  if (result.tokens > 0) {
    text +=
      `accuracy: ${pct(result.accuracy)}%; precision: ${pct(result.precision)}%; ` +
      `recall: ${pct(result.recall)}%; FB1: ${pct(result.fb1)}\n`;
  }
  for (const t of reportTypeOrder(result)) {
    text +=
      `${padField(t.type, 17, 'right')}: precision: ${pct(t.precision)}%; ` +
      `recall: ${pct(t.recall)}%; FB1: ${pct(t.fb1)}  ${t.foundGuessed}\n`;
  }
  return text;
}

/** conlleval.pl's `-l` output (a LaTeX table body), byte for byte. */
export function formatLatexReport(result: ConllevalResult): string {
  let text = '        & Precision &  Recall  & F$_{\\beta=1} \\\\\\hline';
  for (const t of reportTypeOrder(result)) {
    text += `\n${padField(t.type, 7, 'left')} &  ${pct(t.precision)}\\% & ${pct(t.recall)}\\% & ${pct(t.fb1)} \\\\`;
  }
  text += '\\hline\n';
  text += `Overall &  ${pct(result.precision)}\\% & ${pct(result.recall)}\\% & ${pct(result.fb1)} \\\\\\hline\n`;
  return text;
}
