/**
 * Chart data derivation: pure functions from the runs slice to what the charts draw. No React, no
 * DOM, no drawing, so every curve can be unit-tested in Node.
 *
 * Conventions shared by every chart:
 * - a run's colour is fixed by its position in `order` (hidden runs keep theirs), so a run looks
 *   the same on every chart and after toggling;
 * - hidden runs contribute no series and no markers (they are not rendered at all);
 * - a chart that overlays several curves per run keeps the run's colour and varies the dash;
 * - step series are downsampled (largest-triangle-three-buckets) beyond `maxPoints`.
 *
 * Over 450 lines: one derivation per chart, sharing the conventions above; the charts' reshaping
 * (issue 15) is where it splits by chart.
 */
import type { EpochEvent, StepEvent } from '../../protocol.ts';
import { describeLiveChange } from '../liveChange.ts';
import { DASHES, dashAt } from './lineStyles.ts';
import type { RunState, RunsState } from '../store/runsSlice.ts';

export { DASHES, dashAt } from './lineStyles.ts';

export interface Point {
  x: number;
  y: number;
}

export interface Series {
  /** Unique within one chart. */
  key: string;
  runId: string;
  /** Shown in tooltips: run label, plus the part when a run has several curves. */
  name: string;
  color: string;
  /** SVG stroke-dasharray ('' for solid). */
  dash: string;
  /** Which y axis (charts with two scales, e.g. learning rate and λ1). */
  axis: 'left' | 'right';
  points: Point[];
}

/** A live-setting change drawn as a vertical reference line. */
export interface Marker {
  key: string;
  runId: string;
  x: number;
  label: string;
  color: string;
}

/** A legend entry: one per run, hidden ones included (greyed, clickable to show again). */
export interface LegendRun {
  runId: string;
  label: string;
  color: string;
  visible: boolean;
  status: RunState['status'];
}

/** A line-style key entry for charts with several curves per run (loss parts, representations). */
export interface StyleKey {
  label: string;
  dash: string;
}

/** What the charts read from the store. */
export type RunsView = Pick<RunsState, 'runs' | 'order'>;

/** Tableau 10: distinguishable, colour-blind-considerate, printable. */
export const RUN_PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** Default cap on points per step series. */
export const MAX_STEP_POINTS = 500;

export function runColor(index: number): string {
  return RUN_PALETTE[((index % RUN_PALETTE.length) + RUN_PALETTE.length) % RUN_PALETTE.length]!;
}

export interface ShownRun {
  run: RunState;
  color: string;
}

/** Every run in start order with its colour and visibility: the legend. */
export function legendRuns(view: RunsView): LegendRun[] {
  const out: LegendRun[] = [];
  view.order.forEach((runId, index) => {
    const run = view.runs[runId];
    if (run) out.push({ runId, label: run.info.label, color: runColor(index), visible: run.visible, status: run.status });
  });
  return out;
}

/** The visible runs in start order, with their colours. */
export function shownRuns(view: RunsView): ShownRun[] {
  const out: ShownRun[] = [];
  view.order.forEach((runId, index) => {
    const run = view.runs[runId];
    if (run?.visible) out.push({ run, color: runColor(index) });
  });
  return out;
}

/** All runs (hidden ones too, so the set of small charts does not jump when toggling). */
export function allRuns(view: RunsView): RunState[] {
  return view.order.flatMap((id) => (view.runs[id] ? [view.runs[id]] : []));
}

/** Distinct values in first-seen order. */
export function distinct(values: Iterable<string>): string[] {
  return [...new Set(values)];
}

export const finite = (y: number | undefined): y is number => y !== undefined && Number.isFinite(y);

/**
 * Reports in arrival order, where a report at or before an earlier one's position supersedes it
 * and everything after it: a run resumed from an epoch checkpoint reports those steps and epochs
 * again, and its curves show the retrained stretch, not a zigzag back in time.
 */
export function superseding<T>(items: readonly T[], position: (item: T) => number): T[] {
  const out: T[] = [];
  for (const item of items) {
    const x = position(item);
    while (out.length > 0 && position(out[out.length - 1]!) >= x) out.pop();
    out.push(item);
  }
  return out;
}

