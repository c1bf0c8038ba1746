import { describe, expect, it } from 'vitest';
import type { EpochEvent, TaskScore } from '../protocol.ts';
import { compareRuns, configDiff, describeChange, describeDifference, describeSettings, nearestPreset, scoreColumns } from './compare.ts';
import { presets } from '../core/config.ts';
import type { RunState } from './store/runsSlice.ts';

const loss = { total: 1, tasks: {}, adversarial: 0, orthogonality: 0 };
const epoch = (n: number, scores: TaskScore[], best: boolean): EpochEvent => ({
  type: 'epoch', runId: 'r', epoch: n, step: n, seconds: 1, learningRate: 0.01, lambdaAdversarial: 0, train: loss,
  dev: { scores, discriminatorAccuracy: [], attention: [], loss },
  devScore: scores.reduce((a, s) => a + s.value, 0) / scores.length, best,
});
const f1 = (task: string, value: number): TaskScore => ({ task, metric: 'f1', value, accuracy: 90 });
const acc = (task: string, value: number): TaskScore => ({ task, metric: 'accuracy', value, accuracy: value });

describe('run comparison', () => {
  it('lists the config fields that differ from the baseline, by their short names', () => {
    const base = structuredClone(presets.tiny);
    const other = structuredClone(presets.tiny);
    other.model.fusion = 'average';
    other.train.learningRate = 0.5;
    const diff = configDiff(base, other);
    expect(diff.map(describeChange)).toEqual(['fusion attention → average', `lr ${base.train.learningRate} → 0.5`]);
    expect(configDiff(base, structuredClone(presets.tiny))).toEqual([]);
  });

  it('says a config as its nearest preset and the few fields that differ from it', () => {
    expect(describeSettings(presets.tiny)).toBe('preset tiny');
    expect(describeSettings(presets.paper)).toBe('preset paper');
    const other = structuredClone(presets.small);
    other.model.adversary = 'none';
    other.train.lambdaAdversarial = 0;
    expect(nearestPreset(other)).toMatchObject({ preset: 'small' });
    expect(describeSettings(other)).toBe('preset small · adversary on none (no-TD) · λ1 0');
  });

  it('says the difference from the baseline shortly: fields within a preset, else the preset and the run\'s own changes', () => {
    const tiny = structuredClone(presets.tiny);
    const noTd = structuredClone(presets.tiny);
    noTd.model.adversary = 'none';
    expect(describeDifference(tiny, noTd)).toBe('adversary on individual (MTAA) → none (no-TD)');
    expect(describeDifference(tiny, structuredClone(presets.tiny))).toBe('same settings');
    const small = structuredClone(presets.small);
    // Fifteen-odd sizes differ between the presets: said as the preset change, not field by field.
    expect(configDiff(small, noTd).length).toBeGreaterThan(10);
    expect(describeDifference(small, noTd)).toBe('preset small → tiny · adversary on none (no-TD)');
    expect(describeDifference(small, tiny)).toBe('preset small → tiny');
  });

  it('gives each run its data, best epoch, duration, backend and difference from the baseline', () => {
    const other = structuredClone(presets.tiny);
    other.model.adversary = 'none';
    const runs: Record<string, RunState> = {
      a: { info: { runId: 'a', label: 'MTAA', config: structuredClone(presets.tiny), datasetName: 'x.conll', datasetSentences: 1200, datasetHash: 'abcdef0123', backend: 'wasm' }, status: 'completed', config: structuredClone(presets.tiny), steps: [], epochs: [epoch(1, [f1('NER', 40)], true), epoch(2, [f1('NER', 55)], true), epoch(3, [f1('NER', 50)], false)], changes: [], visible: true, done: { type: 'done', runId: 'a', reason: 'completed', epochs: 3, bestEpoch: 2, best: [], seconds: 12 } },
      b: { info: { runId: 'b', label: 'no-TD', config: other, datasetName: 'x.conll', backend: 'webgpu' }, status: 'running', config: structuredClone(presets.tiny), steps: [], epochs: [epoch(1, [f1('NER', 60)], true)], changes: [], visible: false },
    };
    const rows = compareRuns(runs, ['a', 'b'], 'a');
    expect(rows[0]).toMatchObject({ runId: 'a', bestEpoch: 2, seconds: 12, backend: 'wasm', diff: [], difference: null, settings: 'preset tiny', data: 'x.conll · 1,200 sentences · abcdef01' });
    expect(rows[1]).toMatchObject({ runId: 'b', bestEpoch: 1, seconds: null, backend: 'webgpu', visible: false, difference: 'adversary on individual (MTAA) → none (no-TD)', data: 'x.conll' });
    expect(rows[1]!.diff.map(describeChange)).toEqual(['adversary on individual (MTAA) → none (no-TD)']);
  });

  it('averages F1 scores and accuracies apart, with a mean column only where two tasks share a metric', () => {
    const info = { runId: 'a', label: 'MTAA', config: structuredClone(presets.tiny), datasetName: 'x', backend: 'wasm' as const };
    const run: RunState = { info, status: 'completed', config: info.config, steps: [], changes: [], visible: true, epochs: [epoch(1, [acc('POS', 95), f1('chunk', 80), f1('NER', 60)], true)] };
    const rows = compareRuns({ a: run }, ['a'], 'a');
    expect(rows[0]!.means).toEqual({ f1: 70, accuracy: 95 });
    expect(scoreColumns(rows)).toEqual({
      tasks: [
        { task: 'POS', metric: 'accuracy' },
        { task: 'chunk', metric: 'f1' },
        { task: 'NER', metric: 'f1' },
      ],
      meanF1: true,
      meanAccuracy: false,
    });
    expect(scoreColumns([])).toEqual({ tasks: [], meanF1: false, meanAccuracy: false });
  });
});
