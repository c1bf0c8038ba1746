/**
 * The ablation study as pure data: a queue of (configuration, seed) items run one after another,
 * reorderable and cancellable while queued, and its result table in the manner of the paper's
 * Tables VI and VII: per configuration and task, the dev score of the best epoch and, where a test
 * file was loaded, that epoch's test score, as mean ± standard deviation over the seeds; and its
 * curves in the manner of Figures 2 and 3: per task, dev score by epoch, one line per configuration.
 * No React, no worker: the store drives it (store.ts) and the panel shows it (panels/StudyPanel.tsx).
 */
import type { ModelConfig, RunConfig, TaskScore } from '../protocol.ts';
import type { RunRecord } from '../core/runState.ts';

/** The paper's ablations (src/model/config.ts), in the order of its tables. */
export const DEFAULT_ABLATIONS = ['MTAA', 'no-TD', 'E-ADV', 'average', 'concat', 'two-step attention', 'base', 'iterative'] as const;

export type StudyItemStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface StudyItem {
  id: string;
  /** Ablation name, e.g. `no-TD`. */
  configName: string;
  seed: number;
  config: RunConfig;
  status: StudyItemStatus;
  runId?: string;
}

export interface Study {
  id: string;
  items: StudyItem[];
  /** Whether the queue moves on by itself (false once the user stopped the study). */
  active: boolean;
}

/** Builds a study: each ablation patch on `base`, each with every seed (configuration-major order). */
export function createStudy(id: string, base: RunConfig, ablations: readonly { name: string; patch: Partial<ModelConfig> }[], seeds: readonly number[]): Study {
  if (ablations.length === 0) throw new Error('Choose at least one configuration.');
  if (seeds.length === 0) throw new Error('Give at least one seed.');
  const items: StudyItem[] = [];
  for (const { name, patch } of ablations) {
    for (const seed of seeds) {
      const config = structuredClone(base);
      Object.assign(config.model, structuredClone(patch));
      config.train.seed = seed;
      items.push({ id: `${id}-${items.length + 1}`, configName: name, seed, config, status: 'queued' });
    }
  }
  return { id, items, active: true };
}

/** Reads "1, 2, 3" (commas or spaces) into distinct non-negative integer seeds; throws naming the bad one. */
export function parseSeeds(text: string): number[] {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  if (parts.length === 0) throw new Error('seeds: give at least one seed, e.g. "1, 2, 3"');
  const seeds: number[] = [];
  for (const part of parts) {
    const n = Number(part);
    if (!Number.isInteger(n) || n < 0 || n > 2 ** 31 - 1) throw new Error(`seeds: "${part}" is not a non-negative integer`);
    if (!seeds.includes(n)) seeds.push(n);
  }
  return seeds;
}

const patchItem = (study: Study, id: string, patch: Partial<StudyItem>): Study => ({
  ...study,
  items: study.items.map((item) => (item.id === id ? { ...item, ...patch } : item)),
});

/** Moves a queued item up (−1) or down (+1) among the queued items. */
export function moveItem(study: Study, id: string, delta: -1 | 1): Study {
  const items = [...study.items];
  const at = items.findIndex((i) => i.id === id);
  if (at < 0 || items[at]!.status !== 'queued') return study;
  let to = at + delta;
  while (to >= 0 && to < items.length && items[to]!.status !== 'queued') to += delta;
  if (to < 0 || to >= items.length) return study;
  [items[at], items[to]] = [items[to]!, items[at]!];
  return { ...study, items };
}

export function cancelItem(study: Study, id: string): Study {
  const item = study.items.find((i) => i.id === id);
  return item && item.status === 'queued' ? patchItem(study, id, { status: 'cancelled' }) : study;
}

/** Cancels every queued item and stops the queue (a running item is left to the run controls). */
export function cancelStudy(study: Study): Study {
  return { ...study, active: false, items: study.items.map((i) => (i.status === 'queued' ? { ...i, status: 'cancelled' } : i)) };
}

export function runningItem(study: Study): StudyItem | undefined {
  return study.items.find((i) => i.status === 'running');
}

export function nextQueued(study: Study): StudyItem | undefined {
  return study.active ? study.items.find((i) => i.status === 'queued') : undefined;
}

