/**
 * A run's metrics as CSV (one row per step report, epoch and live change, one column per quantity,
 * each row naming the run and its data) and as JSON (everything the page has of the run, its info
 * with the dataset's name, sentence count and hash included). Pure functions over the runs slice.
 */
import type { RunRecord } from '../core/runState.ts';

/** Quotes a CSV field when it needs it (RFC 4180). */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

type Row = Record<string, string | number | boolean | null | undefined>;

/** The columns in a stable order: fixed ones first, then per task, per pair. */
function columns(run: RunRecord): string[] {
  const tasks = new Set<string>();
  const scored = new Map<string, string>();
  const pairs = new Set<string>();
  for (const s of run.steps) Object.keys(s.loss.tasks).forEach((t) => tasks.add(t));
  for (const e of run.epochs) {
    Object.keys(e.train.tasks).forEach((t) => tasks.add(t));
    for (const score of e.dev.scores) scored.set(score.task, score.metric);
    for (const d of e.dev.discriminatorAccuracy) pairs.add(d.pair);
  }
  return [
    'run',
    'label',
    'kind',
    'epoch',
    'batch',
    'step',
    'elapsed_s',
    'learning_rate',
    'lambda_adv',
    'lambda_orth',
    'loss_total',
    ...[...tasks].map((t) => `loss_${t}`),
    'loss_adversarial',
    'loss_orthogonality',
    'tokens_per_s',
    'dev_loss_total',
    ...[...scored].flatMap(([t, metric]) => (metric === 'f1' ? [`dev_${t}_f1`, `dev_${t}_precision`, `dev_${t}_recall`, `dev_${t}_accuracy`] : [`dev_${t}_accuracy`])),
    ...[...pairs].map((p) => `disc_acc_${p}`),
    'dev_score',
    'best',
    // What the run trained on, on every row (a CSV of several runs' rows stays readable); last, so
    // the leading columns stay where readers of older files expect them.
    'dataset',
    'dataset_sentences',
    'dataset_sha256',
  ];
}

/**
 * λ2 in effect for the step that ends at optimiser step `step`: the run's own, then each live change
 * from the step after it was made on. Step and epoch events do not carry λ2 (it has no schedule, as
 * the learning rate and λ1 do), so without this the column was filled only on change rows.
 */
function lambdaOrthogonalityAt(run: RunRecord, step: number): number {
  let value = run.info.config.train.lambdaOrthogonality;
  for (const change of run.changes) {
    if (change.step < step && change.settings.lambdaOrthogonality !== undefined) value = change.settings.lambdaOrthogonality;
  }
  return value;
}

export function metricsRows(run: RunRecord): Row[] {
  const base = {
    run: run.info.runId,
    label: run.info.label,
    dataset: run.info.datasetName,
    dataset_sentences: run.info.datasetSentences,
    dataset_sha256: run.info.datasetHash,
  };
  const rows: { order: number; sub: number; row: Row }[] = [];
  run.steps.forEach((s, i) => {
    const row: Row = {
      ...base,
      kind: 'step',
      epoch: s.epoch,
      batch: s.batch,
      step: s.step,
      elapsed_s: s.elapsedSeconds,
      learning_rate: s.learningRate,
      lambda_adv: s.lambdaAdversarial,
      lambda_orth: lambdaOrthogonalityAt(run, s.step),
      loss_total: s.loss.total,
      loss_adversarial: s.loss.adversarial,
      loss_orthogonality: s.loss.orthogonality,
      tokens_per_s: s.tokensPerSecond,
    };
    for (const [t, v] of Object.entries(s.loss.tasks)) row[`loss_${t}`] = v;
    rows.push({ order: s.step, sub: i, row });
  });
  run.epochs.forEach((e, i) => {
    const row: Row = {
      ...base,
      kind: 'epoch',
      epoch: e.epoch,
      step: e.step,
      learning_rate: e.learningRate,
      lambda_adv: e.lambdaAdversarial,
      lambda_orth: lambdaOrthogonalityAt(run, e.step),
      loss_total: e.train.total,
      loss_adversarial: e.train.adversarial,
      loss_orthogonality: e.train.orthogonality,
      dev_loss_total: e.dev.loss.total,
      dev_score: e.devScore,
      best: e.best,
    };
    for (const [t, v] of Object.entries(e.train.tasks)) row[`loss_${t}`] = v;
    for (const score of e.dev.scores) {
      if (score.metric === 'f1') {
        row[`dev_${score.task}_f1`] = score.value;
        row[`dev_${score.task}_precision`] = score.precision;
        row[`dev_${score.task}_recall`] = score.recall;
      }
      row[`dev_${score.task}_accuracy`] = score.accuracy;
    }
    for (const d of e.dev.discriminatorAccuracy) row[`disc_acc_${d.pair}`] = d.accuracy;
    rows.push({ order: e.step, sub: 1e9 + i, row });
  });
  run.changes.forEach((c, i) => {
    rows.push({
      order: c.step,
      sub: -1e9 + i, // a change at step s applies from step s + 1: before that step's rows
      row: {
        ...base,
        kind: 'change',
        epoch: c.epoch,
        step: c.step,
        learning_rate: c.settings.learningRate,
        lambda_adv: c.settings.lambdaAdversarial,
        lambda_orth: c.settings.lambdaOrthogonality,
      },
    });
  });
  rows.sort((a, b) => a.order - b.order || a.sub - b.sub);
  return rows.map((r) => r.row);
}

export function metricsCsv(run: RunRecord): string {
  const cols = columns(run);
  const lines = [cols.join(',')];
  for (const row of metricsRows(run)) lines.push(cols.map((c) => csvField(row[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function metricsJson(run: RunRecord): string {
  const { info, status, message, steps, epochs, changes, done } = run;
  return `${JSON.stringify({ format: 'mtaa-workbench-metrics', version: 1, run: info, status, message, steps, epochs, changes, done }, null, 1)}\n`;
}

/** `mtaa-MTAA-average-fusion-run-2-metrics.csv` */
export function metricsFileName(run: RunRecord, extension: 'csv' | 'json'): string {
  const slug = run.info.label
    .normalize('NFKD')
    .replace(/[^\w.+-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `mtaa-${slug || 'run'}-${run.info.runId}-metrics.${extension}`;
}
