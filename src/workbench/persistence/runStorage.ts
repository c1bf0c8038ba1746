/**
 * What the workbench keeps between visits, and the interface of the place it keeps it: runs (info,
 * effective config, status, notes), their events, their host checkpoints (weights with the tasks
 * and vocabularies to rebuild the model), the dataset files they trained on, and small named values
 * (the study queue). The browser implementation is IndexedDB (workers/idbRunStorage.ts); tests and
 * browsers without IndexedDB use `MemoryRunStorage`. Pure TypeScript: records are structured-clone
 * friendly (plain objects, typed arrays).
 */
import type { VocabulariesJSON } from '../../data/index.ts';
import type { TaskSpec } from '../../data/types.ts';
import type { RunConfig } from '../../core/config.ts';
import type { LiveChange, RunInfo, RunStatus, TaskScore, TestScoresEvent, TrainEvent } from '../../core/events.ts';
import type { ColumnOverride } from '../../protocol.ts';
import type { NamedWeight } from '../../train/formats/safetensors.ts';

export interface StoredRun {
  runId: string;
  info: RunInfo;
  /** The effective config (the run's own plus its live changes): what a resume rebuilds. */
  config: RunConfig;
  status: RunStatus;
  message?: string;
  notes: string;
  /** Key of the StoredDataset the run trained on, and the column choices applied to it. */
  datasetHash: string | null;
  overrides: ColumnOverride[];
  /** Milliseconds since the epoch of the last change (ordering, display). */
  updatedAt: number;
}

export type StoredEvent = TrainEvent | TestScoresEvent | { type: 'live-change'; change: LiveChange };

export type CheckpointKind = 'last' | 'best';

export interface StoredCheckpoint {
  runId: string;
  kind: CheckpointKind;
  /** Epochs completed. */
  epoch: number;
  step: number;
  /** Batches of epoch `epoch + 1` done: a `last` checkpoint taken by time, mid-epoch. */
  batch?: number;
  /** Best only: the mean dev score and the per-task scores of that epoch. */
  score?: number;
  scores?: TaskScore[];
  tasks: TaskSpec[];
  vocabularies: VocabulariesJSON;
  weights: NamedWeight[];
}

export interface StoredDataset {
  /** SHA-256 of the bytes, hex. */
  hash: string;
  name: string;
  bytes: Uint8Array;
  builtIn: boolean;
  /**
   * Files added to this one (partial labels), in order: the dataset is `bytes` merged with each.
   * Then `hash` is that of the whole set (see the worker's `sourceHash`), not of `bytes` alone.
   */
  parts?: { name: string; bytes: Uint8Array }[];
}

/**
 * Frozen BERT word features of one dataset (issue 17), computed once and kept so a reload does not
 * recompute them. Float16 halves the size (features are LayerNorm outputs, |x| ≲ 10: float16 keeps
 * ~3 significant digits, far below what training notices).
 */
export interface StoredBertFeatures {
  /** `bertFeatureKey`: checkpoint hash, dataset hash, layers and pooling. */
  key: string;
  /** Width of a word's row (H, or 4H for a mix of the last four layers). */
  dim: number;
  /** The distinct sentences, as their words joined by U+0001, in `rows` order. */
  sentences: string[];
  /** Words per sentence. */
  words: Uint32Array;
  /** IEEE 754 half bits, [Σ words, dim] row-major. */
  halves: Uint16Array;
  /** Milliseconds since the epoch when they were computed. */
  createdAt: number;
}

