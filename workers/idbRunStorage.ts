/**
 * RunStorage on IndexedDB (through the `idb` wrapper), opened in the trainer worker: it holds the
 * checkpoints, so they go to storage without crossing to the page. Object stores:
 * - `runs` (key runId): StoredRun records;
 * - `events` (auto key, index `runId`): events in append order;
 * - `checkpoints` (key [runId, kind]): weights (Float32Array) with tasks and vocabularies;
 * - `datasets` (key hash): the files runs trained on, so a restored run can be resumed;
 * - `values` (key string): small named values (the study queue);
 * - `bertFeatures` (key string, version 2): frozen BERT word features as float16 (issue 17).
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { STORE_NAMES, type CheckpointKind, type RunStorage, type StoreName, type StoredBertFeatures, type StoredCheckpoint, type StoredDataset, type StoredEvent, type StoredRun } from '../src/workbench/persistence/runStorage.ts';

interface WorkbenchDB extends DBSchema {
  runs: { key: string; value: StoredRun };
  events: { key: number; value: { runId: string; event: StoredEvent }; indexes: { runId: string } };
  checkpoints: { key: [string, CheckpointKind]; value: StoredCheckpoint };
  datasets: { key: string; value: StoredDataset };
  values: { key: string; value: { key: string; value: unknown } };
  bertFeatures: { key: string; value: StoredBertFeatures };
}

export const DB_NAME = 'mtaa-workbench';
const DB_VERSION = 2;

export class IdbRunStorage implements RunStorage {
  private constructor(private readonly db: IDBPDatabase<WorkbenchDB>) {}

  static async open(name = DB_NAME): Promise<IdbRunStorage> {
    const db = await openDB<WorkbenchDB>(name, DB_VERSION, {
      upgrade(db, oldVersion) {
        if (oldVersion < 1) {
          db.createObjectStore('runs', { keyPath: 'runId' });
          db.createObjectStore('events', { autoIncrement: true }).createIndex('runId', 'runId');
          db.createObjectStore('checkpoints', { keyPath: ['runId', 'kind'] });
          db.createObjectStore('datasets', { keyPath: 'hash' });
          db.createObjectStore('values', { keyPath: 'key' });
        }
        // By name rather than by version: another store added in a later version leaves this one alone.
        if (!db.objectStoreNames.contains('bertFeatures')) db.createObjectStore('bertFeatures', { keyPath: 'key' });
      },
    });
    return new IdbRunStorage(db);
  }

  async putRuns(runs: StoredRun[]): Promise<void> {
    const tx = this.db.transaction('runs', 'readwrite');
    await Promise.all([...runs.map((run) => tx.store.put(run)), tx.done]);
  }

  async appendEvents(events: { runId: string; event: StoredEvent }[]): Promise<void> {
    const tx = this.db.transaction('events', 'readwrite');
    await Promise.all([...events.map((e) => tx.store.add(e)), tx.done]);
  }

  async deleteEvents(runId: string, which: (event: StoredEvent) => boolean): Promise<void> {
    const tx = this.db.transaction('events', 'readwrite');
    for (let cursor = await tx.store.index('runId').openCursor(runId); cursor; cursor = await cursor.continue()) {
      if (which(cursor.value.event)) await cursor.delete();
    }
    await tx.done;
  }

  async putCheckpoints(checkpoints: StoredCheckpoint[]): Promise<void> {
    const tx = this.db.transaction('checkpoints', 'readwrite');
    await Promise.all([...checkpoints.map((c) => tx.store.put(c)), tx.done]);
  }

  async putDataset(dataset: StoredDataset): Promise<void> {
    await this.db.put('datasets', dataset);
  }

  async hasDataset(hash: string): Promise<boolean> {
    return (await this.db.getKey('datasets', hash)) !== undefined;
  }

  runs(): Promise<StoredRun[]> {
    return this.db.getAll('runs');
  }

  async events(runId: string): Promise<StoredEvent[]> {
    // Auto-increment keys within one index value come back in key order: append order.
    return (await this.db.getAllFromIndex('events', 'runId', runId)).map((e) => e.event);
  }

  checkpoint(runId: string, kind: CheckpointKind): Promise<StoredCheckpoint | undefined> {
    return this.db.get('checkpoints', [runId, kind]);
  }

  dataset(hash: string): Promise<StoredDataset | undefined> {
    return this.db.get('datasets', hash);
  }

  async deleteRun(runId: string): Promise<void> {
    const tx = this.db.transaction(['runs', 'events', 'checkpoints'], 'readwrite');
    const keys = await tx.objectStore('events').index('runId').getAllKeys(runId);
    await Promise.all([
      tx.objectStore('runs').delete(runId),
      ...keys.map((key) => tx.objectStore('events').delete(key)),
      tx.objectStore('checkpoints').delete([runId, 'last']),
      tx.objectStore('checkpoints').delete([runId, 'best']),
      tx.done,
    ]);
  }

  async getValue(key: string): Promise<unknown> {
    return (await this.db.get('values', key))?.value;
  }

  async putValue(key: string, value: unknown): Promise<void> {
    await this.db.put('values', { key, value });
  }

  async putBertFeatures(features: StoredBertFeatures): Promise<void> {
    await this.db.put('bertFeatures', features);
  }

  bertFeatures(key: string): Promise<StoredBertFeatures | undefined> {
    return this.db.get('bertFeatures', key);
  }

  deleteDataset(hash: string): Promise<void> {
    return this.db.delete('datasets', hash);
  }

  datasetHashes(): Promise<string[]> {
    return this.db.getAllKeys('datasets');
  }

  bertFeatureKeys(): Promise<string[]> {
    return this.db.getAllKeys('bertFeatures');
  }

  async deleteBertFeatures(keys: string[]): Promise<void> {
    const tx = this.db.transaction('bertFeatures', 'readwrite');
    await Promise.all([...keys.map((key) => tx.store.delete(key)), tx.done]);
  }

  deleteValue(key: string): Promise<void> {
    return this.db.delete('values', key);
  }

  async recordCounts(): Promise<Record<StoreName, number>> {
    const tx = this.db.transaction([...STORE_NAMES], 'readonly');
    const counts = await Promise.all(STORE_NAMES.map((name) => tx.objectStore(name).count()));
    await tx.done;
    return Object.fromEntries(STORE_NAMES.map((name, i) => [name, counts[i]!])) as Record<StoreName, number>;
  }
}
