/**
 * The trainer worker's dataset calls (the TrainerApi's open / load / add / test-file / override
 * calls): one change at a time, each kept for the next visit before the next starts, so the kept
 * dataset is always the last one loaded. No tfjs here.
 */
import { messageOf } from '../../core/errors.ts';
import type { LoadResult, OpenedDataset, TrainerApi } from '../../protocol.ts';
import type { RunStorage } from '../persistence/runStorage.ts';
import type { CurrentDataset } from './currentDataset.ts';
import { keepCurrentDataset, reopenKeptDataset } from './keptDataset.ts';

export type DatasetCalls = Pick<TrainerApi, 'openDataset' | 'loadSample' | 'loadFile' | 'addFile' | 'loadTestFile' | 'clearTestFile' | 'applyOverrides'>;

export interface DatasetCallDeps {
  datasets: CurrentDataset;
  storage: RunStorage;
  /** The built-in sample: its file name and a fetch of its bytes from the app's own origin. */
  sample: { name: string; fetch(): Promise<{ ok: boolean; status: number; arrayBuffer(): Promise<ArrayBuffer> }> };
  /** Why runs cannot be kept after a reload (no IndexedDB); null when storage is IndexedDB. */
  storageNotice(): string | null;
  /** Tells the page a storage problem (a refused write). */
  storageError(message: string): void;
}

export function datasetCalls({ datasets, storage, sample, storageNotice, storageError }: DatasetCallDeps): DatasetCalls {
  /** Dataset changes one at a time, each kept before the next starts (the kept one is the last loaded). */
  let queue: Promise<unknown> = Promise.resolve();
  function queued<T>(call: () => Promise<T>): Promise<T> {
    const next = queue.then(call, call);
    queue = next.catch(() => undefined);
    return next;
  }
  function change<T extends { ok: boolean }>(load: () => Promise<T>): Promise<T> {
    return queued(async () => {
      const result = await load();
      if (result.ok) await keep();
      return result;
    });
  }
  /** Keeps the current dataset for the next visit; a refusal (quota) is told, and nothing else changes. */
  async function keep(): Promise<void> {
    try {
      await keepCurrentDataset(datasets, storage);
    } catch (error) {
      storageError(`${datasets.source?.name ?? 'The dataset'} could not be kept for your next visit (${messageOf(error)}); it stays loaded now.`);
    }
  }
  async function fetchSample(): Promise<LoadResult> {
    const response = await sample.fetch();
    if (!response.ok) return { ok: false, error: { file: sample.name, kind: 'internal', message: `${sample.name}: HTTP ${response.status}` } };
    return datasets.load(sample.name, new Uint8Array(await response.arrayBuffer()), true, []);
  }

  return {
    openDataset: () =>
      queued(async (): Promise<OpenedDataset> => {
        let reopened: Awaited<ReturnType<typeof reopenKeptDataset>>;
        try {
          reopened = await reopenKeptDataset(datasets, storage);
        } catch (error) {
          reopened = { ok: false, notice: `The dataset kept from your last visit could not be read back (${messageOf(error)}); the built-in sample is loaded instead.` };
        }
        // Asked after the first storage call: by then the storage knows whether it is IndexedDB.
        const persistent = storageNotice() === null;
        if (reopened?.ok) return { result: reopened.result, test: reopened.test, notice: reopened.notice, persistent };
        const result = await fetchSample();
        // The sample is now what the page shows: kept as such, so a gone dataset is said only once.
        if (result.ok && reopened) await keep();
        return { result, test: null, notice: reopened?.notice ?? null, persistent };
      }),
    loadSample: () => change(fetchSample),
    loadFile: (fileName, bytes, overrides) => change(() => datasets.load(fileName, new Uint8Array(bytes), false, overrides ?? [])),
    addFile: (fileName, bytes, overrides) => change(() => datasets.add(fileName, new Uint8Array(bytes), overrides ?? [])),
    loadTestFile: (fileName, bytes) => change(async () => datasets.loadTest(fileName, new Uint8Array(bytes))),
    clearTestFile: async () => {
      await change(async () => {
        datasets.clearTest();
        return { ok: true };
      });
    },
    applyOverrides: (overrides) => change(async () => datasets.applyOverrides(overrides)),
  };
}
