/**
 * A task's scores broken down by type, with the confusion counts behind them and the sentences each
 * error is in: what the workbench shows under a task's one F1 or accuracy figure.
 * - span tasks (chunk tags): conlleval's per-type precision/recall/F1 (`scoreSequences`, so the
 *   numbers are conlleval's own), and a token confusion matrix over chunk types (B-/I- merged, `O`
 *   outside), which reads at a glance (5×5 for CoNLL-2003 NER) where the full tag matrix would not;
 * - plain tasks: token precision/recall/F1 per tag and the tag confusion matrix (`confusion.ts`).
 * Matrices with more than `maxLabels` labels keep the most frequent and sum the rest into `(other)`.
 * Only counts and a few sentence indices per error leave here, never per-token predictions.
 */
import type { ConfusionCounts, ErrorSentences, TaskErrors, TypeScore } from '../core/events.ts';
import { confusionMatrix, perLabelScores, type ConfusionMatrix } from './confusion.ts';
import { reportTypeOrder, scoreSequences } from './conlleval.ts';

/** The row and column that sums the labels left out of a capped matrix. */
export const OTHER_LABEL = '(other)';

export interface BreakdownOptions {
  /** Each sentence's index in the evaluated set (what error lists name); default: its position. */
  sentenceIds?: readonly number[];
  /** Most labels a matrix keeps before folding the rest into `(other)` (default 12). */
  maxLabels?: number;
  /** Sentences listed per error (default 10); `count` still says how many there are. */
  errorLimit?: number;
}

export interface Breakdown {
  types: TypeScore[];
  confusion: ConfusionCounts;
  errors: TaskErrors;
}

type Tags = readonly (readonly string[])[];

const DEFAULT_MAX_LABELS = 12;
const DEFAULT_ERROR_LIMIT = 10;

/** A chunk tag's type as a confusion label: after the first hyphen (`B-PER` → `PER`), else the tag (`O`). */
export function chunkTypeOf(tag: string): string {
  const hyphen = tag.indexOf('-');
  return hyphen < 0 ? tag : tag.slice(hyphen + 1);
}

/** Per-type conlleval scores and the chunk-type confusion of a span task (tags in IOB1/IOB2). */
export function chunkBreakdown(gold: Tags, pred: Tags, options: BreakdownOptions = {}): Breakdown {
  const result = scoreSequences(gold, pred);
  const seen = new Set<string>();
  const types: TypeScore[] = [];
  for (const t of reportTypeOrder(result)) {
    // conlleval lists the empty type twice in one quirky case; a table wants each type once.
    if (seen.has(t.type)) continue;
    seen.add(t.type);
    types.push({ type: t.type, precision: t.precision, recall: t.recall, f1: t.fb1, support: t.foundCorrect, predicted: t.foundGuessed, correct: t.correctChunks });
  }
  // A type's errors are the sentences where it lost precision or recall: scored one by one, which
  // sums to the whole since conlleval scores every sentence on its own (a boundary after each).
  const ids = options.sentenceIds;
  const limit = options.errorLimit ?? DEFAULT_ERROR_LIMIT;
  const typeErrors = new Map<string, ErrorSentences>();
  gold.forEach((g, s) => {
    const p = pred[s] as readonly string[];
    // A sentence tagged right throughout has no chunk error (and most are, once a model trains).
    if (g.every((tag, i) => tag === p[i])) return;
    for (const t of scoreSequences([g], [p]).byType.values()) {
      if (t.correctChunks < t.foundCorrect || t.correctChunks < t.foundGuessed) note(typeErrors, t.type, ids?.[s] ?? s, limit);
    }
  });
  const asTypes = (tags: Tags) => tags.map((sentence) => sentence.map(chunkTypeOf));
  const { confusion, cells } = foldedConfusion(asTypes(gold), asTypes(pred), options);
  return { types, confusion, errors: { cells, types: types.flatMap((t) => listed(typeErrors, t.type, (e) => ({ type: t.type, ...e }))) } };
}

/** Per-tag token precision/recall/F1 and the tag confusion of a plain task. */
export function tagBreakdown(gold: Tags, pred: Tags, options: BreakdownOptions = {}): Breakdown {
  const full = confusionMatrix(gold, pred);
  const types = perLabelScores(full)
    .filter((s) => s.support > 0 || s.predicted > 0)
    .sort((a, b) => b.support - a.support || b.predicted - a.predicted || compare(a.label, b.label))
    .map((s) => ({ type: s.label, precision: s.precision, recall: s.recall, f1: s.f1, support: s.support, predicted: s.predicted, correct: s.correct }));
  const ids = options.sentenceIds;
  const limit = options.errorLimit ?? DEFAULT_ERROR_LIMIT;
  const typeErrors = new Map<string, ErrorSentences>();
  gold.forEach((g, s) => {
    const p = pred[s] as readonly string[];
    const wrong = new Set<string>();
    g.forEach((tag, i) => {
      if (tag !== p[i]) wrong.add(tag).add(p[i] as string);
    });
    for (const tag of wrong) note(typeErrors, tag, ids?.[s] ?? s, limit);
  });
  const { confusion, cells } = foldedConfusion(gold, pred, options, full);
  return { types, confusion, errors: { cells, types: types.flatMap((t) => listed(typeErrors, t.type, (e) => ({ type: t.type, ...e }))) } };
}

