import { describe, expect, it } from 'vitest';
import {
  attentionSeries,
  attentionTasks,
  changeMarkers,
  DASHES,
  discriminatorPairs,
  discriminatorSeries,
  downsample,
  formatNumber,
  legendRuns,
  logDomain,
  logTicks,
  runColor,
  RUN_PALETTE,
  scheduleSeries,
  scoreSeries,
  scoreTasks,
  runTasks,
  stepToEpoch,
  superseding,
  valuesAt,
  type Point,
} from './series.ts';
import { lossParts, lossSeries } from './lossSeries.ts';
import { fixtureRun, fixtureRuns, stepEvent } from './testFixtures.ts';

const change = (runId: string, step: number, settings: Record<string, number>, previous?: Record<string, number>) => ({ runId, step, epoch: 1, settings, ...(previous ? { previous } : {}) });

describe('legend and colours', () => {
  it('lists every run in start order, coloured by its position, hidden ones included', () => {
    const view = fixtureRuns(fixtureRun('a', 'MTAA'), fixtureRun('b', 'no-TD', { visible: false }), fixtureRun('c', 'base'));
    expect(legendRuns(view)).toEqual([
      { runId: 'a', label: 'MTAA', color: RUN_PALETTE[0], visible: true, status: 'running' },
      { runId: 'b', label: 'no-TD', color: RUN_PALETTE[1], visible: false, status: 'running' },
      { runId: 'c', label: 'base', color: RUN_PALETTE[2], visible: true, status: 'running' },
    ]);
    expect(runColor(RUN_PALETTE.length)).toBe(RUN_PALETTE[0]);
  });

  it('keeps a run its colour when an earlier run is hidden, and leaves hidden runs out of every series', () => {
    const view = fixtureRuns(fixtureRun('a', 'MTAA', { visible: false }), fixtureRun('b', 'no-TD'));
    const series = scoreSeries(view, 'NER');
    expect(series.map((s) => [s.runId, s.color])).toEqual([['b', RUN_PALETTE[1]]]);
    expect(lossSeries(view, lossParts(view), ['adversarial']).map((s) => s.runId)).toEqual(['b']);
    expect(scheduleSeries(view).every((s) => s.runId === 'b')).toBe(true);
  });
});

describe('(a) dev scores', () => {
  it('finds the tasks with their metric and gives one point per epoch', () => {
    const view = fixtureRuns(fixtureRun('a', 'MTAA', { steps: 30 }), fixtureRun('b', 'base', { steps: 20, offset: 5 }));
    expect(scoreTasks(view)).toEqual([
      { task: 'POS', metric: 'accuracy' },
      { task: 'chunk', metric: 'f1' },
      { task: 'NER', metric: 'f1' },
    ]);
    const ner = scoreSeries(view, 'NER');
    expect(ner.map((s) => s.points)).toEqual([
      [{ x: 1, y: 61 }, { x: 2, y: 62 }, { x: 3, y: 63 }],
      [{ x: 1, y: 66 }, { x: 2, y: 67 }],
    ]);
    expect(scoreSeries(view, 'DEPREL')).toEqual([]);
  });
});

