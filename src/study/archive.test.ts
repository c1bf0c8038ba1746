import { strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { EpochEvent, SavedRun } from '../protocol.ts';
import { readStudyArchive, writeStudyArchive, type ArchivedStudy } from './archive.ts';

const loss = { total: 1, tasks: {}, adversarial: 0, orthogonality: 0 };
const epoch: EpochEvent = {
  type: 'epoch', runId: 'r1', epoch: 1, step: 3, seconds: 1, learningRate: 0.01, lambdaAdversarial: 0, train: loss,
  dev: { scores: [{ task: 'POS', metric: 'accuracy', value: 90, accuracy: 90 }], discriminatorAccuracy: [], attention: [], loss },
  devScore: 90, best: true,
};
const run = { info: { runId: 'r1', label: 'MTAA · seed 1', config: {} as never, datasetName: 'x', backend: 'wasm' }, status: 'completed', notes: '', events: [epoch], checkpoints: { last: null, best: null } } as SavedRun;
const study: ArchivedStudy = { id: 'study-x', items: [{ id: 'x-1', configName: 'MTAA', seed: 1, config: {} as never, status: 'done', runId: 'r1' }], active: false };

describe('study archive', () => {
  it('reads back what it wrote', () => {
    const back = readStudyArchive('s.zip', writeStudyArchive({ study, runs: [run], tableJson: '{"t":1}' }));
    expect(back).toEqual({ study, runs: [run], tableJson: '{"t":1}' });
  });

  it('refuses an archive that is not one, or whose study names a run it lacks', () => {
    expect(() => readStudyArchive('s.zip', strToU8('hello'))).toThrow(/^s.zip: not a zip archive/);
    const files = unzipSync(writeStudyArchive({ study, runs: [run] }));
    delete files['runs/r1.json'];
    expect(() => readStudyArchive('s.zip', zipSync(files))).toThrow('s.zip: runs/r1.json is missing');
    const other = writeStudyArchive({ study: { ...study, items: [{ ...study.items[0]!, runId: 'r9' }] }, runs: [run] });
    expect(() => readStudyArchive('s.zip', other)).toThrow(/items\[0\] names run r9, which the archive lacks/);
    const badEpoch = writeStudyArchive({ study, runs: [{ ...run, events: [{ ...epoch, dev: null as never }] }] });
    expect(() => readStudyArchive('s.zip', badEpoch)).toThrow(/events\[0\] is not an epoch report/);
  });
});
