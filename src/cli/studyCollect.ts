/**
 * `mtaa study collect DIR`: reads every run folder of a study (train's JSON lines, its saved model's
 * config and its test predictions) and writes DIR/results/: the table (table.md, table.csv,
 * table.json) from the same code as the browser's study runner (src/study/table.ts), with β and the
 * discriminators at the best epoch (src/study/diagnostics.ts) under it in table.md, the test
 * differences to the baseline with paired bootstrap p-values, one SVG of dev curves per task, and
 * study-archive.zip (the runs and the study in the workbench's own run format).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { DoneEvent, EpochEvent, RunConfig, SavedRun, TaskScore, TestScoresEvent } from '../protocol.ts';
import { writeStudyArchive, type ArchivedStudy } from '../study/archive.ts';
import { pairedBootstrap, sentenceCounts, scoreOfCounts, type SentenceCounts } from '../study/bootstrap.ts';
import { studyDiagnostics } from '../study/diagnostics.ts';
import { curvesSvg, diagnosticsMarkdown, studyJson, studyMarkdown, type Comparisons } from '../study/report.ts';
import { studyRuns, type StudyRun, type StudySpec } from '../study/spec.ts';
import { studyCsv, studyCurves, studyTable, type StudyRunRecord } from '../study/table.ts';
import { TEST_PREDICTIONS_FILE, type TestPredictions } from './modelFiles.ts';
import { readEvents, runDir, runState } from './studyRunner.ts';

interface CollectedRun {
  run: StudyRun;
  record: StudyRunRecord;
  saved: SavedRun;
  /** Per task name: per-sentence counts of its test predictions. */
  counts: Map<string, SentenceCounts>;
}

interface Summary {
  type: 'summary';
  backend: string;
  reason: DoneEvent['reason'];
  epochs: number;
  bestEpoch: number;
  seconds: number;
  dev: TaskScore[];
  test: TaskScore[] | null;
}

/** Reads one finished run folder; null for a run that has not finished (it is left out of the table). */
function collectRun(dir: string, spec: StudySpec, run: StudyRun, warn: (line: string) => void): CollectedRun | null {
  const folder = runDir(dir, run);
  const state = runState(folder);
  if (state !== 'finished') {
    warn(`${run.id}: ${state}; left out of the table`);
    return null;
  }
  const events = readEvents(folder);
  const runId = `${basename(dir)}-${run.id}`;
  const epochs = events.filter((e) => e.type === 'epoch').map((e) => ({ ...(e as unknown as EpochEvent), runId }));
  const summary = events.at(-1) as unknown as Summary;
  const model = JSON.parse(readFileSync(join(folder, 'model', 'model.json'), 'utf8')) as { config: RunConfig };
  const counts = new Map<string, SentenceCounts>();
  const predictionsFile = join(folder, 'model', TEST_PREDICTIONS_FILE);
  if (existsSync(predictionsFile)) {
    const p = JSON.parse(readFileSync(predictionsFile, 'utf8')) as TestPredictions;
    p.tasks.forEach((task, t) => {
      const c = sentenceCounts(task.scheme, p.sentences.map((s) => s.gold[t] ?? null), p.sentences.map((s) => s.pred[t]!));
      counts.set(task.name, c);
      // The predictions must give the run's own test score back: the bootstrap tests what the table shows.
      const logged = summary.test?.find((s) => s.task === task.name);
      const sums = [0, 1, 2].map((j) => c.counts.reduce((a, v, i) => (i % 3 === j ? a + v : a), 0));
      const score = scoreOfCounts(c.metric, sums[0]!, sums[1]!, sums[2]!);
      if (logged && Math.abs(logged.value - score) > 1e-6) warn(`${run.id}: ${task.name}: its test predictions score ${score}, its log says ${logged.value}`);
    });
  }
  const record: StudyRunRecord = { runId, configName: run.configuration.name, seed: run.seed, epochs, ...(summary.test ? { test: summary.test } : {}) };
  const done: DoneEvent = { type: 'done', runId, reason: summary.reason, epochs: summary.epochs, bestEpoch: summary.bestEpoch, best: summary.dev, seconds: summary.seconds };
  const test: TestScoresEvent[] = summary.test ? [{ type: 'test-scores', runId, epoch: summary.bestEpoch, fileName: basename(spec.test ?? ''), scores: summary.test }] : [];
  const backend = (['webgpu', 'webgl', 'wasm', 'cpu'] as const).find((b) => b === summary.backend) ?? 'wasm';
  const saved: SavedRun = {
    info: { runId, label: `${run.configuration.name} · seed ${run.seed}`, config: model.config, datasetName: basename(spec.train), backend },
    status: 'completed',
    notes: `mtaa study ${basename(dir)}: ${run.id}`,
    events: [...epochs, done, ...test],
    checkpoints: { last: null, best: null },
  };
  return { run, record, saved, counts };
}