describe('(c) discriminators, (d) attention, (e) schedule', () => {
  it('gives discriminator accuracy per pair per epoch', () => {
    const view = fixtureRuns(fixtureRun('a', 'MTAA', { steps: 20 }));
    expect(discriminatorPairs(view)).toEqual(['POS+chunk', 'POS+NER', 'chunk+NER']);
    const [s] = discriminatorSeries(view, 'POS+chunk');
    expect(s!.points.map((p) => p.x)).toEqual([1, 2]);
    expect(s!.points[0]!.y).toBeCloseTo(0.8);
  });

  it('gives mean β per task and representation, one dash per representation', () => {
    const view = fixtureRuns(fixtureRun('a', 'MTAA', { steps: 20 }));
    const tasks = attentionTasks(view);
    expect(tasks[2]).toEqual({ task: 'NER', representations: ['individual', 'shared:POS', 'shared:chunk'] });
    const series = attentionSeries(view, tasks[2]!);
    expect(series.map((s) => [s.name, s.dash])).toEqual([
      ['MTAA · individual', DASHES[0]],
      ['MTAA · shared:POS', DASHES[1]],
      ['MTAA · shared:chunk', DASHES[2]],
    ]);
    expect(series[1]!.points).toEqual([{ x: 1, y: 0.3 }, { x: 2, y: 0.3 }]);
  });

  it('puts the learning rate on the left axis and λ1 on the right', () => {
    const view = fixtureRuns(fixtureRun('a', 'MTAA', { steps: 4 }));
    const [lr, lambda] = scheduleSeries(view);
    expect(lr!.axis).toBe('left');
    expect(lr!.points[0]!.y).toBeCloseTo(0.002 / 1.05);
    expect(lambda!.axis).toBe('right');
    expect(lambda!.points.map((p) => p.y)).toEqual([0.1, 0.2, 0.3, 0.4]);
  });
});

describe('live-change markers', () => {
  it('labels changes and places them at their step', () => {
    const run = fixtureRun('a', 'MTAA', { steps: 30, changes: [change('a', 15, { lambdaAdversarial: 0 }), change('a', 25, { learningRate: 0.001, lambdaOrthogonality: 0.1 }, { learningRate: 0.002 })] });
    const markers = changeMarkers(fixtureRuns(run), 'step');
    expect(markers.map((m) => [m.x, m.label])).toEqual([
      [15, 'λ1→0'],
      [25, 'λ2→0.1, lr 0.002→0.001'],
    ]);
    expect(changeMarkers(fixtureRuns({ ...run, visible: false }), 'step')).toEqual([]);
  });

  it('marks the changes of a run only on the charts of tasks (and task pairs) it has', () => {
    const conll = fixtureRun('a', 'CoNLL', { steps: 20, changes: [change('a', 15, { lambdaAdversarial: 1 })] });
    // A UD run: its dev scores are UPOS/XPOS/DEPREL, not POS/chunk/NER.
    const ud = fixtureRun('b', 'UD', { steps: 20, changes: [change('b', 12, { learningRate: 0.001 })] });
    const renamed = { POS: 'UPOS', chunk: 'XPOS', NER: 'DEPREL' } as Record<string, string>;
    ud.steps = ud.steps.map((e) => ({ ...e, loss: { ...e.loss, tasks: Object.fromEntries(Object.entries(e.loss.tasks).map(([t, v]) => [renamed[t]!, v])) } }));
    ud.epochs = ud.epochs.map((e) => ({ ...e, dev: { ...e.dev, scores: e.dev.scores.map((sc) => ({ ...sc, task: renamed[sc.task]! })) } }));
    const view = fixtureRuns(conll, ud);
    expect(runTasks(ud)).toEqual(new Set(['UPOS', 'XPOS', 'DEPREL']));
    expect(changeMarkers(view, 'epoch', ['NER']).map((m) => m.runId)).toEqual(['a']);
    expect(changeMarkers(view, 'epoch', ['UPOS']).map((m) => m.runId)).toEqual(['b']);
    expect(changeMarkers(view, 'epoch', ['POS', 'chunk']).map((m) => m.runId)).toEqual(['a']);
    expect(changeMarkers(view, 'epoch', ['POS', 'UPOS'])).toEqual([]);
    // Charts of every task (the loss, the schedule) mark every run's changes.
    expect(changeMarkers(view, 'step').map((m) => m.runId)).toEqual(['a', 'b']);
  });

  it('maps a step to its position on the epoch axis', () => {
    const run = fixtureRun('a', 'MTAA', { steps: 25 }); // epochs end at steps 10 and 20; 10 batches an epoch
    expect(stepToEpoch(run, 0)).toBe(0);
    expect(stepToEpoch(run, 5)).toBeCloseTo(0.5);
    expect(stepToEpoch(run, 10)).toBe(1);
    expect(stepToEpoch(run, 15)).toBeCloseTo(1.5);
    expect(stepToEpoch(run, 23)).toBeCloseTo(2.3); // past the last epoch: from the step reports
    expect(stepToEpoch({ steps: [], epochs: [] }, 7)).toBe(0);
    const markers = changeMarkers(fixtureRuns({ ...run, changes: [change('a', 15, { lambdaAdversarial: 1 })] }), 'epoch');
    expect(markers[0]!.x).toBeCloseTo(1.5);
  });

  it('formats numbers compactly', () => {
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(0.002)).toBe('0.002');
    expect(formatNumber(0.0001)).toBe('1e-4');
    expect(formatNumber(123456)).toBe('1.23e5');
    expect(formatNumber(91.926)).toBe('91.9');
  });
});

