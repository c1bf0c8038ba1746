/**
 * The trainer worker: the only place the browser parses data and runs tfjs. It exposes the typed
 * API of src/protocol.ts over comlink; the logic lives in src/train (DatasetStore, TrainingSession)
 * and backend selection in ./backends.ts. The page never blocks on it.
 */
import { expose, transfer } from 'comlink';
import type { Backend, BackendFault, BackendInfo, ColumnOverride, LoadResult, TrainerApi, VectorsInfo, WorkerEvent } from '../src/protocol.ts';
import { vocabulariesFromJSON } from '../src/data/index.ts';
import { ablations, mergeConfig, presets } from '../src/model/config.ts';
import { parseWordVectorsAsync, type WordVectors } from '../src/model/pretrainedVectors.ts';
import { checkSharedConfig } from '../src/train/checkSharedConfig.ts';
import { DatasetStore } from '../src/train/datasetStore.ts';
import { alignDatasetToModel } from '../src/train/continueData.ts';
import { readModelArchive } from '../src/train/importArchive.ts';
import { RunRecorder, type LoadedRun } from '../src/train/runRecorder.ts';
import { deferredStorage, MemoryRunStorage, type RunStorage } from '../src/train/runStorage.ts';
import { splitForRun, TrainingSession } from '../src/train/session.ts';
import { tfjsSessionEngine, withGradientPool } from '../src/train/sessionEngine.ts';
import { datasetCoverage, pretrainedStart } from '../src/train/wordVectors.ts';
import type { SavedRun } from '../src/protocol.ts';
import { BackendManager } from './backends.ts';
import { BrowserGradientPools } from './gradientPeers.ts';
import { IdbRunStorage } from './idbRunStorage.ts';
import { withQuotaFaults } from '../src/train/storageFaults.ts';

const SAMPLE_NAME = 'en_ewt-ud-sample.conllu';
/** The page names the worker `…:testhooks` when it runs with `?testhooks` (browser tests). */
const TEST_HOOKS = self.name.endsWith(':testhooks');
const datasets = new DatasetStore();

/** The file behind the current dataset: kept so runs on it can be stored and resumed after a reload. */
interface DatasetSource {
  name: string;
  bytes: Uint8Array;
  builtIn: boolean;
  /** SHA-256 hex of `bytes` (of the files' hashes when files were added: `sourceHash`). */
  hash: string;
  /** SHA-256 hex of `bytes` alone. */
  fileHash: string;
  overrides: ColumnOverride[];
  /** Files added to it (partial labels), in order; `hash` then covers them too. */
  added: { name: string; bytes: Uint8Array; hash: string }[];
}
let source: DatasetSource | null = null;

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Loads a file into the DatasetStore; on success it becomes `source` and its summary carries the hash. */
async function loadSource(name: string, bytes: Uint8Array, builtIn: boolean, overrides: ColumnOverride[]): Promise<LoadResult> {
  const result = datasets.load(name, bytes, { builtIn, overrides });
  if (!result.ok) return result;
  const hash = await sha256Hex(bytes);
  source = { name, bytes, builtIn, hash, fileHash: hash, overrides, added: [] };
  return { ok: true, dataset: { ...result.dataset, hash } };
}

/** A merged dataset is named by the hash of its files' hashes, in order (one file: its own hash). */
async function sourceHash(primary: string, added: readonly { hash: string }[]): Promise<string> {
  if (added.length === 0) return primary;
  return sha256Hex(new TextEncoder().encode([primary, ...added.map((a) => a.hash)].join('+')));
}

/** Adds a file to the current dataset (partial labels); on success `source` lists it too. */
async function addSource(name: string, bytes: Uint8Array, overrides: ColumnOverride[]): Promise<LoadResult> {
  const current = source;
  const result = datasets.addFile(name, bytes, { overrides });
  if (!result.ok || !current) return result;
  const added = [...current.added, { name, bytes, hash: await sha256Hex(bytes) }];
  const hash = await sourceHash(current.fileHash, added);
  source = { ...current, added, hash };
  return { ok: true, dataset: { ...result.dataset, hash } };
}