/**
 * The confusion matrix of `gold` × `pred` labels capped to the `maxLabels` most frequent (gold plus
 * predicted tokens; ties by name), the rest summed into `(other)`, with the sentences of each
 * off-diagonal cell (largest cells first).
 */
function foldedConfusion(
  gold: Tags,
  pred: Tags,
  options: BreakdownOptions,
  full: ConfusionMatrix = confusionMatrix(gold, pred),
): { confusion: ConfusionCounts; cells: TaskErrors['cells'] } {
  const maxLabels = Math.max(1, options.maxLabels ?? DEFAULT_MAX_LABELS);
  const frequency = full.labels.map((_, i) => (full.counts[i] as number[]).reduce((a, b) => a + b, 0) + full.counts.reduce((a, row) => a + (row[i] as number), 0));
  const byFrequency = full.labels.map((label, i) => ({ label, i, n: frequency[i] as number })).sort((a, b) => b.n - a.n || compare(a.label, b.label));
  const folding = byFrequency.length > maxLabels;
  const kept = folding ? byFrequency.slice(0, maxLabels) : byFrequency;
  const folded = folding ? byFrequency.slice(maxLabels).map((e) => e.label) : [];
  const labels = kept.map((e) => e.label);
  if (folding) labels.push(OTHER_LABEL);
  /** Full-matrix index → row in the capped matrix. */
  const row = new Array<number>(full.labels.length).fill(labels.length - 1);
  kept.forEach((e, r) => (row[e.i] = r));
  const index = new Map(full.labels.map((label, i) => [label, row[i] as number]));
  const counts = labels.map(() => labels.map(() => 0));
  full.counts.forEach((cells, g) => cells.forEach((n, p) => ((counts[row[g] as number] as number[])[row[p] as number]! += n)));

  const ids = options.sentenceIds;
  const limit = options.errorLimit ?? DEFAULT_ERROR_LIMIT;
  const errors = new Map<string, ErrorSentences>();
  gold.forEach((g, s) => {
    const p = pred[s] as readonly string[];
    const keys = new Set<string>();
    g.forEach((tag, t) => {
      const r = index.get(tag) as number;
      const c = index.get(p[t] as string) as number;
      if (r !== c) keys.add(`${r},${c}`);
    });
    for (const key of keys) note(errors, key, ids?.[s] ?? s, limit);
  });
  const cells = [...errors.entries()]
    .map(([key, e]) => {
      const [r, c] = key.split(',').map(Number) as [number, number];
      return { gold: labels[r] as string, pred: labels[c] as string, ...e, tokens: (counts[r] as number[])[c] as number };
    })
    .sort((a, b) => b.tokens - a.tokens || compare(a.gold, b.gold) || compare(a.pred, b.pred))
    .map(({ tokens: _tokens, ...cell }) => cell);
  return { confusion: { labels, counts, folded }, cells };
}

function note(errors: Map<string, ErrorSentences>, key: string, sentence: number, limit: number): void {
  let entry = errors.get(key);
  if (!entry) errors.set(key, (entry = { sentences: [], count: 0 }));
  entry.count++;
  if (entry.sentences.length < limit) entry.sentences.push(sentence);
}

function listed<T>(errors: Map<string, ErrorSentences>, key: string, make: (e: ErrorSentences) => T): T[] {
  const entry = errors.get(key);
  return entry ? [make(entry)] : [];
}

/**
 * A confusion matrix as text, for `mtaa eval --confusion`: rows gold, columns predicted, right-aligned
 * counts, and a line naming the labels summed in `(other)`.
 */
export function formatConfusion(confusion: ConfusionCounts): string {
  const head = 'gold \\ pred';
  const first = Math.max(head.length, ...confusion.labels.map((l) => l.length));
  const widths = confusion.labels.map((label, p) => Math.max(label.length, ...confusion.counts.map((row) => String(row[p] ?? 0).length)));
  const line = (name: string, cells: string[]) => `${name.padEnd(first)}${cells.map((c, p) => ` ${c.padStart(widths[p] as number)}`).join('')}\n`;
  let text = line(head, confusion.labels);
  confusion.labels.forEach((label, g) => {
    text += line(label, confusion.labels.map((_, p) => String((confusion.counts[g] as number[])[p] ?? 0)));
  });
  if (confusion.folded.length > 0) text += `${OTHER_LABEL}: ${confusion.folded.join(' ')}\n`;
  return text;
}

/** Byte-wise order (as conlleval sorts), independent of the locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
