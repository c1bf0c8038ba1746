import { describe, expect, it } from 'vitest';
import type { EpochEvent } from '../protocol.ts';
import { compareRuns, configDiff, describeChange } from './compare.ts';
import { presets } from '../core/config.ts';
import type { RunState } from './store/runsSlice.ts';

const loss = { total: 1, tasks: {}, adversarial: 0, orthogonality: 0 };
const epoch = (n: number, value: number, best: boolean): EpochEvent => ({
  type: 'epoch', runId: 'r', epoch: n, step: n, seconds: 1, learningRate: 0.01, lambdaAdversarial: 0, train: loss,
  dev: { scores: [{ task: 'NER', metric: 'f1', value, accuracy: 90 }], discriminatorAccuracy: [], attention: [], loss },
  devScore: value, best,
});

describe('run comparison', () => {
  it('lists the config fields that differ from the baseline', () => {
    const base = structuredClone(presets.tiny);
    const other = structuredClone(presets.tiny);
    other.model.fusion = 'average';
    other.train.learningRate = 0.5;
    const diff = configDiff(base, other);
    expect(diff.map(describeChange)).toEqual(['model.fusion: attention → average', `train.learningRate: ${base.train.learningRate} → 0.5`]);
    expect(configDiff(base, structuredClone(presets.tiny))).toEqual([]);
  });

  it('gives each run its best epoch, duration, backend and diff against the baseline', () => {
    const other = structuredClone(presets.tiny);
    other.model.adversary = 'none';
    const runs: Record<string, RunState> = {
      a: { info: { runId: 'a', label: 'MTAA', config: structuredClone(presets.tiny), datasetName: 'x', backend: 'wasm' }, status: 'completed', config: structuredClone(presets.tiny), steps: [], epochs: [epoch(1, 40, true), epoch(2, 55, true), epoch(3, 50, false)], changes: [], visible: true, done: { type: 'done', runId: 'a', reason: 'completed', epochs: 3, bestEpoch: 2, best: [], seconds: 12 } },
      b: { info: { runId: 'b', label: 'no-TD', config: other, datasetName: 'x', backend: 'webgpu' }, status: 'running', config: structuredClone(presets.tiny), steps: [], epochs: [epoch(1, 60, true)], changes: [], visible: false },
    };
    const rows = compareRuns(runs, ['a', 'b'], 'a');
    expect(rows[0]).toMatchObject({ runId: 'a', bestEpoch: 2, devScore: 55, seconds: 12, backend: 'wasm', diff: [] });
    expect(rows[1]).toMatchObject({ runId: 'b', bestEpoch: 1, devScore: 60, seconds: null, backend: 'webgpu', visible: false });
    expect(rows[1]!.diff.map(describeChange)).toEqual(['model.adversary: individual → none']);
  });
});