/** A run's epoch reports after rewinds (memoised on the array). */
const epochCache = new WeakMap<readonly EpochEvent[], EpochEvent[]>();
function currentEpochs(epochs: readonly EpochEvent[]): EpochEvent[] {
  let cached = epochCache.get(epochs);
  if (!cached) epochCache.set(epochs, (cached = superseding(epochs, (e) => e.epoch)));
  return cached;
}

// ---------------------------------------------------------------------------------------------
// Formatting

/** Compact number for labels and tooltips: 3 significant digits, exponent for the very small/large. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e5 || magnitude < 1e-3) {
    const [mantissa, exponent] = value.toExponential(2).split('e');
    return `${String(Number(mantissa))}e${Number(exponent)}`;
  }
  return String(Number(value.toPrecision(3)));
}

// ---------------------------------------------------------------------------------------------
// Downsampling and scales

/**
 * Largest-triangle-three-buckets downsampling: keeps the first and last points and, per bucket,
 * the point that spans the largest triangle with its neighbours, so peaks and the overall shape
 * survive. Returns the input (copied) when it already has at most `max` points.
 */
export function downsample(points: readonly Point[], max: number = MAX_STEP_POINTS): Point[] {
  const n = points.length;
  if (max >= n || max < 3) return points.slice();
  const out: Point[] = [points[0]!];
  const bucket = (n - 2) / (max - 2);
  let a = 0;
  for (let i = 0; i < max - 2; i++) {
    const start = Math.floor(i * bucket) + 1;
    const end = Math.min(Math.floor((i + 1) * bucket) + 1, n - 1);
    // The next bucket's mean is the triangle's third corner (the last point for the last bucket).
    const nextStart = end;
    const nextEnd = Math.min(Math.floor((i + 2) * bucket) + 1, n);
    let meanX = 0;
    let meanY = 0;
    const nextCount = Math.max(nextEnd - nextStart, 1);
    for (let j = nextStart; j < nextStart + nextCount && j < n; j++) {
      meanX += points[j]!.x;
      meanY += points[j]!.y;
    }
    meanX /= nextCount;
    meanY /= nextCount;
    const pa = points[a]!;
    let best = start;
    let bestArea = -1;
    for (let j = start; j < end; j++) {
      const p = points[j]!;
      const area = Math.abs((pa.x - meanX) * (p.y - pa.y) - (pa.x - p.x) * (meanY - pa.y));
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    out.push(points[best]!);
    a = best;
  }
  out.push(points[n - 1]!);
  return out;
}

/** A log-scale domain spanning whole decades around the series' positive values. */
export function logDomain(series: readonly Series[], fallback: [number, number] = [0.1, 10]): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const s of series)
    for (const p of s.points)
      if (p.y > 0 && Number.isFinite(p.y)) {
        if (p.y < min) min = p.y;
        if (p.y > max) max = p.y;
      }
  if (!Number.isFinite(min)) return fallback;
  const low = 10 ** Math.floor(Math.log10(min));
  let high = 10 ** Math.ceil(Math.log10(max));
  if (high <= low) high = low * 10;
  return [low, high];
}

/** Powers of ten from `domain[0]` to `domain[1]` (the ticks of a log axis). */
export function logTicks(domain: [number, number]): number[] {
  const ticks: number[] = [];
  const from = Math.round(Math.log10(domain[0]));
  const to = Math.round(Math.log10(domain[1]));
  for (let e = from; e <= to; e++) ticks.push(Number(`1e${e}`));
  return ticks;
}

// ---------------------------------------------------------------------------------------------
// Step series, memoised per run: a run's `steps` array is replaced only when that run reports, so
// the other runs' (downsampled) series come from this cache.

const stepCache = new WeakMap<readonly StepEvent[], Map<string, Point[]>>();

export function stepPoints(
  steps: readonly StepEvent[],
  key: string,
  pick: (event: StepEvent) => number | undefined,
  options: { log: boolean; maxPoints: number },
): Point[] {
  let byKey = stepCache.get(steps);
  if (!byKey) stepCache.set(steps, (byKey = new Map()));
  const cacheKey = `${key}|${options.log ? 'log' : 'lin'}|${options.maxPoints}`;
  const cached = byKey.get(cacheKey);
  if (cached) return cached;
  const points: Point[] = [];
  for (const event of superseding(steps, (e) => e.step)) {
    const y = pick(event);
    if (finite(y) && (!options.log || y > 0)) points.push({ x: event.step, y });
  }
  const result = downsample(points, options.maxPoints);
  byKey.set(cacheKey, result);
  return result;
}