describe('runs resumed from a checkpoint', () => {
  it('lets reports of a rewound stretch replace the old ones', () => {
    expect(superseding([1, 2, 3, 4, 5, 3, 4, 6], (x) => x)).toEqual([1, 2, 3, 4, 6]);
    const run = fixtureRun('a', 'MTAA', { steps: 30 });
    // failed in epoch 3 at step 25, resumed from the epoch-2 checkpoint: steps 21.. and epoch 3 again
    run.steps = [...run.steps.slice(0, 25), ...Array.from({ length: 10 }, (_, i) => stepEvent('a', 21 + i, { scale: 2 }))];
    run.epochs = [...run.epochs.slice(0, 2), { ...run.epochs[1]!, epoch: 3, step: 30 }];
    const view = fixtureRuns(run);
    const total = lossSeries(view, lossParts(view), ['total'])[0]!.points;
    expect(total.map((p) => p.x)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(total.at(-1)!.y).toBe(60);
    expect(scoreSeries(view, 'NER')[0]!.points.map((p) => p.x)).toEqual([1, 2, 3]);
  });
});

describe('downsampling and log scale', () => {
  const line = (n: number): Point[] => Array.from({ length: n }, (_, i) => ({ x: i, y: Math.sin(i / 10) }));

  it('returns short series unchanged (a copy) and long ones at the cap with both ends', () => {
    const short = line(100);
    expect(downsample(short, 500)).toEqual(short);
    expect(downsample(short, 500)).not.toBe(short);
    const out = downsample(line(5000), 500);
    expect(out).toHaveLength(500);
    expect(out[0]).toEqual({ x: 0, y: 0 });
    expect(out.at(-1)!.x).toBe(4999);
    expect(out.every((p, i) => i === 0 || p.x > out[i - 1]!.x)).toBe(true);
  });

  it('keeps a single spike', () => {
    const points = Array.from({ length: 10_000 }, (_, i) => ({ x: i, y: i === 6543 ? 1000 : 1 }));
    expect(downsample(points, 100).some((p) => p.y === 1000)).toBe(true);
  });

  it('spans whole decades', () => {
    const s = { key: 'k', runId: 'a', name: 'a', color: '#000', dash: '', axis: 'left' as const, points: [{ x: 1, y: 0.03 }, { x: 2, y: 4200 }, { x: 3, y: 0 }] };
    expect(logDomain([s])).toEqual([0.01, 10000]);
    expect(logTicks([0.01, 10000])).toEqual([0.01, 0.1, 1, 10, 100, 1000, 10000]);
    expect(logDomain([])).toEqual([0.1, 10]);
  });
});

describe('tooltip values', () => {
  it("takes each series' last point at or before x, and none outside it", () => {
    const mk = (key: string, xs: number[]) => ({ key, runId: key, name: key, color: '#000', dash: '', axis: 'left' as const, points: xs.map((x) => ({ x, y: x * 10 })) });
    const series = [mk('a', [1, 5, 9, 13]), mk('b', [2, 4]), mk('c', [])];
    expect(valuesAt(series, 9).map((v) => [v.series.key, v.point.x])).toEqual([['a', 9]]);
    expect(valuesAt(series, 3.5).map((v) => [v.series.key, v.point.x])).toEqual([['a', 1], ['b', 2]]);
    expect(valuesAt(series, 0)).toEqual([]);
    expect(valuesAt(series, 14)).toEqual([]);
  });
});
