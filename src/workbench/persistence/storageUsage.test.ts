/**
 * The space report and the warning before a save that would not fit: sizes per run and in total
 * from what storage holds; a save larger than the free space is named with what to delete.
 */
import { describe, expect, it } from 'vitest';
import { presets } from '../../core/config.ts';
import type { RunInfo } from '../../core/events.ts';
import { buildVocabularies, vocabulariesToJSON } from '../../data/index.ts';
import { minimumWeightCount } from '../../train/formats/checkpoint.ts';
import { MemoryRunStorage } from './runStorage.ts';
import { checkpointEstimate, spaceProblem, storageUsage } from './storageUsage.ts';

const hash = 'a'.repeat(64);
const tasks = [{ name: 'POS', column: 1, scheme: 'plain' as const }];
const vocabularies = buildVocabularies([{ words: ['a', 'b'], tags: [['X', 'Y']] }], 1);

async function storageWithRun(weights: number): Promise<MemoryRunStorage> {
  const storage = new MemoryRunStorage();
  const info: RunInfo = { runId: 'run-1', label: 'MTAA', config: presets.tiny, datasetName: 'toy.conll', datasetHash: hash, backend: 'wasm' };
  await storage.putRuns([{ runId: 'run-1', info, config: presets.tiny, status: 'completed', notes: '', datasetHash: hash, overrides: [], updatedAt: 1 }]);
  await storage.putCheckpoints([{ runId: 'run-1', kind: 'best', epoch: 1, step: 2, tasks, vocabularies: vocabulariesToJSON(vocabularies), weights: [{ name: 'w', shape: [weights], data: new Float32Array(weights) }] }]);
  await storage.putDataset({ hash, name: 'toy.conll', bytes: new Uint8Array(1000), builtIn: false });
  await storage.putBertFeatures({ key: `ckpt|${hash}|last4|first`, dim: 2, sentences: ['a'], words: Uint32Array.of(1), halves: Uint16Array.of(1, 2), createdAt: 0 });
  return storage;
}

describe('storage usage', () => {
  it('counts each run\'s checkpoints, events, dataset and BERT features, and the total once each', async () => {
    const storage = await storageWithRun(250_000);
    const usage = await storageUsage(storage, { usage: 5e6, quota: 1e9 });
    const [run] = usage.runs;
    expect(run!.checkpoints).toBeGreaterThan(1_000_000);
    expect(run!.checkpoints).toBeLessThan(1_010_000);
    expect(run!.dataset).toBe(1000);
    expect(run!.bertFeatures).toBe(usage.bertFeatures[0]!.bytes);
    expect(usage.total).toBe(run!.events + run!.checkpoints + 1000 + usage.bertFeatures[0]!.bytes);
    expect(usage.estimate).toEqual({ usage: 5e6, quota: 1e9 });
  });

  it('warns when a save would not fit, naming the largest runs; is silent when it fits or without an estimate', async () => {
    const storage = await storageWithRun(250_000);
    const problem = await spaceProblem('MTAA 2\'s checkpoints', 3e6, storage, { usage: 9e6, quota: 1e7 });
    expect(problem).toBe(
      "MTAA 2's checkpoints would take about 3.0 MB, but only 1.0 MB of this browser's storage is free. Delete runs you no longer need (the largest: MTAA (1.0 MB)), or export the workspace first and then delete them.",
    );
    expect(await spaceProblem('x', 5e5, storage, { usage: 9e6, quota: 1e7 })).toBeNull();
    expect(await spaceProblem('x', 5e9, storage, null)).toBeNull();
  });

  it('estimates two checkpoints from the config and the data\'s words', () => {
    const sentences = [{ words: ['a', 'b', 'a'], tags: [['X', 'Y', 'X']] }];
    const built = buildVocabularies(sentences, 1, { words: { minCount: presets.tiny.model.embedding.minWordFreq } });
    expect(checkpointEstimate(presets.tiny, 1, sentences)).toBe(2 * 4 * minimumWeightCount(presets.tiny, 1, built));
    // More words, larger tables.
    expect(checkpointEstimate(presets.tiny, 1, [...sentences, { words: ['c', 'd', 'c', 'd'], tags: [null] }])).toBeGreaterThan(checkpointEstimate(presets.tiny, 1, sentences));
  });
});