export interface RunStorage {
  /** Writes (or replaces) runs' records. */
  putRuns(runs: StoredRun[]): Promise<void>;
  /** Appends events, in order, each with its run id. */
  appendEvents(events: { runId: string; event: StoredEvent }[]): Promise<void>;
  /** Deletes the events of a run that `which` picks (a resume's rewind); the others keep their order. */
  deleteEvents(runId: string, which: (event: StoredEvent) => boolean): Promise<void>;
  putCheckpoints(checkpoints: StoredCheckpoint[]): Promise<void>;
  putDataset(dataset: StoredDataset): Promise<void>;
  hasDataset(hash: string): Promise<boolean>;
  runs(): Promise<StoredRun[]>;
  /** A run's events in the order they were appended. */
  events(runId: string): Promise<StoredEvent[]>;
  checkpoint(runId: string, kind: CheckpointKind): Promise<StoredCheckpoint | undefined>;
  dataset(hash: string): Promise<StoredDataset | undefined>;
  /** Deletes a run's record, events and checkpoints (its dataset stays: other runs may share it). */
  deleteRun(runId: string): Promise<void>;
  getValue(key: string): Promise<unknown>;
  putValue(key: string, value: unknown): Promise<void>;
  /** BERT features (a store of their own): written once per (checkpoint, dataset, layers, pooling). */
  putBertFeatures(features: StoredBertFeatures): Promise<void>;
  bertFeatures(key: string): Promise<StoredBertFeatures | undefined>;
  // What deleting runs frees besides the run's own records (issue 18: long sessions stay flat).
  /** Deletes a dataset's files (the caller checked that no run or kept pointer needs them). */
  deleteDataset(hash: string): Promise<void>;
  /** The keys of every stored set of BERT features (their dataset hash is the key's second field). */
  bertFeatureKeys(): Promise<string[]>;
  deleteBertFeatures(keys: string[]): Promise<void>;
  /** Deletes a named value (e.g. the study, once cleared), so no empty record stays behind. */
  deleteValue(key: string): Promise<void>;
  /** Records per store (runs, events, checkpoints, datasets, values, bertFeatures): the soak's yardstick. */
  recordCounts(): Promise<Record<StoreName, number>>;
  /** The keys of every stored dataset and BERT feature set (the workspace archive and the space report list them). */
  datasetHashes(): Promise<string[]>;
}

/** The stores a RunStorage keeps records in (IndexedDB object stores of the same names). */
export const STORE_NAMES = ['runs', 'events', 'checkpoints', 'datasets', 'values', 'bertFeatures'] as const;
export type StoreName = (typeof STORE_NAMES)[number];

/** Runs, events and checkpoints in memory: for tests, and when the browser has no IndexedDB. */
export class MemoryRunStorage implements RunStorage {
  private readonly runRecords = new Map<string, StoredRun>();
  private readonly eventLog: { runId: string; event: StoredEvent }[] = [];
  private readonly checkpoints = new Map<string, StoredCheckpoint>();
  private readonly datasets = new Map<string, StoredDataset>();
  private readonly values = new Map<string, unknown>();
  private readonly bertFeatureSets = new Map<string, StoredBertFeatures>();
  /** Tests: the next write throws this error (e.g. a QuotaExceededError). */
  failNextWrite: Error | null = null;

  private write(): void {
    const error = this.failNextWrite;
    if (!error) return;
    this.failNextWrite = null;
    throw error;
  }

