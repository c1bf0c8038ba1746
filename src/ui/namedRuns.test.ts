import { describe, expect, it } from 'vitest';
import { presets } from '../core/config.ts';
import { runsNamedByData } from './namedRuns.ts';
import { applyWorkerEvent, emptyRuns, type RunsState } from './store/runsSlice.ts';

function started(state: RunsState, runId: string, datasetName: string, datasetHash: string): RunsState {
  return applyWorkerEvent(state, { type: 'run-started', run: { runId, label: 'MTAA', config: structuredClone(presets.tiny), datasetName, datasetHash, backend: 'wasm' } });
}

describe('runs named by their data', () => {
  it('leaves the runs as they are while they share one dataset', () => {
    const state = started(started(emptyRuns, 'run-1', 'a.conll', 'aaaa1111ff'), 'run-2', 'a.conll', 'aaaa1111ff');
    expect(runsNamedByData(state.runs, state.order)).toBe(state.runs);
  });

  it('adds the data to each label when it differs, keeping the history arrays', () => {
    const state = started(started(emptyRuns, 'run-1', 'a.conll', 'aaaa1111ff'), 'run-2', 'b.conll', 'bbbb2222ff');
    const named = runsNamedByData(state.runs, state.order);
    expect(named['run-1']!.info.label).toBe('MTAA (a.conll · aaaa1111)');
    expect(named['run-2']!.info.label).toBe('MTAA (b.conll · bbbb2222)');
    expect(named['run-1']!.steps).toBe(state.runs['run-1']!.steps);
    expect(state.runs['run-1']!.info.label).toBe('MTAA');
  });
});