export function markStarted(study: Study, id: string, runId: string): Study {
  return patchItem(study, id, { status: 'running', runId });
}

/**
 * Settles the running item from its run's status: `completed` (and a user's stop, which keeps the
 * best epoch so far) makes it done; `failed` makes it failed. Interrupted or paused runs keep the
 * queue waiting until they are resumed and end.
 */
export function settleRunning(study: Study, runs: Readonly<Record<string, RunRecord>>): Study {
  const item = runningItem(study);
  if (!item?.runId) return study;
  const run = runs[item.runId];
  if (!run) return patchItem(study, item.id, { status: 'failed' }); // deleted
  if (run.status === 'completed' || run.status === 'stopped') return patchItem(study, item.id, { status: 'done' });
  if (run.status === 'failed') return patchItem(study, item.id, { status: 'failed' });
  return study;
}

/**
 * The dev scores of a run's best epoch — the last epoch flagged `best` (the trainer flags each new
 * best), else the highest mean dev score — or null before its first epoch.
 */
export function bestEpochOf(run: RunRecord): { epoch: number; devScore: number; dev: TaskScore[] } | null {
  let best: RunRecord['epochs'][number] | undefined;
  for (const e of run.epochs) if (e.best) best = e;
  for (const e of run.epochs) if (!best || (!best.best && e.devScore > best.devScore)) best = e;
  return best ? { epoch: best.epoch, devScore: best.devScore, dev: best.dev.scores } : null;
}

export interface MeanStd {
  mean: number;
  std: number;
  n: number;
}

/** Mean and sample standard deviation (n − 1; 0 for a single value). */
export function meanStd(values: readonly number[]): MeanStd {
  const n = values.length;
  if (n === 0) return { mean: NaN, std: NaN, n: 0 };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, std: Math.sqrt(variance), n };
}

export interface StudyRow {
  configName: string;
  /** Run ids that contributed (done or failed items with at least one epoch). */
  runIds: string[];
  seeds: number[];
  /**
   * Per task name: the best epoch's dev score over the seeds, and its test score over the seeds that
   * have one (runs started with a test file that labels the task).
   */
  tasks: Record<string, { metric: TaskScore['metric']; dev: MeanStd; test?: MeanStd }>;
  /** The best epoch's mean dev score over tasks, over the seeds. */
  devScore: MeanStd;
}

export interface StudyTable {
  tasks: string[];
  rows: StudyRow[];
  /** Whether any run has test scores (the table and CSV then have test columns). */
  hasTest: boolean;
}

/** The result table: one row per configuration, in the order of the study's items. */
export function studyTable(study: Study, runs: Readonly<Record<string, RunRecord>>): StudyTable {
  const tasks: string[] = [];
  let hasTest = false;
  const push = (map: Map<string, number[]>, task: string, value: number) => map.set(task, [...(map.get(task) ?? []), value]);
  const byConfig = new Map<
    string,
    { runIds: string[]; seeds: number[]; scores: number[]; dev: Map<string, number[]>; test: Map<string, number[]>; metric: Map<string, TaskScore['metric']> }
  >();
  for (const item of study.items) {
    if (!byConfig.has(item.configName)) byConfig.set(item.configName, { runIds: [], seeds: [], scores: [], dev: new Map(), test: new Map(), metric: new Map() });
    const run = item.runId ? runs[item.runId] : undefined;
    const best = run ? bestEpochOf(run) : null;
    if (!run || !best || (item.status !== 'done' && item.status !== 'failed')) continue;
    const entry = byConfig.get(item.configName)!;
    entry.runIds.push(run.info.runId);
    entry.seeds.push(item.seed);
    entry.scores.push(best.devScore);
    for (const score of best.dev) {
      if (!tasks.includes(score.task)) tasks.push(score.task);
      entry.metric.set(score.task, score.metric);
      push(entry.dev, score.task, score.value);
    }
    // The worker scores the best epoch on test when the run ends; a failed scoring has a message, no scores.
    for (const score of run.test && !run.test.message ? run.test.scores : []) {
      if (!tasks.includes(score.task)) tasks.push(score.task);
      if (!entry.metric.has(score.task)) entry.metric.set(score.task, score.metric);
      push(entry.test, score.task, score.value);
      hasTest = true;
    }
  }
  const rows: StudyRow[] = [];
  for (const [configName, entry] of byConfig) {
    if (entry.runIds.length === 0) continue;
    const taskCells: StudyRow['tasks'] = {};
    for (const task of tasks) {
      const dev = entry.dev.get(task);
      const test = entry.test.get(task);
      if (!dev && !test) continue;
      taskCells[task] = { metric: entry.metric.get(task) ?? 'f1', dev: meanStd(dev ?? []), ...(test ? { test: meanStd(test) } : {}) };
    }
    rows.push({ configName, runIds: entry.runIds, seeds: entry.seeds, tasks: taskCells, devScore: meanStd(entry.scores) });
  }
  return { tasks, rows, hasTest };
}