  async putRuns(runs: StoredRun[]): Promise<void> {
    this.write();
    for (const run of runs) this.runRecords.set(run.runId, structuredClone(run));
  }
  async appendEvents(events: { runId: string; event: StoredEvent }[]): Promise<void> {
    this.write();
    this.eventLog.push(...structuredClone(events));
  }
  async deleteEvents(runId: string, which: (event: StoredEvent) => boolean): Promise<void> {
    this.write();
    for (let i = this.eventLog.length - 1; i >= 0; i--) {
      const e = this.eventLog[i]!;
      if (e.runId === runId && which(e.event)) this.eventLog.splice(i, 1);
    }
  }
  async putCheckpoints(checkpoints: StoredCheckpoint[]): Promise<void> {
    this.write();
    for (const c of checkpoints) this.checkpoints.set(`${c.runId}|${c.kind}`, structuredClone(c));
  }
  async putDataset(dataset: StoredDataset): Promise<void> {
    this.write();
    this.datasets.set(dataset.hash, structuredClone(dataset));
  }
  async hasDataset(hash: string): Promise<boolean> {
    return this.datasets.has(hash);
  }
  async runs(): Promise<StoredRun[]> {
    return structuredClone([...this.runRecords.values()]);
  }
  async events(runId: string): Promise<StoredEvent[]> {
    return structuredClone(this.eventLog.filter((e) => e.runId === runId).map((e) => e.event));
  }
  async checkpoint(runId: string, kind: CheckpointKind): Promise<StoredCheckpoint | undefined> {
    const found = this.checkpoints.get(`${runId}|${kind}`);
    return found && structuredClone(found);
  }
  async dataset(hash: string): Promise<StoredDataset | undefined> {
    const found = this.datasets.get(hash);
    return found && structuredClone(found);
  }
  async deleteRun(runId: string): Promise<void> {
    this.runRecords.delete(runId);
    for (let i = this.eventLog.length - 1; i >= 0; i--) if (this.eventLog[i]!.runId === runId) this.eventLog.splice(i, 1);
    this.checkpoints.delete(`${runId}|last`);
    this.checkpoints.delete(`${runId}|best`);
  }
  async getValue(key: string): Promise<unknown> {
    return structuredClone(this.values.get(key));
  }
  async putValue(key: string, value: unknown): Promise<void> {
    this.write();
    this.values.set(key, structuredClone(value));
  }
  async putBertFeatures(features: StoredBertFeatures): Promise<void> {
    this.write();
    this.bertFeatureSets.set(features.key, structuredClone(features));
  }
  async bertFeatures(key: string): Promise<StoredBertFeatures | undefined> {
    const found = this.bertFeatureSets.get(key);
    return found && structuredClone(found);
  }
  async deleteDataset(hash: string): Promise<void> {
    this.datasets.delete(hash);
  }
  async datasetHashes(): Promise<string[]> {
    return [...this.datasets.keys()];
  }
  async bertFeatureKeys(): Promise<string[]> {
    return [...this.bertFeatureSets.keys()];
  }
  async deleteBertFeatures(keys: string[]): Promise<void> {
    for (const key of keys) this.bertFeatureSets.delete(key);
  }
  async deleteValue(key: string): Promise<void> {
    this.values.delete(key);
  }
  async recordCounts(): Promise<Record<StoreName, number>> {
    return {
      runs: this.runRecords.size,
      events: this.eventLog.length,
      checkpoints: this.checkpoints.size,
      datasets: this.datasets.size,
      values: this.values.size,
      bertFeatures: this.bertFeatureSets.size,
    };
  }
}

/** A RunStorage whose backing store is still opening: every call waits for it. */
export function deferredStorage(opening: Promise<RunStorage>): RunStorage {
  const call =
    <K extends keyof RunStorage>(key: K) =>
    async (...args: Parameters<RunStorage[K]>): Promise<Awaited<ReturnType<RunStorage[K]>>> => {
      const storage = await opening;
      return (storage[key] as (...a: Parameters<RunStorage[K]>) => Promise<Awaited<ReturnType<RunStorage[K]>>>).apply(storage, args);
    };
  return {
    putRuns: call('putRuns'),
    appendEvents: call('appendEvents'),
    deleteEvents: call('deleteEvents'),
    putCheckpoints: call('putCheckpoints'),
    putDataset: call('putDataset'),
    hasDataset: call('hasDataset'),
    runs: call('runs'),
    events: call('events'),
    checkpoint: call('checkpoint'),
    dataset: call('dataset'),
    deleteRun: call('deleteRun'),
    getValue: call('getValue'),
    putValue: call('putValue'),
    putBertFeatures: call('putBertFeatures'),
    bertFeatures: call('bertFeatures'),
    deleteDataset: call('deleteDataset'),
    bertFeatureKeys: call('bertFeatureKeys'),
    deleteBertFeatures: call('deleteBertFeatures'),
    deleteValue: call('deleteValue'),
    recordCounts: call('recordCounts'),
    datasetHashes: call('datasetHashes'),
  };
}
