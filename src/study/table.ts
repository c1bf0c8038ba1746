/**
 * An ablation study's results as pure data, shared by the browser's study runner (src/ui/study.ts)
 * and `mtaa study collect` (src/cli/studyCollect.ts), so the page and the command line print the
 * same table from the same runs: in the manner of the paper's Tables VI and VII, per configuration
 * and task, the dev score of the best epoch and, where the run was scored on a test file, that
 * epoch's test score, as mean ± sample standard deviation over the seeds; and its curves in the
 * manner of Figures 2 and 3: per task, dev score by epoch, one line per configuration.
 */
import type { AttentionSummary, DiscriminatorAccuracy, TaskScore } from '../protocol.ts';

/** One epoch of a run as the table needs it (an `EpochEvent`'s fields). */
export interface StudyEpoch {
  epoch: number;
  /** The trainer's flag: a new best mean dev score. */
  best: boolean;
  /** Mean of the dev task scores. */
  devScore: number;
  /** The dev report (an `EpochEvent`'s `dev`): its scores, and for diagnostics.ts its β and discriminators. */
  dev: { scores: TaskScore[]; attention?: AttentionSummary[]; discriminatorAccuracy?: DiscriminatorAccuracy[] };
}

/** One (configuration, seed) run: from the page's run state, or from a `mtaa train` log. */
export interface StudyRunRecord {
  runId: string;
  configName: string;
  seed: number;
  /** In the order reported (after a resume an epoch may come twice: the later one stands). */
  epochs: StudyEpoch[];
  /** Its best epoch scored on a test file (none: not scored). */
  test?: TaskScore[];
}

/**
 * The dev scores of a run's best epoch — the last epoch flagged `best` (the trainer flags each new
 * best), else the highest mean dev score — or null before its first epoch.
 */
export function bestEpochOf(run: { epochs: readonly StudyEpoch[] }): { epoch: number; devScore: number; dev: TaskScore[] } | null {
  let best: StudyEpoch | undefined;
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
  /** Run ids that contributed (runs with at least one epoch). */
  runIds: string[];
  seeds: number[];
  /** Each contributing run's best epoch, in `runIds` order. */
  bestEpochs: number[];
  /**
   * Per task name: the best epoch's dev score over the seeds, and its test score over the seeds that
   * have one (runs scored on a test file that labels the task).
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

/** The result table: one row per configuration, in the order the runs come; runs without an epoch add nothing. */
export function studyTable(records: readonly StudyRunRecord[]): StudyTable {
  const tasks: string[] = [];
  let hasTest = false;
  const push = (map: Map<string, number[]>, task: string, value: number) => map.set(task, [...(map.get(task) ?? []), value]);
  interface Entry {
    runIds: string[];
    seeds: number[];
    bestEpochs: number[];
    scores: number[];
    dev: Map<string, number[]>;
    test: Map<string, number[]>;
    metric: Map<string, TaskScore['metric']>;
  }
  const byConfig = new Map<string, Entry>();
  for (const run of records) {
    if (!byConfig.has(run.configName)) byConfig.set(run.configName, { runIds: [], seeds: [], bestEpochs: [], scores: [], dev: new Map(), test: new Map(), metric: new Map() });
    const best = bestEpochOf(run);
    if (!best) continue;
    const entry = byConfig.get(run.configName)!;
    entry.runIds.push(run.runId);
    entry.seeds.push(run.seed);
    entry.bestEpochs.push(best.epoch);
    entry.scores.push(best.devScore);
    for (const score of best.dev) {
      if (!tasks.includes(score.task)) tasks.push(score.task);
      entry.metric.set(score.task, score.metric);
      push(entry.dev, score.task, score.value);
    }
    for (const score of run.test ?? []) {
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
    rows.push({ configName, runIds: entry.runIds, seeds: entry.seeds, bestEpochs: entry.bestEpochs, tasks: taskCells, devScore: meanStd(entry.scores) });
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
 * per configuration (mean over its seeds at each epoch). Every run given counts, also one still
 * running, so the page's curves grow live. An epoch reported twice (after a resume): the later
 * report stands.
 */
export function studyCurves(records: readonly StudyRunRecord[]): StudyTaskCurves[] {
  const tasks: { task: string; metric: TaskScore['metric'] }[] = [];
  // configuration → task → epoch → values over seeds
  const byConfig = new Map<string, Map<string, Map<number, number[]>>>();
  for (const run of records) {
    const latest = new Map<number, TaskScore[]>();
    for (const e of run.epochs) latest.set(e.epoch, e.dev.scores);
    const perTask = byConfig.get(run.configName) ?? new Map<string, Map<number, number[]>>();
    byConfig.set(run.configName, perTask);
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