// ---------------------------------------------------------------------------------------------
// (a) dev scores per task

export interface ScoreTask {
  task: string;
  metric: 'f1' | 'accuracy';
}

/** Tasks with dev scores in any run (first-seen order), with their metric. */
export function scoreTasks(view: RunsView): ScoreTask[] {
  const found = new Map<string, ScoreTask['metric']>();
  for (const run of allRuns(view))
    for (const epoch of run.epochs) for (const score of epoch.dev.scores) if (!found.has(score.task)) found.set(score.task, score.metric);
  return [...found].map(([task, metric]) => ({ task, metric }));
}

/** One series per visible run: the task's dev score (percent) per epoch. */
export function scoreSeries(view: RunsView, task: string): Series[] {
  return shownRuns(view).flatMap(({ run, color }) => {
    const points = currentEpochs(run.epochs).flatMap((e) => {
      const score = e.dev.scores.find((s) => s.task === task);
      return score && Number.isFinite(score.value) ? [{ x: e.epoch, y: score.value }] : [];
    });
    if (points.length === 0) return [];
    return [{ key: run.info.runId, runId: run.info.runId, name: run.info.label, color, dash: '', axis: 'left' as const, points }];
  });
}

// ---------------------------------------------------------------------------------------------
// (c) discriminator accuracy per task pair

export function discriminatorPairs(view: RunsView): string[] {
  return distinct(allRuns(view).flatMap((run) => currentEpochs(run.epochs).flatMap((e) => e.dev.discriminatorAccuracy.map((d) => d.pair))));
}

/** One series per visible run: the pair's dev discriminator accuracy (0–1) per epoch. */
export function discriminatorSeries(view: RunsView, pair: string): Series[] {
  return shownRuns(view).flatMap(({ run, color }) => {
    const points = currentEpochs(run.epochs).flatMap((e) => {
      const d = e.dev.discriminatorAccuracy.find((a) => a.pair === pair);
      return d && Number.isFinite(d.accuracy) ? [{ x: e.epoch, y: d.accuracy }] : [];
    });
    if (points.length === 0) return [];
    return [{ key: run.info.runId, runId: run.info.runId, name: run.info.label, color, dash: '', axis: 'left' as const, points }];
  });
}

// ---------------------------------------------------------------------------------------------
// (d) mean attention β per task over its representations

export interface AttentionTask {
  task: string;
  /** `individual`, `shared:<task>`…: union over the runs, first-seen order. */
  representations: string[];
}

export function attentionTasks(view: RunsView): AttentionTask[] {
  const found = new Map<string, string[]>();
  for (const run of allRuns(view))
    for (const epoch of run.epochs)
      for (const a of epoch.dev.attention) found.set(a.task, distinct([...(found.get(a.task) ?? []), ...a.representations]));
  return [...found].map(([task, representations]) => ({ task, representations }));
}

/** Line styles of a task's representations: `individual` solid, then one dash per shared encoder. */
export function representationKeys(task: AttentionTask): StyleKey[] {
  return task.representations.map((label, i) => ({ label, dash: dashAt(i) }));
}