// Runs, events and checkpoints are kept in IndexedDB; without it (some private modes), in memory,
// and the page is told so.
let storageNotice: string | null = null;
// Writes pass through `quotaFaults`, which fails them only when a test asks (simulateQuotaExceeded).
const quotaFaults = withQuotaFaults(
  deferredStorage(
    IdbRunStorage.open().catch((error: unknown) => {
      storageNotice = `Runs cannot be kept after a reload: IndexedDB is not available (${error instanceof Error ? error.message : String(error)}).`;
      return new MemoryRunStorage();
    }),
  ),
);
const storage: RunStorage = quotaFaults.storage;
const recorder = new RunRecorder(storage, {
  onStorage: (report) => emit({ type: 'storage', ...report }),
  currentOverrides: () => source?.overrides ?? [],
});

let sink: ((event: WorkerEvent) => void) | null = null;
function emit(event: WorkerEvent): void {
  recorder.record(event);
  if (!sink) return;
  try {
    // A comlink proxy: the call posts a message and returns a promise we do not wait for.
    void Promise.resolve(sink(event)).catch(() => undefined);
  } catch {
    // the page went away
  }
}

/** The device under `backend` is gone or failed: its runs fail (checkpoints kept) and tfjs moves on. */
function deviceLost(backend: Backend, reason: string, fault: BackendFault = 'lost'): Promise<void> {
  return session
    .backendLost(backend, reason, fault)
    .then((info) => {
      if (!info) emit({ type: 'backend', backend: backends.info() });
    })
    .catch(() => emit({ type: 'backend', backend: backends.info() }));
}

// Training steps on WASM/CPU also use the machine's other cores (data-parallel gradient peers).
const gradientPools = new BrowserGradientPools();
const backends: BackendManager = new BackendManager({
  onLost(backend, reason, fault) {
    void deviceLost(backend, reason, fault);
  },
  threads: (backend) => gradientPools.threadsFor(backend),
});

const session = new TrainingSession({
  engine: withGradientPool(tfjsSessionEngine, () => gradientPools.poolFor(backends.info().name)),
  backends,
  datasets: {
    get current() {
      return datasets.current;
    },
    get currentHash() {
      return source?.hash ?? null;
    },
    get test() {
      return datasets.test;
    },
  },
  emit,
  onCheckpoint: (runId, checkpoint) => recorder.checkpoint(runId, checkpoint),
});

/** Rebuilds a restored run's train/dev split from its stored dataset file. */
async function storedData(loaded: LoadedRun) {
  const { run } = loaded;
  const file = run.datasetHash ? await storage.dataset(run.datasetHash) : undefined;
  if (!file) throw new Error(`${run.info.datasetName}, the data of ${run.info.label}, is no longer in this browser's storage; load it and start a new run.`);
  const store = new DatasetStore();
  const result = store.load(file.name, file.bytes, { builtIn: file.builtIn, overrides: run.overrides });
  if (!result.ok) throw new Error(result.error.message);
  for (const part of file.parts ?? []) {
    const merged = store.addFile(part.name, part.bytes);
    if (!merged.ok) throw new Error(merged.error.message);
  }
  // A run continued from an imported model trains on the data in the model's tasks and tag sets.
  const host = run.info.continuedFrom !== undefined ? loaded.host : undefined;
  const dataset = host ? alignDatasetToModel(store.current!, host, run.info.label) : store.current!;
  return splitForRun(dataset, run.config);
}

/** The stored runs, restored into the session once (before any new run takes a run id). */
let restoring: Promise<SavedRun[]> | null = null;
function restore(): Promise<SavedRun[]> {
  restoring ??= recorder.load().then((loaded) => {
    for (const item of loaded) {
      const host = item.host
        ? { tasks: item.host.tasks, vocabularies: vocabulariesFromJSON(item.host.vocabularies, `${item.run.runId}: stored vocabularies`) }
        : null;
      session.restoreRun({
        info: item.run.info,
        config: item.run.config,
        status: item.run.status,
        ...(item.run.message !== undefined ? { message: item.run.message } : {}),
        last: item.last,
        best: item.best,
        host,
        loadData: () => storedData(item),
      });
    }
    return loaded.map((item) => item.saved);
  });
  return restoring;
}

/** Keeps the current dataset's file in storage (once per file) so runs on it can resume later. */
async function keepSource(): Promise<void> {
  const file = source;
  if (!file) return;
  try {
    if (await storage.hasDataset(file.hash)) return;
    await storage.putDataset({
      hash: file.hash,
      name: file.name,
      bytes: file.bytes,
      builtIn: file.builtIn,
      ...(file.added.length > 0 ? { parts: file.added.map(({ name, bytes }) => ({ name, bytes })) } : {}),
    });
  } catch (error) {
    emit({
      type: 'storage',
      ok: false,
      message: `${file.name} could not be saved (${error instanceof Error ? error.message : String(error)}): its runs cannot be resumed after a reload.`,
    });
  }
}

