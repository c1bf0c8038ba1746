/**
 * What the scores panel shows of a run, as pure functions: which evaluations have a per-type
 * breakdown (the latest dev epoch, the test file), the confusion matrix as shaded cells, the error
 * sentences behind a clicked cell or type, and the note on labels folded into "(other)".
 */
import type { ConfusionCounts, ErrorSentences, TaskBreakdown } from '../../core/events.ts';
import type { RunRecord } from '../../core/runState.ts';

export interface BreakdownSource {
  key: 'dev' | 'test';
  /** e.g. "Dev, epoch 3" or "Test (eng.testb), best epoch 2". */
  label: string;
  tasks: TaskBreakdown[];
}

/** The evaluations of `run` that carry a breakdown: its latest dev epoch, then its test file. */
export function breakdownSources(run: Partial<Pick<RunRecord, 'devBreakdown' | 'test'>>): BreakdownSource[] {
  const sources: BreakdownSource[] = [];
  if (run.devBreakdown && run.devBreakdown.tasks.length > 0) {
    sources.push({ key: 'dev', label: `Dev, epoch ${run.devBreakdown.epoch}`, tasks: run.devBreakdown.tasks });
  }
  const test = run.test;
  if (test?.breakdown && test.breakdown.length > 0) {
    sources.push({ key: 'test', label: `Test (${test.fileName}), best epoch ${test.epoch}`, tasks: test.breakdown });
  }
  return sources;
}

/** What a click in the panel selects: a confusion cell or a row of the per-type table. */
export type ErrorSelection = { kind: 'cell'; gold: string; pred: string } | { kind: 'type'; type: string };

/** The error sentences behind a selection (none when the evaluation kept none, e.g. a test file). */
export function errorsFor(task: TaskBreakdown, selection: ErrorSelection): ErrorSentences | null {
  if (!task.errors) return null;
  if (selection.kind === 'cell') return task.errors.cells.find((c) => c.gold === selection.gold && c.pred === selection.pred) ?? null;
  return task.errors.types.find((t) => t.type === selection.type) ?? null;
}

/** How a selection reads above its sentence list. */
export function describeSelection(task: TaskBreakdown, selection: ErrorSelection): string {
  if (selection.kind === 'cell') return `${task.task}: gold ${selection.gold} predicted as ${selection.pred}`;
  return task.metric === 'f1' ? `${task.task}: a ${selection.type} chunk missed or spurious` : `${task.task}: ${selection.type} wrong (in gold or prediction)`;
}

export interface MatrixCell {
  gold: string;
  pred: string;
  count: number;
  /** count / the gold row's tokens, in [0, 1]: the cell's shade. */
  share: number;
  diagonal: boolean;
}

export interface MatrixRow {
  gold: string;
  /** Tokens with this gold label. */
  total: number;
  cells: MatrixCell[];
}

/** The confusion counts as rows of cells, each with its share of its gold row. */
export function matrixRows(confusion: ConfusionCounts): MatrixRow[] {
  return confusion.labels.map((gold, g) => {
    const counts = confusion.counts[g] ?? [];
    const total = counts.reduce((a, b) => a + b, 0);
    return {
      gold,
      total,
      cells: confusion.labels.map((pred, p) => {
        const count = counts[p] ?? 0;
        return { gold, pred, count, share: total > 0 ? count / total : 0, diagonal: g === p };
      }),
    };
  });
}

/** The note under a capped matrix (null when every label has its row). */
export function foldNote(confusion: ConfusionCounts): string | null {
  const n = confusion.folded.length;
  if (n === 0) return null;
  const kept = confusion.labels.length - 1;
  const names = confusion.folded.slice(0, 8).join(', ') + (n > 8 ? ', …' : '');
  return `The ${kept} most frequent of ${kept + n} labels; the other ${n} (${names}) are summed in “(other)”.`;
}

/** What a matrix's labels are, for its caption. */
export function matrixUnit(task: TaskBreakdown): string {
  return task.metric === 'f1' ? 'tokens by chunk type (B-/I- merged; O outside)' : 'tokens by tag';
}

/** A percentage as the run cards print scores. */
export function percent(value: number): string {
  return value.toFixed(2);
}
