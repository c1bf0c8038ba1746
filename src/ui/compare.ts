/**
 * Run comparison as pure data: each run's settings said shortly (its nearest preset and the few
 * fields that differ from it), its difference from a chosen baseline, the data it trained on, its
 * best epoch's dev scores with a mean per metric kind (F1 and accuracy are never averaged together),
 * duration and backend. No React.
 */
import { presets, type PresetName } from '../core/config.ts';
import { configFields, type FieldPath } from '../core/configFields.ts';
import { datasetLabel } from '../core/runNames.ts';
import type { RunConfig, TaskScore } from '../protocol.ts';
import type { RunState } from './store/runsSlice.ts';
import { bestEpochOf } from './study.ts';

export interface ConfigChange {
  path: string;
  baseline: unknown;
  value: unknown;
}

function flatten(value: unknown, prefix: string, out: Map<string, unknown>): Map<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) flatten(inner, prefix ? `${prefix}.${key}` : key, out);
  } else out.set(prefix, value);
  return out;
}

/** The fields where `config` differs from `baseline`, in the baseline's field order (then new ones). */
export function configDiff(baseline: RunConfig, config: RunConfig): ConfigChange[] {
  const a = flatten(baseline, '', new Map());
  const b = flatten(config, '', new Map());
  const paths = [...a.keys(), ...[...b.keys()].filter((k) => !a.has(k))];
  return paths.filter((p) => a.get(p) !== b.get(p)).map((path) => ({ path, baseline: a.get(path), value: b.get(path) }));
}

/** A config as its nearest preset and the fields that differ from it. */
export interface SettingsSummary {
  preset: PresetName;
  /** `baseline` is the preset's value. */
  changes: ConfigChange[];
}

/** The preset `config` differs least from (the first in preset order on a tie), with those differences. */
export function nearestPreset(config: RunConfig): SettingsSummary {
  let best: SettingsSummary | null = null;
  for (const name of Object.keys(presets) as PresetName[]) {
    const changes = configDiff(presets[name], config);
    if (!best || changes.length < best.changes.length) best = { preset: name, changes };
  }
  return best!;
}

const isField = (path: string): path is FieldPath => path in configFields;

/** A field's short name (`λ1`, `fusion`), from src/core's field table; the dotted path for a field it lacks. */
function fieldName(path: string): string {
  if (!isField(path)) return path;
  const spec = configFields[path];
  return 'short' in spec ? spec.short : spec.label;
}

/** A value as the field table names it (`none (no-TD)` for the adversary `none`). */
function valueText(path: string, value: unknown): string {
  if (isField(path)) {
    const spec = configFields[path];
    if (spec.type === 'choice' && typeof value === 'string') return (spec.choices as Record<string, string>)[value] ?? value;
  }
  return String(value);
}

/** One changed field as `fusion attention → average`. */
export function describeChange(change: ConfigChange): string {
  return `${fieldName(change.path)} ${valueText(change.path, change.baseline)} → ${valueText(change.path, change.value)}`;
}

/** A config in a few words: `preset tiny`, or `preset tiny · fusion average · λ1 1`. */
export function describeSettings(config: RunConfig): string {
  const { preset, changes } = nearestPreset(config);
  return [`preset ${preset}`, ...changes.map((c) => `${fieldName(c.path)} ${valueText(c.path, c.value)}`)].join(' · ');
}

/**
 * How `config` differs from `baseline`, shortly: the changed fields when both come from the same
 * preset (`adversary on individual (MTAA) → none (no-TD)`), else the preset change and the run's own
 * changes from its preset (`preset small → tiny · fusion average`), instead of every size that the
 * presets set differently.
 */
export function describeDifference(baseline: RunConfig, config: RunConfig): string {
  const diff = configDiff(baseline, config);
  if (diff.length === 0) return 'same settings';
  const from = nearestPreset(baseline);
  const to = nearestPreset(config);
  if (from.preset === to.preset) return diff.map(describeChange).join(' · ');
  return [`preset ${from.preset} → ${to.preset}`, ...to.changes.map((c) => `${fieldName(c.path)} ${valueText(c.path, c.value)}`)].join(' · ');
}

/** Mean of the scores of one metric kind (null when the run has none of that kind). */
function meanOf(scores: readonly TaskScore[], metric: TaskScore['metric']): number | null {
  const values = scores.filter((s) => s.metric === metric).map((s) => s.value);
  return values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

export interface ComparisonRow {
  runId: string;
  label: string;
  /** The data it trained on: `file · N sentences · hash`. */
  data: string;
  status: RunState['status'];
  backend: string;
  /** Training time in seconds so far (the done event's, else the latest report's). */
  seconds: number | null;
  bestEpoch: number | null;
  scores: TaskScore[];
  /** Means of the best epoch's chunk F1 scores and of its accuracy scores, apart. */
  means: { f1: number | null; accuracy: number | null };
  /** Its settings in a few words (`describeSettings`). */
  settings: string;
  /** Its settings against the baseline's, field by field (empty for the baseline itself). */
  diff: ConfigChange[];
  /** The same, said shortly (`describeDifference`); null for the baseline itself. */
  difference: string | null;
  visible: boolean;
}

export function compareRuns(runs: Readonly<Record<string, RunState>>, order: readonly string[], baselineId: string | null): ComparisonRow[] {
  const baseline = baselineId ? runs[baselineId] : undefined;
  return order.flatMap((runId) => {
    const run = runs[runId];
    if (!run) return [];
    const best = bestEpochOf(run);
    const scores = best?.dev ?? [];
    const seconds = run.done?.seconds ?? run.steps.at(-1)?.elapsedSeconds ?? null;
    const against = baseline && baseline !== run ? baseline.info.config : null;
    return [
      {
        runId,
        label: run.info.label,
        data: datasetLabel(run.info),
        status: run.status,
        backend: run.info.backend,
        seconds,
        bestEpoch: best?.epoch ?? null,
        scores,
        means: { f1: meanOf(scores, 'f1'), accuracy: meanOf(scores, 'accuracy') },
        settings: describeSettings(run.info.config),
        diff: against ? configDiff(against, run.info.config) : [],
        difference: against ? describeDifference(against, run.info.config) : null,
        visible: run.visible,
      },
    ];
  });
}

/**
 * The score columns of the table: each task with its metric (`NER F1`, `POS acc`), and a mean
 * column per metric kind only where at least two tasks share that kind (a mean of one is the task).
 */
export function scoreColumns(rows: readonly ComparisonRow[]): { tasks: { task: string; metric: TaskScore['metric'] }[]; meanF1: boolean; meanAccuracy: boolean } {
  const tasks = new Map<string, TaskScore['metric']>();
  for (const row of rows) for (const s of row.scores) if (!tasks.has(s.task)) tasks.set(s.task, s.metric);
  const list = [...tasks].map(([task, metric]) => ({ task, metric }));
  return {
    tasks: list,
    meanF1: list.filter((t) => t.metric === 'f1').length >= 2,
    meanAccuracy: list.filter((t) => t.metric === 'accuracy').length >= 2,
  };
}
