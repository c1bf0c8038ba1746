/**
 * A deleted run's dataset and that dataset's BERT features leave storage once nothing needs them:
 * no stored run names the dataset and the caller does not hold it (loaded, kept, runs in memory).
 */
import { describe, expect, it } from 'vitest';
import { presets } from '../../core/config.ts';
import { bertFeatureKey } from '../bert/featureCodec.ts';
import { MemoryRunStorage, type StoredBertFeatures, type StoredRun } from './runStorage.ts';
import { bertFeatureDataset, freeUnusedDataset } from './unusedRecords.ts';

const settings = { layer: -1, mixLastFour: false, pooling: 'first' as const };

function run(runId: string, datasetHash: string | null): StoredRun {
  return {
    runId,
    info: { runId, label: runId, config: presets.tiny, datasetName: 'toy.conll', backend: 'wasm' },
    config: presets.tiny,
    status: 'completed',
    notes: '',
    datasetHash,
    overrides: [],
    updatedAt: 1,
  };
}

function features(checkpoint: string, dataset: string): StoredBertFeatures {
  return { key: bertFeatureKey(checkpoint, dataset, settings), dim: 1, sentences: ['a'], words: Uint32Array.of(1), halves: Uint16Array.of(0), createdAt: 1 };
}

/** Two datasets, A and B, each with BERT features of two checkpoints, and a run on A. */
async function stored(): Promise<MemoryRunStorage> {
  const storage = new MemoryRunStorage();
  for (const hash of ['A', 'B']) {
    await storage.putDataset({ hash, name: `${hash}.conll`, bytes: Uint8Array.of(1, 2), builtIn: false });
    await storage.putBertFeatures(features('ck1', hash));
    await storage.putBertFeatures(features('ck2', hash));
  }
  await storage.putRuns([run('run-1', 'A')]);
  return storage;
}

describe('freeUnusedDataset', () => {
  it('deletes a dataset no run names and nobody holds, with its BERT features of every checkpoint; the others stay', async () => {
    const storage = await stored();
    expect(await freeUnusedDataset(storage, 'B', ['A', null, undefined])).toBe(true);
    expect(await storage.hasDataset('B')).toBe(false);
    expect(await storage.hasDataset('A')).toBe(true);
    expect((await storage.bertFeatureKeys()).map(bertFeatureDataset)).toEqual(['A', 'A']);
    expect(await storage.recordCounts()).toEqual({ runs: 1, events: 0, checkpoints: 0, datasets: 1, values: 0, bertFeatures: 2 });
  });

  it('keeps a dataset a stored run trained on, or one the caller holds (loaded now, kept for the next visit, a run in memory)', async () => {
    const storage = await stored();
    const before = await storage.recordCounts();
    expect(await freeUnusedDataset(storage, 'A', [])).toBe(false);
    expect(await freeUnusedDataset(storage, 'B', ['B'])).toBe(false);
    expect(await freeUnusedDataset(storage, null, [])).toBe(false);
    expect(await storage.recordCounts()).toEqual(before);
    // Once its last run is gone, A goes too.
    await storage.deleteRun('run-1');
    expect(await freeUnusedDataset(storage, 'A', [])).toBe(true);
    expect(await storage.recordCounts()).toEqual({ runs: 0, events: 0, checkpoints: 0, datasets: 1, values: 0, bertFeatures: 2 });
  });

  it("reads a feature key's dataset as bertFeatureKey writes it", () => {
    expect(bertFeatureDataset(bertFeatureKey('c0ffee', 'da7a', { layer: 3, mixLastFour: true, pooling: 'mean' }))).toBe('da7a');
  });
});
