import { describe, expect, it } from 'vitest';
import type { EpochEvent } from '../protocol.ts';
import { presets } from '../core/config.ts';
import type { RunState } from './store/runsSlice.ts';
import { BERT_CONFIGURATIONS, cancelItem, configurationPatch, createStudy, markStarted, meanStd, moveItem, nextQueued, parseSeeds, settleRunning, studyCsv, studyCurves, studyTable } from './study.ts';

const loss = { total: 1, tasks: {}, adversarial: 0, orthogonality: 0 };
function epoch(runId: string, n: number, pos: number, ner: number, best: boolean): EpochEvent {
  return {
    type: 'epoch', runId, epoch: n, step: n, seconds: 1, learningRate: 0.01, lambdaAdversarial: 0, train: loss,
    dev: {
      scores: [
        { task: 'POS', metric: 'accuracy', value: pos, accuracy: pos },
        { task: 'NER', metric: 'f1', value: ner, accuracy: 90 },
      ],
      discriminatorAccuracy: [], attention: [], loss,
    },
    devScore: (pos + ner) / 2,
    best,
  };
}
function run(runId: string, status: RunState['status'], epochs: EpochEvent[]): RunState {
  return { info: { runId, label: runId, config: structuredClone(presets.tiny), datasetName: 'x', backend: 'wasm' }, status, config: structuredClone(presets.tiny), steps: [], epochs, changes: [], visible: true };
}
const ablations = [
  { name: 'MTAA', patch: {} },
  { name: 'no-TD', patch: { adversary: 'none' as const } },
];

