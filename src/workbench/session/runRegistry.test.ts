/**
 * The run table on its own: ids (the next number, a reserved id, ids brought by stored runs), run
 * order, unique names and removal.
 */
import { describe, expect, it } from 'vitest';
import { presets } from '../../core/config.ts';
import type { RunInfo } from '../../core/events.ts';
import { RunRegistry } from './runRegistry.ts';
import type { RunIdentity } from './runRecord.ts';

function identity(runId: string, label = runId): RunIdentity<never> {
  const config = structuredClone(presets.tiny);
  const info: RunInfo = { runId, label, config, datasetName: 'sample.conll', backend: 'cpu' };
  return { info, config, data: { tasks: [], train: [], dev: [] }, status: 'completed', backend: 'cpu', last: null, best: null, host: null, loadData: null };
}

describe('RunRegistry', () => {
  it('numbers new runs after the highest run-N it has seen, whatever order they came in', () => {
    const registry = new RunRegistry<never>();
    expect(registry.nextRunId()).toBe('run-1');
    registry.create(identity('run-7'));
    registry.create(identity('run-3'));
    registry.create(identity('imported-a'));
    expect(registry.runNumber).toBe(7);
    expect(registry.nextRunId()).toBe('run-8');
    expect(registry.infos().map((i) => i.runId)).toEqual(['run-7', 'run-3', 'imported-a']);
    expect(registry.latest()?.info.runId).toBe('imported-a');
  });

  it('gives the id reserved across tabs to the run created inside withRunId, and only to it', () => {
    const registry = new RunRegistry<never>();
    const inside = registry.withRunId('run-12', () => registry.nextRunId());
    expect(inside).toBe('run-12');
    expect(registry.nextRunId()).toBe('run-1');
    expect(() => registry.withRunId('run-5', () => {
      throw new Error('refused');
    })).toThrow('refused');
    expect(registry.nextRunId()).toBe('run-1');
  });

  it('refuses a second run under one id, and says which run is missing', () => {
    const registry = new RunRegistry<never>();
    registry.create(identity('run-1'));
    expect(() => registry.create(identity('run-1'))).toThrow('There is already a run run-1.');
    expect(() => registry.get('run-2')).toThrow('There is no run run-2.');
    expect(registry.find('run-2')).toBeUndefined();
  });

  it('keeps names unique: free names count up, a rename onto another run\'s name is refused', () => {
    const registry = new RunRegistry<never>();
    registry.create(identity('run-1', 'baseline'));
    expect(registry.freeName('baseline')).toBe('baseline 2');
    registry.create(identity('run-2', registry.freeName('baseline')));
    expect(() => registry.rename('run-2', ' baseline ')).toThrow('run-1 is already called "baseline"');
    expect(() => registry.rename('run-2', '   ')).toThrow('A run needs a name.');
    registry.rename('run-2', '  no adversary ');
    expect(registry.get('run-2').info.label).toBe('no adversary');
  });

  it('forgets a removed run: its id leaves the order, the counter stays', () => {
    const registry = new RunRegistry<never>();
    registry.create(identity('run-1'));
    registry.create(identity('run-2'));
    registry.remove('run-2');
    expect(registry.infos().map((i) => i.runId)).toEqual(['run-1']);
    expect([...registry.all()]).toHaveLength(1);
    expect(registry.nextRunId()).toBe('run-3');
  });
});
