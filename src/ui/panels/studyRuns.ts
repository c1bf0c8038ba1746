/**
 * The runs a study's table and curves read: those of its items, by run id. A selector for
 * `useShallow`: the record is rebuilt on every store update, but compares equal (same run objects)
 * until one of the study's runs changes, so the study panel ignores every other run's reports.
 */
import type { RunState } from '../store/runsSlice.ts';
import type { Study } from '../study.ts';

export function studyRunsOf(state: { study: Study | null; runs: Readonly<Record<string, RunState>> }): Record<string, RunState> {
  const out: Record<string, RunState> = {};
  for (const item of state.study?.items ?? []) {
    const run = item.runId ? state.runs[item.runId] : undefined;
    if (run) out[item.runId!] = run;
  }
  return out;
}