const fixed = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '');

/**
 * The table as CSV: per task dev mean and std (and test mean and std when any run has test
 * scores), the mean over tasks, then the seeds and run ids.
 */
export function studyCsv(table: StudyTable): string {
  const taskHeader = (t: string) => [`${t} dev mean`, `${t} dev std`, ...(table.hasTest ? [`${t} test mean`, `${t} test std`] : [])];
  const header = ['configuration', ...table.tasks.flatMap(taskHeader), 'mean dev', 'mean dev std', 'seeds', 'runs'];
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [header.map(quote).join(',')];
  for (const row of table.rows) {
    const cells = table.tasks.flatMap((task) => {
      const cell = row.tasks[task];
      const dev = [fixed(cell?.dev.mean ?? NaN), fixed(cell?.dev.std ?? NaN)];
      return table.hasTest ? [...dev, fixed(cell?.test?.mean ?? NaN), fixed(cell?.test?.std ?? NaN)] : dev;
    });
    lines.push([row.configName, ...cells, fixed(row.devScore.mean), fixed(row.devScore.std), row.seeds.join(' '), row.runIds.join(' ')].map(quote).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** One configuration's curve on one task: the dev score per epoch, averaged over its seeds. */
export interface StudyCurve {
  configName: string;
  /** `n`: the seeds that reached this epoch (a stopped or running seed may have fewer epochs). */
  points: { epoch: number; mean: number; n: number }[];
}

export interface StudyTaskCurves {
  task: string;
  metric: TaskScore['metric'];
  curves: StudyCurve[];
}

/**
 * The study's curves, like the paper's Figures 2 and 3: per task, dev score against epoch, one line
 * per configuration (mean over its seeds at each epoch). Every item with a run counts, also one
 * still running, so the curves grow live. After a resume an epoch may be reported twice: the later
 * report is the one that stands.
 */
export function studyCurves(study: Study, runs: Readonly<Record<string, RunRecord>>): StudyTaskCurves[] {
  const tasks: { task: string; metric: TaskScore['metric'] }[] = [];
  // configuration → task → epoch → values over seeds
  const byConfig = new Map<string, Map<string, Map<number, number[]>>>();
  for (const item of study.items) {
    const run = item.runId ? runs[item.runId] : undefined;
    if (!run) continue;
    const latest = new Map<number, TaskScore[]>();
    for (const e of run.epochs) latest.set(e.epoch, e.dev.scores);
    const perTask = byConfig.get(item.configName) ?? new Map<string, Map<number, number[]>>();
    byConfig.set(item.configName, perTask);
    for (const [epoch, scores] of latest) {
      for (const score of scores) {
        if (!Number.isFinite(score.value)) continue;
        if (!tasks.some((t) => t.task === score.task)) tasks.push({ task: score.task, metric: score.metric });
        const perEpoch = perTask.get(score.task) ?? new Map<number, number[]>();
        perTask.set(score.task, perEpoch);
        perEpoch.set(epoch, [...(perEpoch.get(epoch) ?? []), score.value]);
      }
    }
  }
  return tasks.map(({ task, metric }) => ({
    task,
    metric,
    curves: [...byConfig].flatMap(([configName, perTask]) => {
      const perEpoch = perTask.get(task);
      if (!perEpoch) return [];
      const points = [...perEpoch]
        .sort((a, b) => a[0] - b[0])
        .map(([epoch, values]) => ({ epoch, mean: values.reduce((a, b) => a + b, 0) / values.length, n: values.length }));
      return [{ configName, points }];
    }),
  }));
}