/** Pre-trained vectors read from a dropped GloVe / word2vec file, for runs started with them. */
let wordVectors: { fileName: string; vectors: WordVectors } | null = null;

function vectorsInfo(): VectorsInfo | null {
  if (!wordVectors) return null;
  const { fileName, vectors } = wordVectors;
  const dataset = datasets.current;
  return { fileName, dim: vectors.dim, count: vectors.count, warnings: vectors.warnings, coverage: dataset ? datasetCoverage(vectors, dataset.sentences) : null };
}

/** One macrotask: lets the worker answer the page (and training runs take a batch) mid-parse. */
const breathe = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function requireTestHooks(name: string): void {
  if (!TEST_HOOKS) throw new Error(`${name} is a test hook: open the page with ?testhooks`);
}

/** The first backend start (WebGPU → WebGL → WASM → CPU without software GPUs, or the page's preference). */
let started: Promise<BackendInfo> | null = null;
function ready(preferred?: Backend): Promise<BackendInfo> {
  started ??= backends.switchTo(preferred);
  return started;
}

const api: TrainerApi = {
  async loadSample(): Promise<LoadResult> {
    const url = new URL(`${import.meta.env.BASE_URL}samples/${SAMPLE_NAME}`, self.location.origin);
    const response = await fetch(url);
    if (!response.ok) {
      return { ok: false, error: { file: SAMPLE_NAME, kind: 'internal', message: `${SAMPLE_NAME}: HTTP ${response.status}` } };
    }
    return loadSource(SAMPLE_NAME, new Uint8Array(await response.arrayBuffer()), true, []);
  },

  async loadFile(fileName: string, bytes: ArrayBuffer, overrides?: ColumnOverride[]): Promise<LoadResult> {
    return loadSource(fileName, new Uint8Array(bytes), false, overrides ?? []);
  },

  async addFile(fileName: string, bytes: ArrayBuffer, overrides?: ColumnOverride[]): Promise<LoadResult> {
    return addSource(fileName, new Uint8Array(bytes), overrides ?? []);
  },

  async loadTestFile(fileName, bytes) {
    return datasets.loadTest(fileName, new Uint8Array(bytes));
  },

  async clearTestFile() {
    datasets.clearTest();
  },

  async applyOverrides(overrides: ColumnOverride[]): Promise<LoadResult> {
    const result = datasets.applyOverrides(overrides);
    if (!result.ok || !source) return result;
    source = { ...source, overrides };
    return { ok: true, dataset: { ...result.dataset, hash: source.hash } };
  },

  async subscribe(onEvent, preferred) {
    sink = onEvent;
    await ready(preferred);
    if (storageNotice) emit({ type: 'storage', ok: false, message: storageNotice });
    // The page may subscribe again (a reload of the page's state) after later switches: answer with now.
    return backends.info();
  },

  async setBackend(name) {
    await ready(name);
    return session.setBackend(name);
  },

  async configPresets() {
    return structuredClone(presets);
  },

  async startRun(config, label, siblingOf, options) {
    await ready();
    await restore();
    let pretrained: Parameters<typeof session.startRun>[3];
    if (options?.vectors) {
      const loaded = wordVectors;
      if (!loaded) throw new Error('No word vectors are loaded: drop a GloVe or word2vec text file first, or start without them.');
      // The word table takes the vectors' width, whatever the preset said.
      config = mergeConfig(config, { model: { embedding: { wordDim: loaded.vectors.dim } } });
      pretrained = (data, own) => pretrainedStart(loaded.vectors, loaded.fileName, data, own);
    }
    if (siblingOf === undefined) await keepSource();
    return session.startRun(config, label, siblingOf, pretrained);
  },

  async loadVectors(fileName, bytes) {
    let lastSent = -1;
    try {
      const vectors = await parseWordVectorsAsync(new Uint8Array(bytes), {
        sourceName: fileName,
        onProgress: (fraction) => {
          // At most a hundred events for any file size.
          if (fraction < 1 && fraction - lastSent < 0.01) return;
          lastSent = fraction;
          emit({ type: 'vectors-progress', fileName, fraction });
        },
        pause: breathe,
      });
      wordVectors = { fileName, vectors };
      return { ok: true, vectors: vectorsInfo()! };
    } catch (error) {
      emit({ type: 'vectors-progress', fileName, fraction: 1 });
      return { ok: false, message: error instanceof Error ? error.message : String(error) };
    }
  },

  async vectorsInfo() {
    return vectorsInfo();
  },

  async clearVectors() {
    wordVectors = null;
  },

  async pause(runId) {
    session.pause(runId);
  },

  async resume(runId) {
    await session.resume(runId);
  },

  async stop(runId) {
    await session.stop(runId);
  },

  async step(runId) {
    await session.step(runId);
  },

  async updateLive(runId, settings) {
    return session.updateLive(runId, settings);
  },

  async devSentences(limit, runId) {
    return session.devSentences(limit, runId);
  },

  async inspectSentence(runId, request) {
    return session.inspect(runId, request);
  },

  async importModel(fileName, bytes) {
    await ready();
    await restore();
    try {
      const saved = readModelArchive(fileName, new Uint8Array(bytes));
      const host = { tasks: saved.tasks, vocabularies: saved.vocabularies };
      const run = session.importModel({ config: saved.config, host, weights: saved.weights, ...(saved.summary ? { summary: saved.summary } : {}) }, fileName);
      return { ok: true, run };
    } catch (error) {
      return { ok: false, message: error instanceof Error ? error.message : String(error) };
    }
  },

  async continueRun(sourceId, config, label) {
    await ready();
    await restore();
    // The dataset is kept so the new run can resume after a reload, as for any run.
    await keepSource();
    return session.continueRun(sourceId, config, label);
  },

  async tagText(runId, text) {
    return session.tagText(runId, text);
  },

  async exportModel(runId) {
    const exported = await session.exportModel(runId);
    return transfer(exported, [exported.archive]);
  },

  async savedRuns() {
    return restore();
  },

  async deleteRun(runId) {
    await restore();
    await session.forget(runId);
    await recorder.forget(runId);
  },

  async setNotes(runId, notes) {
    recorder.setNotes(runId, notes);
    await recorder.flush();
  },

  async ablationPatches() {
    return structuredClone(ablations) as Record<string, Partial<typeof presets.paper.model>>;
  },

  async saveStudy(study) {
    try {
      await storage.putValue('study', study);
    } catch (error) {
      emit({ type: 'storage', ok: false, message: `The study queue could not be saved (${error instanceof Error ? error.message : String(error)}).` });
    }
  },

  async savedStudy() {
    return (await storage.getValue('study')) ?? null;
  },

  async checkConfig(raw) {
    return checkSharedConfig(raw);
  },

  async storageEstimate() {
    const estimate = await navigator.storage?.estimate?.();
    return estimate && estimate.quota !== undefined ? { usage: estimate.usage ?? 0, quota: estimate.quota } : null;
  },

  async simulateFailure(runId, message) {
    requireTestHooks('simulateFailure');
    session.simulateFailure(runId, message);
  },

  async simulateNaN(runId) {
    requireTestHooks('simulateNaN');
    session.simulateNaN(runId);
  },

  async simulateDeviceLost(reason) {
    requireTestHooks('simulateDeviceLost');
    const backend = backends.active();
    // As BackendManager does for a real `device.lost`: the backend drops out, then its runs fail.
    backends.markFailed(backend, reason);
    await deviceLost(backend, reason);
  },

  async simulateGpuError() {
    requireTestHooks('simulateGpuError');
    backends.provokeGpuError();
  },

  async simulateQuotaExceeded(writes) {
    requireTestHooks('simulateQuotaExceeded');
    quotaFaults.failNextWrites(writes);
  },

  async restoreRuns(runs) {
    await ready();
    // Runs kept in storage come back first; adopting then updates those instead of clashing.
    await restore();
    // Parents before siblings: a sibling trains on its parent's data.
    const ordered = [...runs].sort((a, b) => Number(a.info.siblingOf !== undefined) - Number(b.info.siblingOf !== undefined));
    for (const run of ordered) session.adoptRun(run);
  },

  async holdLifeline(name) {
    const locks = (self.navigator as Navigator & { locks?: LockManager }).locks;
    if (!locks) return;
    await new Promise<void>((held) => {
      void locks.request(name, () => {
        held();
        // Never released: the lock goes when the worker does.
        return new Promise<never>(() => undefined);
      });
    });
  },
};

expose(api);
