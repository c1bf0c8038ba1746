/**
 * Test hook for the fault matrix (RELIABILITY.md): a RunStorage whose next writes fail as a full
 * IndexedDB quota does, so the recorder's "storage is full" path runs in the real worker against
 * real IndexedDB rather than only against MemoryRunStorage in unit tests. Reads always pass through.
 */
import type { RunStorage } from './runStorage.ts';

export interface QuotaFaults {
  storage: RunStorage;
  /** The next `writes` writes throw a QuotaExceededError; later ones reach the inner storage again. */
  failNextWrites(writes: number): void;
}

/** The error a browser throws when an IndexedDB write exceeds the origin's quota. */
function quotaExceeded(): Error {
  const message = 'The quota has been exceeded (injected fault).';
  return typeof DOMException === 'function' ? new DOMException(message, 'QuotaExceededError') : Object.assign(new Error(message), { name: 'QuotaExceededError' });
}

export function withQuotaFaults(inner: RunStorage): QuotaFaults {
  let failing = 0;
  const write =
    <K extends 'putRuns' | 'appendEvents' | 'deleteEvents' | 'putCheckpoints' | 'putDataset' | 'putValue' | 'putBertFeatures'>(key: K) =>
    (...args: Parameters<RunStorage[K]>): Promise<void> => {
      if (failing > 0) {
        failing--;
        return Promise.reject(quotaExceeded());
      }
      return (inner[key] as (...a: Parameters<RunStorage[K]>) => Promise<void>).apply(inner, args);
    };
  const storage: RunStorage = {
    putRuns: write('putRuns'),
    appendEvents: write('appendEvents'),
    deleteEvents: write('deleteEvents'),
    putCheckpoints: write('putCheckpoints'),
    putDataset: write('putDataset'),
    putValue: write('putValue'),
    putBertFeatures: write('putBertFeatures'),
    bertFeatures: (key) => inner.bertFeatures(key),
    hasDataset: (hash) => inner.hasDataset(hash),
    runs: () => inner.runs(),
    events: (runId) => inner.events(runId),
    checkpoint: (runId, kind) => inner.checkpoint(runId, kind),
    dataset: (hash) => inner.dataset(hash),
    deleteRun: (runId) => inner.deleteRun(runId),
    getValue: (key) => inner.getValue(key),
    // Deletions free space: a full quota never refuses them.
    deleteDataset: (hash) => inner.deleteDataset(hash),
    bertFeatureKeys: () => inner.bertFeatureKeys(),
    deleteBertFeatures: (keys) => inner.deleteBertFeatures(keys),
    deleteValue: (key) => inner.deleteValue(key),
    recordCounts: () => inner.recordCounts(),
    datasetHashes: () => inner.datasetHashes(),
  };
  return {
    storage,
    failNextWrites(writes: number) {
      if (!Number.isInteger(writes) || writes < 0) throw new RangeError(`failNextWrites: ${writes} is not a count of writes`);
      failing = writes;
    },
  };
}