describe('ablation study', () => {
  it('queues each configuration with each seed, applying the patch and the seed', () => {
    const study = createStudy('s', structuredClone(presets.tiny), ablations, [1, 2]);
    expect(study.items.map((i) => `${i.configName}/${i.seed}`)).toEqual(['MTAA/1', 'MTAA/2', 'no-TD/1', 'no-TD/2']);
    expect(study.items[2]!.config.model.adversary).toBe('none');
    expect(study.items[3]!.config.train.seed).toBe(2);
    expect(parseSeeds('1, 2 3,2')).toEqual([1, 2, 3]);
    expect(() => parseSeeds('1, x')).toThrow(/"x" is not a non-negative integer/);
  });

  it('reorders and cancels queued items only; runs them in queue order', () => {
    let study = createStudy('s', structuredClone(presets.tiny), ablations, [1]);
    study = moveItem(study, 's-2', -1);
    expect(nextQueued(study)!.configName).toBe('no-TD');
    study = markStarted(study, 's-2', 'run-1');
    expect(moveItem(study, 's-2', 1)).toBe(study); // running: not movable
    study = cancelItem(study, 's-1');
    study = settleRunning(study, { 'run-1': run('run-1', 'completed', []) });
    expect(study.items.map((i) => i.status)).toEqual(['done', 'cancelled']);
    expect(nextQueued(study)).toBeUndefined();
  });

  it('waits while the running item is interrupted', () => {
    let study = markStarted(createStudy('s', structuredClone(presets.tiny), ablations, [1]), 's-1', 'run-1');
    study = settleRunning(study, { 'run-1': run('run-1', 'interrupted', []) });
    expect(study.items[0]!.status).toBe('running');
  });

  it('tabulates the best epoch per configuration as mean ± std over seeds, and exports CSV', () => {
    let study = createStudy('s', structuredClone(presets.tiny), ablations, [1, 2]);
    const runs: Record<string, RunState> = {
      'run-1': run('run-1', 'completed', [epoch('run-1', 1, 80, 40, true), epoch('run-1', 2, 90, 50, true), epoch('run-1', 3, 70, 10, false)]),
      'run-2': run('run-2', 'completed', [epoch('run-2', 1, 70, 60, true)]),
      'run-3': run('run-3', 'completed', [epoch('run-3', 1, 60, 30, true)]),
    };
    ['s-1', 's-2', 's-3'].forEach((id, i) => {
      study = markStarted(study, id, `run-${i + 1}`);
      study = settleRunning(study, runs);
    });
    const table = studyTable(study, runs);
    expect(table.tasks).toEqual(['POS', 'NER']);
    expect(table.rows.map((r) => r.configName)).toEqual(['MTAA', 'no-TD']);
    const mtaa = table.rows[0]!;
    expect(mtaa.seeds).toEqual([1, 2]);
    expect(mtaa.tasks.POS!.dev).toEqual(meanStd([90, 70]));
    expect(mtaa.tasks.POS!.dev.mean).toBe(80);
    expect(mtaa.tasks.POS!.dev.std).toBeCloseTo(Math.sqrt(200), 10);
    expect(mtaa.tasks.NER!.dev.mean).toBe(55);
    expect(table.rows[1]!.tasks.NER!.dev).toEqual({ mean: 30, std: 0, n: 1 });
    const csv = studyCsv(table).trim().split('\n');
    expect(csv[0]).toBe('configuration,POS dev mean,POS dev std,NER dev mean,NER dev std,mean dev,mean dev std,seeds,runs');
    expect(csv[1]).toBe(`MTAA,80.00,${Math.sqrt(200).toFixed(2)},55.00,${Math.sqrt(50).toFixed(2)},67.50,${Math.sqrt(12.5).toFixed(2)},1 2,run-1 run-2`);
    expect(csv).toHaveLength(3);
  });

  it('adds the best epoch\'s test score per task, mean ± std over the seeds that have one, and test columns to the CSV', () => {
    let study = createStudy('s', structuredClone(presets.tiny), ablations, [1, 2]);
    const scored = (r: RunState, ner: number | null, message?: string): RunState => ({
      ...r,
      test: {
        type: 'test-scores', runId: r.info.runId, epoch: 1, fileName: 't.conll',
        // The test file labels NER only: POS has no test score.
        scores: ner === null ? [] : [{ task: 'NER', metric: 'f1', value: ner, accuracy: 90 }],
        ...(message ? { message } : {}),
      },
    });
    const runs: Record<string, RunState> = {
      'run-1': scored(run('run-1', 'completed', [epoch('run-1', 1, 80, 40, true)]), 30),
      'run-2': scored(run('run-2', 'stopped', [epoch('run-2', 1, 70, 60, true)]), 50),
      'run-3': scored(run('run-3', 'completed', [epoch('run-3', 1, 60, 30, true)]), null, 't.conll: could not be scored (out of memory)'),
      'run-4': run('run-4', 'completed', [epoch('run-4', 1, 65, 35, true)]),
    };
    ['s-1', 's-2', 's-3', 's-4'].forEach((id, i) => {
      study = markStarted(study, id, `run-${i + 1}`);
      study = settleRunning(study, runs);
    });
    const table = studyTable(study, runs);
    expect(table.hasTest).toBe(true);
    const [mtaa, noTd] = table.rows;
    expect(mtaa!.tasks.NER!.test).toEqual(meanStd([30, 50]));
    expect(mtaa!.tasks.NER!.test!.std).toBeCloseTo(Math.sqrt(200), 10);
    expect(mtaa!.tasks.POS!.test).toBeUndefined();
    // run-3's scoring failed and run-4 had no test file: no test cell, the dev cells unchanged.
    expect(noTd!.tasks.NER!.test).toBeUndefined();
    expect(noTd!.tasks.NER!.dev).toEqual(meanStd([30, 35]));
    const csv = studyCsv(table).trim().split('\n');
    expect(csv[0]).toBe(
      'configuration,POS dev mean,POS dev std,POS test mean,POS test std,NER dev mean,NER dev std,NER test mean,NER test std,mean dev,mean dev std,seeds,runs',
    );
    expect(csv[1]!.split(',').slice(0, 9)).toEqual(['MTAA', '75.00', Math.sqrt(50).toFixed(2), '', '', '50.00', Math.sqrt(200).toFixed(2), '40.00', Math.sqrt(200).toFixed(2)]);
    expect(csv[2]!.split(',').slice(6, 9)).toEqual([Math.sqrt(12.5).toFixed(2), '', '']);
    expect(studyTable(createStudy('e', structuredClone(presets.tiny), ablations, [1]), {}).hasTest).toBe(false);
  });

  it('draws per task one curve per configuration: the dev score per epoch, averaged over its seeds', () => {
    let study = createStudy('s', structuredClone(presets.tiny), ablations, [1, 2]);
    const runs: Record<string, RunState> = {
      // run-1 was resumed from epoch 1: its second report of epoch 2 is the one that stands.
      'run-1': run('run-1', 'completed', [epoch('run-1', 1, 80, 40, true), epoch('run-1', 2, 10, 10, false), epoch('run-1', 2, 90, 50, true)]),
      'run-2': run('run-2', 'completed', [epoch('run-2', 1, 70, 60, true)]),
      'run-3': run('run-3', 'running', [epoch('run-3', 1, 60, 30, true)]),
    };
    ['s-1', 's-2', 's-3'].forEach((id, i) => {
      study = markStarted(study, id, `run-${i + 1}`);
      study = settleRunning(study, runs);
    });
    const curves = studyCurves(study, runs);
    expect(curves.map((c) => [c.task, c.metric])).toEqual([
      ['POS', 'accuracy'],
      ['NER', 'f1'],
    ]);
    expect(curves[0]!.curves).toEqual([
      { configName: 'MTAA', points: [{ epoch: 1, mean: 75, n: 2 }, { epoch: 2, mean: 90, n: 1 }] },
      { configName: 'no-TD', points: [{ epoch: 1, mean: 60, n: 1 }] },
    ]);
    expect(curves[1]!.curves.map((c) => c.points.map((p) => p.mean))).toEqual([[50, 50], [30]]);
    expect(studyCurves(createStudy('e', structuredClone(presets.tiny), ablations, [1]), {})).toEqual([]);
  });

  it('takes "+ BERT" configurations: basic and BERT rows in one study, whatever the draft says', () => {
    const draft = structuredClone(presets.tiny);
    const bert = { mode: 'concat', layer: -1, mixLastFour: false, pooling: 'first', hiddenSize: 32 } as const;
    draft.model.embedding.bert = { ...bert, hiddenSize: 768 };
    const names = ['base', 'MTAA', ...BERT_CONFIGURATIONS];
    const study = createStudy('s', draft, names.map((name) => ({ name, patch: configurationPatch(name, draft.model.embedding, bert) })), [1]);
    expect(study.items.map((i) => [i.configName, i.config.model.architecture, i.config.model.embedding.bert?.hiddenSize ?? null])).toEqual([
      ['base', 'base', null],
      ['MTAA', 'mtaa', null],
      ['MTAA + BERT', 'mtaa', 32],
      ['base + BERT', 'base', 32],
    ]);
    // The rest of the embedding is the draft's in every row.
    for (const item of study.items) expect(item.config.model.embedding.wordDim).toBe(draft.model.embedding.wordDim);
    expect(draft.model.embedding.bert!.hiddenSize).toBe(768);
    expect(() => configurationPatch('MTAA + BERT', draft.model.embedding, null)).toThrow('MTAA + BERT: load a BERT checkpoint first (BERT features panel).');
    expect(() => configurationPatch('nope + BERT', draft.model.embedding, bert)).toThrow('Unknown configuration nope + BERT.');
  });
});