/** Each configuration's test difference to the baseline, per task, from the runs' test predictions. */
function compare(collected: readonly CollectedRun[], spec: StudySpec, tasks: readonly string[]): Comparisons {
  const comparisons: Comparisons = {};
  const of = (name: string) => collected.filter((c) => c.run.configuration.name === name);
  const base = of(spec.baseline);
  if (base.length === 0 || !spec.test) return comparisons;
  for (const configuration of spec.configurations) {
    if (configuration.name === spec.baseline) continue;
    const runs = of(configuration.name);
    if (runs.length === 0) continue;
    const perTask: Comparisons[string] = {};
    for (const task of tasks) {
      const a = runs.map((r) => r.counts.get(task));
      const b = base.map((r) => r.counts.get(task));
      if (a.some((c) => !c) || b.some((c) => !c)) {
        perTask[task] = { missing: 'a run has no test predictions for this task' };
        continue;
      }
      perTask[task] = pairedBootstrap(a as SentenceCounts[], b as SentenceCounts[], spec.bootstrap);
    }
    comparisons[configuration.name] = perTask;
  }
  return comparisons;
}

export interface CollectResult {
  files: string[];
  markdown: string;
  runs: number;
  missing: number;
}

export function collectStudy(dir: string, spec: StudySpec, warn: (line: string) => void): CollectResult {
  const runs = studyRuns(spec);
  const collected = runs.map((r) => collectRun(dir, spec, r, warn)).filter((c): c is CollectedRun => c !== null);
  const records = collected.map((c) => c.record);
  const table = studyTable(records);
  const curves = studyCurves(records);
  const comparisons = compare(collected, spec, table.tasks);
  const out = join(dir, 'results');
  mkdirSync(out, { recursive: true });
  const files: Record<string, string | Uint8Array> = {};
  const diagnostics = studyDiagnostics(records);
  const diagnosticsText = diagnosticsMarkdown(diagnostics);
  const markdown = `${studyMarkdown(table, comparisons, spec.baseline, spec.bootstrap)}${diagnosticsText ? `\n${diagnosticsText}` : ''}`;
  const json = studyJson(table, comparisons, spec.baseline, curves, diagnostics);
  files['table.md'] = markdown;
  files['table.csv'] = studyCsv(table);
  files['table.json'] = json;
  for (const c of curves) files[`curves-${c.task.replace(/[^A-Za-z0-9._-]+/g, '_')}.svg`] = curvesSvg(c);
  const study: ArchivedStudy = {
    id: `study-${basename(dir)}`,
    items: collected.map((c) => ({ id: `${basename(dir)}-${c.run.index + 1}`, configName: c.run.configuration.name, seed: c.run.seed, config: c.saved.info.config, status: 'done', runId: c.saved.info.runId })),
    active: false,
  };
  files['study-archive.zip'] = writeStudyArchive({ study, runs: collected.map((c) => c.saved), tableJson: json });
  const written = Object.entries(files).map(([name, body]) => {
    const path = join(out, name);
    writeFileSync(path, body);
    return path;
  });
  return { files: written, markdown, runs: collected.length, missing: runs.length - collected.length };
}
