import { describe, expect, it } from 'vitest';
import type { EpochEvent, StepEvent } from '../protocol.ts';
import { csvField, metricsCsv, metricsFileName, metricsJson, metricsRows } from './metricsExport.ts';
import { presets } from '../core/config.ts';
import type { RunState } from './store/runsSlice.ts';
import { foldRun } from '../core/runState.ts';

const loss = (total: number) => ({ total, tasks: { POS: total / 2, NER: total / 2 }, adversarial: 0.7, orthogonality: 0.01 });
const step = (s: number, batch: number): StepEvent => ({
  type: 'step',
  runId: 'run-1',
  epoch: 1,
  batch,
  batches: 4,
  step: s,
  loss: loss(10 - s),
  learningRate: 0.01,
  lambdaAdversarial: 1,
  tokensPerSecond: 1234.5,
  threads: 2,
  elapsedSeconds: s,
  etaSeconds: 8 - s,
});
const epoch: EpochEvent = {
  type: 'epoch',
  runId: 'run-1',
  epoch: 1,
  step: 4,
  seconds: 4,
  learningRate: 0.01,
  lambdaAdversarial: 1,
  train: loss(6),
  dev: {
    scores: [
      { task: 'POS', metric: 'accuracy', value: 80, accuracy: 80 },
      { task: 'NER', metric: 'f1', value: 50, precision: 60, recall: 42.9, accuracy: 90 },
    ],
    discriminatorAccuracy: [{ pair: 'POS+NER', accuracy: 0.5 }],
    attention: [],
    loss: loss(5),
  },
  devScore: 65,
  best: true,
};
const run: RunState = {
  info: { runId: 'run-1', label: 'MTAA → "avg", fusion', config: structuredClone(presets.tiny), datasetName: 'x.conll', datasetSentences: 120, datasetHash: 'ab'.repeat(32), backend: 'wasm' },
  status: 'completed',
  config: structuredClone(presets.tiny),
  steps: [step(2, 2), step(4, 4)],
  epochs: [epoch],
  changes: [{ runId: 'run-1', step: 2, epoch: 1, settings: { lambdaAdversarial: 0 }, previous: { lambdaAdversarial: 1 } }],
  visible: true,
};

describe('metrics export', () => {
  it('quotes CSV fields that need it', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(undefined)).toBe('');
    expect(csvField(1.5)).toBe('1.5');
  });

  it('orders steps, changes and epochs by step; a change comes before the steps it affects', () => {
    expect(metricsRows(run).map((r) => `${r.kind}@${r.step}`)).toEqual(['change@2', 'step@2', 'step@4', 'epoch@4']);
  });

  it('writes one header and a row per report, with per-task and per-pair columns', () => {
    const csv = metricsCsv(run);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines).toHaveLength(5);
    const header = lines[0]!.split(',');
    expect(header).toContain('loss_POS');
    expect(header).toContain('dev_NER_f1');
    expect(header).toContain('dev_NER_recall');
    expect(header).toContain('dev_POS_accuracy');
    expect(header).not.toContain('dev_POS_f1');
    expect(header).toContain('disc_acc_POS+NER');
    const epochRow = lines[4]!;
    expect(epochRow.startsWith('run-1,"MTAA → ""avg"", fusion",epoch,1,')).toBe(true);
    const cells = epochRow.split(',');
    // the quoted label holds a comma: 2 cells of the naive split are one field
    expect(cells[header.indexOf('dev_NER_f1') + 1]).toBe('50');
    expect(cells[header.indexOf('best') + 1]).toBe('true');
    // Every row names the data the run trained on.
    expect(header.slice(-3)).toEqual(['dataset', 'dataset_sentences', 'dataset_sha256']);
    for (const line of lines.slice(1)) expect(line.endsWith(`,x.conll,120,${'ab'.repeat(32)}`)).toBe(true);
  });

  it('fills every column in some row, and λ2 on every step and epoch row, following its live changes', () => {
    const lambda2 = presets.tiny.train.lambdaOrthogonality;
    const withFirst: RunState = {
      ...run,
      steps: [step(1, 1), step(2, 2), step(3, 3), step(4, 4)],
      changes: [...run.changes, { runId: 'run-1', step: 2, epoch: 1, settings: { lambdaOrthogonality: 0.5 }, previous: { lambdaOrthogonality: lambda2 } }],
    };
    const lines = metricsCsv(withFirst).trimEnd().split('\r\n');
    const header = lines[0]!.split(',');
    const rows = lines.slice(1).map((line) => line.split(','));
    const label = header.indexOf('label');
    for (const [k, name] of header.entries()) {
      // The label's comma splits it in two naive cells: shift the columns after it.
      const cell = (row: string[]) => row[k > label ? k + 1 : k];
      expect(rows.some((row) => cell(row) !== ''), `column ${name}`).toBe(true);
    }
    const rowsOf = metricsRows(withFirst);
    expect(rowsOf.filter((r) => r.kind !== 'change').map((r) => `${r.kind}@${r.step}:${r.lambda_orth}`)).toEqual([
      `step@1:${lambda2}`,
      `step@2:${lambda2}`,
      'step@3:0.5',
      'step@4:0.5',
      'epoch@4:0.5',
    ]);
  });

  it('a run rewound by a resume has each step once in its CSV', () => {
    const rewoundRun = [
      step(1, 1),
      step(2, 2),
      step(3, 3),
      { type: 'run-status', runId: 'run-1', status: 'running', rewoundTo: 1 } as const,
      step(2, 2),
      step(3, 3),
    ].reduce((r, e) => foldRun(r, e), { ...run, steps: [], epochs: [], changes: [] } as RunState);
    const steps = metricsRows(rewoundRun).filter((r) => r.kind === 'step').map((r) => r.step);
    expect(steps).toEqual([1, 2, 3]);
  });

  it('JSON keeps everything; file names are safe', () => {
    const parsed = JSON.parse(metricsJson(run)) as { run: { runId: string }; steps: unknown[]; changes: unknown[] };
    expect(parsed.run).toMatchObject({ runId: 'run-1', datasetName: 'x.conll', datasetSentences: 120, datasetHash: 'ab'.repeat(32) });
    expect(parsed.steps).toHaveLength(2);
    expect(parsed.changes).toHaveLength(1);
    expect(metricsFileName(run, 'csv')).toBe('mtaa-MTAA-avg-fusion-run-1-metrics.csv');
  });
});
