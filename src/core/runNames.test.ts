import { describe, expect, it } from 'vitest';
import type { RunInfo } from './events.ts';
import { datasetLabel, legendNames, renameProblem, shortHash, uniqueRunName } from './runNames.ts';

describe('run names', () => {
  it('keeps a free name and numbers a taken one from 2, skipping numbers in use', () => {
    expect(uniqueRunName('MTAA', [])).toBe('MTAA');
    expect(uniqueRunName('MTAA', ['MTAA'])).toBe('MTAA 2');
    expect(uniqueRunName(' MTAA ', ['MTAA', 'MTAA 2', 'no-TD'])).toBe('MTAA 3');
    expect(uniqueRunName('MTAA', ['MTAA 2'])).toBe('MTAA');
    // Case is shown, so it tells names apart.
    expect(uniqueRunName('mtaa', ['MTAA'])).toBe('mtaa');
  });

  it('refuses an empty rename and another run\'s name, but not the run\'s own', () => {
    const runs = [
      { runId: 'run-1', label: 'MTAA' },
      { runId: 'run-2', label: 'MTAA 2' },
    ];
    expect(renameProblem('  ', 'run-1', runs)).toBe('A run needs a name.');
    expect(renameProblem('MTAA 2 ', 'run-1', runs)).toBe('run-2 is already called "MTAA 2": run names are unique.');
    expect(renameProblem('MTAA', 'run-1', runs)).toBeNull();
    expect(renameProblem('lr 0.5', 'run-1', runs)).toBeNull();
  });

  it('names a run\'s data by file, sentence count and short hash', () => {
    const hash = 'ab12cd34ef'.padEnd(64, '0');
    expect(shortHash(hash)).toBe('ab12cd34');
    expect(shortHash(undefined)).toBe('');
    expect(datasetLabel({ datasetName: 'eng.testa', datasetSentences: 3250, datasetHash: hash })).toBe('eng.testa · 3,250 sentences · ab12cd34');
    expect(datasetLabel({ datasetName: 'one.conll', datasetSentences: 1 })).toBe('one.conll · 1 sentence');
    // A run kept from before the count was recorded.
    expect(datasetLabel({ datasetName: 'old.conll' })).toBe('old.conll');
  });

  it('names the data in legends only when the runs trained on different data', () => {
    const run = (runId: string, label: string, datasetName: string, datasetHash: string): RunInfo =>
      ({ runId, label, datasetName, datasetHash, datasetSentences: 10, config: {} as RunInfo['config'], backend: 'wasm' });
    const same = [run('run-1', 'MTAA', 'a.conll', '11112222aaaa'), run('run-2', 'no-TD', 'a.conll', '11112222aaaa')];
    expect(legendNames(same)).toEqual({ names: { 'run-1': 'MTAA', 'run-2': 'no-TD' }, shared: 'a.conll · 10 sentences · 11112222' });
    const mixed = [same[0]!, run('run-3', 'MTAA 2', 'b.conll', '33334444bbbb')];
    expect(legendNames(mixed)).toEqual({ names: { 'run-1': 'MTAA (a.conll · 11112222)', 'run-3': 'MTAA 2 (b.conll · 33334444)' }, shared: null });
    expect(legendNames([])).toEqual({ names: {}, shared: null });
  });
});
