/**
 * Run names: unique among the runs a researcher sees (two runs both called "MTAA" cannot be told
 * apart in a legend), and the short name of the data a run trained on. Pure TypeScript: the
 * worker names new runs with it, the page checks renames and labels cards, legends and tables.
 */
import type { RunInfo } from './events.ts';

/**
 * `name` if no run has it, else `name 2`, `name 3`, … (the first free one). Names are compared
 * trimmed and case-sensitively, as they are shown.
 */
export function uniqueRunName(name: string, taken: Iterable<string>): string {
  const base = name.trim();
  const used = new Set([...taken].map((t) => t.trim()));
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base} ${n}`;
    if (!used.has(candidate)) return candidate;
  }
}

/**
 * Why `name` cannot be `runId`'s new name (empty, or another run's), or null when it can.
 * `runs` are every run's id and current name.
 */
export function renameProblem(name: string, runId: string, runs: Iterable<{ runId: string; label: string }>): string | null {
  const wanted = name.trim();
  if (!wanted) return 'A run needs a name.';
  for (const run of runs) {
    if (run.runId !== runId && run.label.trim() === wanted) return `${run.runId} is already called "${wanted}": run names are unique.`;
  }
  return null;
}

/** The first 8 hex digits of a SHA-256, enough to tell datasets apart (as git shortens commits). */
export function shortHash(hash: string | null | undefined): string {
  return hash ? hash.slice(0, 8) : '';
}

const count = new Intl.NumberFormat('en-US');

/**
 * The data a run trained on, in one line: `eng.testa · 3,250 sentences · 1a2b3c4d` (the count and
 * hash are left out for runs kept from before they were recorded, or imported without them).
 */
export function datasetLabel(info: Pick<RunInfo, 'datasetName' | 'datasetSentences' | 'datasetHash'>): string {
  return [
    info.datasetName,
    info.datasetSentences !== undefined ? `${count.format(info.datasetSentences)} sentence${info.datasetSentences === 1 ? '' : 's'}` : '',
    shortHash(info.datasetHash),
  ]
    .filter(Boolean)
    .join(' · ');
}

/** What tells two runs' data apart: the hash when known, else the name and sentence count. */
function dataKey(info: Pick<RunInfo, 'datasetName' | 'datasetSentences' | 'datasetHash'>): string {
  return info.datasetHash ?? `${info.datasetName}|${info.datasetSentences ?? ''}`;
}

/**
 * Each run's name as legends show it: its name alone while every run trained on the same data (the
 * data is then said once, beside the charts), else its name with its data (`MTAA (eng.testa ·
 * 1a2b3c4d)`), so a UPOS curve of one file is not read as a POS curve of another. `shared` is that
 * one dataset's line, or null when there are several.
 */
export function legendNames(infos: readonly RunInfo[]): { names: Record<string, string>; shared: string | null } {
  const keys = new Set(infos.map(dataKey));
  const names: Record<string, string> = {};
  for (const info of infos) {
    names[info.runId] = keys.size > 1 ? `${info.label} (${[info.datasetName, shortHash(info.datasetHash)].filter(Boolean).join(' · ')})` : info.label;
  }
  return { names, shared: keys.size === 1 && infos[0] ? datasetLabel(infos[0]) : null };
}
