import { describe, expect, it } from 'vitest';
import { tinyConfig } from './runConfig.fixture.ts';
import { applyWorkerEvent, emptyRuns } from './runsSlice.ts';

describe('runs slice', () => {
  it('updates a run\'s backend and message from run-status events', () => {
    let state = applyWorkerEvent(emptyRuns, {
      type: 'run-started',
      run: { runId: 'run-1', label: 'MTAA', config: tinyConfig(), datasetName: 'x', backend: 'webgpu' },
    });
    state = applyWorkerEvent(state, { type: 'run-status', runId: 'run-1', status: 'failed', message: 'device lost' });
    expect(state.runs['run-1']).toMatchObject({ status: 'failed', message: 'device lost' });
    state = applyWorkerEvent(state, { type: 'run-status', runId: 'run-1', status: 'running', backend: 'webgl' });
    expect(state.runs['run-1']!.status).toBe('running');
    expect(state.runs['run-1']!.message).toBeUndefined();
    expect(state.runs['run-1']!.info.backend).toBe('webgl');
  });
});
