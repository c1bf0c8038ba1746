/**
 * Run comparison as pure data: each run's config against a chosen baseline (the fields that
 * differ, by dotted path), its best epoch's dev scores, duration and backend. No React.
 */
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

export interface ComparisonRow {
  runId: string;
  label: string;
  status: RunState['status'];
  backend: string;
  /** Training time in seconds so far (the done event's, else the latest report's). */
  seconds: number | null;
  bestEpoch: number | null;
  devScore: number | null;
  scores: TaskScore[];
  diff: ConfigChange[];
  visible: boolean;
}

export function compareRuns(runs: Readonly<Record<string, RunState>>, order: readonly string[], baselineId: string | null): ComparisonRow[] {
  const baseline = baselineId ? runs[baselineId] : undefined;
  return order.flatMap((runId) => {
    const run = runs[runId];
    if (!run) return [];
    const best = bestEpochOf(run);
    const seconds = run.done?.seconds ?? run.steps.at(-1)?.elapsedSeconds ?? null;
    return [
      {
        runId,
        label: run.info.label,
        status: run.status,
        backend: run.info.backend,
        seconds,
        bestEpoch: best?.epoch ?? null,
        devScore: best?.devScore ?? null,
        scores: best?.dev ?? [],
        diff: baseline && baseline !== run ? configDiff(baseline.info.config, run.info.config) : [],
        visible: run.visible,
      },
    ];
  });
}

export function describeChange(change: ConfigChange): string {
  return `${change.path}: ${String(change.baseline)} → ${String(change.value)}`;
}