/** One series per visible run and representation: mean β on dev per epoch. */
export function attentionSeries(view: RunsView, task: AttentionTask): Series[] {
  const out: Series[] = [];
  for (const { run, color } of shownRuns(view)) {
    task.representations.forEach((rep, i) => {
      const points = currentEpochs(run.epochs).flatMap((e) => {
        const a = e.dev.attention.find((x) => x.task === task.task);
        const j = a ? a.representations.indexOf(rep) : -1;
        const y = a && j >= 0 ? a.mean[j] : undefined;
        return finite(y) ? [{ x: e.epoch, y }] : [];
      });
      if (points.length === 0) return;
      out.push({ key: `${run.info.runId}:${rep}`, runId: run.info.runId, name: `${run.info.label} · ${rep}`, color, dash: dashAt(i), axis: 'left', points });
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// (e) learning rate and λ1 per step

export const SCHEDULE_KEYS: StyleKey[] = [
  { label: 'learning rate (left axis)', dash: '' },
  { label: 'λ1 (right axis)', dash: DASHES[1]! },
];

export function scheduleSeries(view: RunsView, options: { maxPoints?: number } = {}): Series[] {
  const opts = { log: false, maxPoints: options.maxPoints ?? MAX_STEP_POINTS };
  return shownRuns(view).flatMap(({ run, color }) => {
    const id = run.info.runId;
    const lr = stepPoints(run.steps, 'lr', (e) => e.learningRate, opts);
    const lambda = stepPoints(run.steps, 'lambda1', (e) => e.lambdaAdversarial, opts);
    const out: Series[] = [];
    if (lr.length > 0) out.push({ key: `${id}:lr`, runId: id, name: `${run.info.label} · lr`, color, dash: '', axis: 'left', points: lr });
    if (lambda.length > 0) out.push({ key: `${id}:lambda1`, runId: id, name: `${run.info.label} · λ1`, color, dash: DASHES[1]!, axis: 'right', points: lambda });
    return out;
  });
}

// ---------------------------------------------------------------------------------------------
// Live-change markers

/**
 * Where a step falls on an epoch axis (epoch k's point is drawn at x = k, after its last step):
 * interpolated between the epoch ends reported so far (step 0 at x = 0); past the last one, from
 * the nearest step report's position within its epoch.
 */
export function stepToEpoch(run: Pick<RunState, 'steps' | 'epochs'>, step: number): number {
  let prevStep = 0;
  let prevEpoch = 0;
  for (const e of currentEpochs(run.epochs)) {
    if (step <= e.step) {
      const span = e.step - prevStep;
      return span > 0 ? prevEpoch + ((step - prevStep) / span) * (e.epoch - prevEpoch) : e.epoch;
    }
    prevStep = e.step;
    prevEpoch = e.epoch;
  }
  // Past the last finished epoch: the last step report at or before `step` (else the first one).
  let report: StepEvent | undefined;
  for (const s of run.steps) if (s.step <= step && (!report || s.step >= report.step)) report = s;
  report ??= run.steps[0];
  if (!report || report.batches <= 0) return prevEpoch;
  const position = report.epoch - 1 + (report.batch + (step - report.step)) / report.batches;
  return Math.max(prevEpoch, position);
}

/** The tasks a run trains: those of its loss reports and of its dev scores. */
export function runTasks(run: Pick<RunState, 'steps' | 'epochs'>): Set<string> {
  const tasks = new Set<string>(run.steps[0] ? Object.keys(run.steps[0].loss.tasks) : []);
  for (const epoch of run.epochs) for (const score of epoch.dev.scores) tasks.add(score.task);
  return tasks;
}

/**
 * The visible runs' live changes as markers at their step (`axis: 'step'`) or epoch position. A
 * chart of one task (or one task pair) passes its `tasks`: a run that lacks one of them draws no
 * curve there, so its markers stay off that chart too.
 */
export function changeMarkers(view: RunsView, axis: 'step' | 'epoch', tasks: readonly string[] = []): Marker[] {
  return shownRuns(view).flatMap(({ run, color }) => {
    if (run.changes.length === 0) return [];
    if (tasks.length > 0) {
      const own = runTasks(run);
      if (!tasks.every((task) => own.has(task))) return [];
    }
    return run.changes.flatMap((change, i) => {
      const label = describeLiveChange(change, 'marker');
      if (!label) return [];
      const x = axis === 'step' ? change.step : stepToEpoch(run, change.step);
      return [{ key: `${run.info.runId}:change:${i}`, runId: run.info.runId, x, label, color }];
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Tooltip values

/**
 * Each series' value at `x` for the tooltip: its last point at or before `x` (step series are
 * downsampled and runs report at different steps, so an exact match is not guaranteed), or none
 * when `x` lies outside the series.
 */
export function valuesAt(series: readonly Series[], x: number): { series: Series; point: Point }[] {
  const out: { series: Series; point: Point }[] = [];
  for (const s of series) {
    const points = s.points;
    if (points.length === 0 || x < points[0]!.x || x > points[points.length - 1]!.x) continue;
    let lo = 0;
    let hi = points.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (points[mid]!.x <= x) lo = mid;
      else hi = mid - 1;
    }
    out.push({ series: s, point: points[lo]! });
  }
  return out;
}
