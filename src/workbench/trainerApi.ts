/**
 * The trainer worker's application: `createTrainerApi(deps)` builds the TrainerApi of
 * src/protocol.ts from the current dataset, the loaded vectors, the run session, the recorder and
 * storage. Everything the browser provides (tfjs backends, the tfjs engine, IndexedDB, the sample's
 * URL, Web Locks, the tabs' BroadcastChannel) comes in through `deps`, so the worker entry only
 * wires it and the application is tested with fakes. No tfjs here. About 540 lines: one closure holds the session, dataset, recorder and storage that
 * every method acts on, one short method per call of the TrainerApi (src/protocol.ts), each guarded
 * against runs another tab trains (./tabs/); the `?testhooks` hooks act on the same closure.
 */
import { messageOf } from '../core/errors.ts';
import { readStudyArchive } from '../study/archive.ts';
import type { Backend } from '../core/config.ts';
import { mergeConfig } from '../core/config.ts';
import type { BackendFault, BackendInfo, LoadResult, OpenedDataset, SavedRun, TrainerApi, WorkerEvent } from '../protocol.ts';
import { readModelArchive } from '../train/formats/importArchive.ts';
import type { RunHandle, SessionEngine } from '../train/runEngine.ts';
import { pretrainedStart } from '../train/wordVectors.ts';
import { CurrentDataset } from './datasets/currentDataset.ts';
import { keepCurrentDataset, keptDatasetHash, reopenKeptDataset } from './datasets/keptDataset.ts';
import { restoreStoredRuns } from './persistence/restore.ts';
import { RunRecorder } from './persistence/runRecorder.ts';
import type { RunStorage } from './persistence/runStorage.ts';
import { freeUnusedDataset } from './persistence/unusedRecords.ts';
import { TrainingSession, type SessionBackends } from './session/session.ts';
import { LoadedVectors } from './vectors.ts';
import { LoadedBert, type BertEngine } from './bert/loadedBert.ts';
import { runFeatureSource } from './bert/runFeatures.ts';
import { exportWorkspace, importWorkspace } from './archive/workspaceApi.ts';
import { checkpointEstimate, spaceProblem, storageUsage } from './persistence/storageUsage.ts';
import type { RunOwnership } from './tabs/runOwnership.ts';
import { sessionOwnership } from './tabs/sessionOwnership.ts';
import type { TabApis } from './tabs/tabLocks.ts';

export interface TrainerDeps<H extends RunHandle> {
  /** tfjs on a backend; `markFailed` and `provokeGpuError` serve the test hooks. */
  backends: SessionBackends & {
    /** Without a name: the first backend that starts when choosing automatically (software GPUs skipped). */
    switchTo(name?: Backend): Promise<BackendInfo>;
    info(): BackendInfo;
    markFailed(backend: Backend, reason: string): void;
    provokeGpuError(): void;
  };
  /** Calls `handler` when the device under a backend is lost or reports an error. */
  watchDeviceLoss(handler: (backend: Backend, reason: string, fault: BackendFault) => void): void;
  engine: SessionEngine<H>;
  /** The tfjs side of BERT features (src/train/bert/bertFeaturizer.ts); without it, checkpoints are refused. */
  bert?: BertEngine;
  /** Where runs, events, checkpoints and datasets are kept (IndexedDB in the browser). */
  storage: RunStorage;
  /** Why runs cannot be kept after a reload (no IndexedDB), told to the page when it subscribes. */
  storageNotice(): string | null;
  /** Test hook: the next `writes` writes fail as a full quota does. */
  failNextWrites(writes: number): void;
  /** The built-in sample: its file name and a fetch of its bytes from the app's own origin. */
  sample: { name: string; fetch(): Promise<{ ok: boolean; status: number; arrayBuffer(): Promise<ArrayBuffer> }> };
  /** Whether the browser tests' fault injections are allowed (`?testhooks`). */
  testHooks: boolean;
  /** Storage usage and quota, as the browser estimates them. */
  storageEstimate(): Promise<{ usage: number; quota: number } | null>;
  /** Holds a lock for the worker's lifetime (Web Locks); resolves once held. */
  holdLock(name: string): Promise<void>;
  /** Marks an exported archive as transferred rather than copied (comlink's `transfer`). */
  transfer<T>(value: T, transferables: ArrayBuffer[]): T;
  /** Live tfjs tensors (`tf.memory()`), for the soak's `memorySample` test hook. */
  tensorMemory?(): { numTensors: number; numBytes: number };
  /**
   * Web Locks and a BroadcastChannel shared by the profile's tabs (./tabs/): run ids unique across
   * tabs, a lock per training run, other tabs' runs followed live. Without: one tab's view, as before.
   */
  tabs?: TabApis;
}

export function createTrainerApi<H extends RunHandle>(deps: TrainerDeps<H>): TrainerApi {
  const { backends, storage } = deps;
  const datasets = new CurrentDataset();
  const vectors = new LoadedVectors();
  const bert = new LoadedBert({
    engine: deps.bert ?? {
      load: () => {
        throw new Error('This worker cannot read BERT checkpoints.');
      },
    },
    storage,
    progress: (p) => emit({ type: 'bert-progress', ...p }),
    now: () => performance.now(),
  });
  /** The current dataset as the BERT features see it (null: none loaded). */
  const featureDataset = () => {
    const current = datasets.store.current;
    const hash = datasets.source?.hash;
    return current && hash ? { name: current.name, hash, sentences: current.sentences } : null;
  };

  let sink: ((event: WorkerEvent) => void) | null = null;
  const recorder = new RunRecorder(storage, {
    onStorage: (report) => emit({ type: 'storage', ...report }),
    currentOverrides: () => datasets.source?.overrides ?? [],
  });
  const tabs: TabApis = deps.tabs ?? { locks: null, channel: null };
  /** Which runs this tab trains, and the runs other tabs train (set once the session exists). */
  let ownership: RunOwnership | null = null;
  /** This worker's own news: kept by the recorder, told to the other tabs (its runs), sent to the page. */
  function emit(event: WorkerEvent): void {
    recorder.record(event);
    ownership?.ownEvent(event);
    toPage(event);
  }
  function toPage(event: WorkerEvent): void {
    if (!sink) return;
    try {
      // A comlink proxy: the call posts a message and returns a promise we do not wait for.
      void Promise.resolve(sink(event)).catch(() => undefined);
    } catch {
      // the page went away
    }
  }
  const storageError = (message: string) => emit({ type: 'storage', ok: false, message });

  /** Training time between checkpoints by time; only the browser tests change it (`setCheckpointInterval`). */
  let checkpointIntervalMs: number | undefined;
  const session = new TrainingSession<H>({
    get checkpointIntervalMs() {
      return checkpointIntervalMs;
    },
    engine: deps.engine,
    backends,
    datasets: {
      get current() {
        return datasets.store.current;
      },
      get currentHash() {
        return datasets.source?.hash ?? null;
      },
      get test() {
        return datasets.store.test;
      },
    },
    emit,
    features: runFeatureSource(bert),
    onCheckpoint: (runId, checkpoint) => recorder.checkpoint(runId, checkpoint),
    // Storage fell back to memory (no IndexedDB): the page keeps the only copy that outlives us.
    checkpointsToPage: () => deps.storageNotice() !== null,
  });

  const { owner, newRunId, claimKnownIds, releaseIfIdle } = sessionOwnership({ tabs, session, recorder, storage, toPage });
  ownership = owner;

  /** The device under `backend` is gone or failed: its runs fail (checkpoints kept) and tfjs moves on. */
  function deviceLost(backend: Backend, reason: string, fault: BackendFault = 'lost'): Promise<void> {
    return session
      .backendLost(backend, reason, fault)
      .then((info) => {
        if (!info) emit({ type: 'backend', backend: backends.info() });
      })
      .catch(() => emit({ type: 'backend', backend: backends.info() }));
  }
  deps.watchDeviceLoss((backend, reason, fault) => void deviceLost(backend, reason, fault));

  /**
   * The stored runs, restored into the session once (before any new run takes a run id); those
   * another tab trains now are followed (their events come through the channel) until it lets go.
   */
  let restoring: Promise<SavedRun[]> | null = null;
  const restore = () =>
    (restoring ??= (async () => {
      try {
        const saved = await restoreStoredRuns(session, recorder, storage, await owner.heldElsewhere());
        for (const run of saved) if (run.elsewhere) owner.followStored(run);
        return saved;
      } finally {
        owner.ready();
      }
    })());

  /** The first backend start (WebGPU → WebGL → WASM → CPU without software GPUs, or the page's preference). */
  let started: Promise<BackendInfo> | null = null;
  const ready = (preferred?: Backend) => (started ??= backends.switchTo(preferred));

  /** Dataset changes one at a time, each kept before the next starts (the kept one is the last loaded). */
  let datasetQueue: Promise<unknown> = Promise.resolve();
  function changeDataset<T extends { ok: boolean }>(change: () => Promise<T>): Promise<T> {
    const run = async () => {
      const result = await change();
      if (result.ok) await keepDataset();
      return result;
    };
    const next = datasetQueue.then(run, run);
    datasetQueue = next.catch(() => undefined);
    return next;
  }
  /** Keeps the current dataset for the next visit; a refusal (quota) is told, and nothing else changes. */
  async function keepDataset(): Promise<void> {
    try {
      await keepCurrentDataset(datasets, storage);
    } catch (error) {
      storageError(`${datasets.source?.name ?? 'The dataset'} could not be kept for your next visit (${messageOf(error)}); it stays loaded now.`);
    }
  }
  async function fetchSample(): Promise<LoadResult> {
    const { name } = deps.sample;
    const response = await deps.sample.fetch();
    if (!response.ok) return { ok: false, error: { file: name, kind: 'internal', message: `${name}: HTTP ${response.status}` } };
    return datasets.load(name, new Uint8Array(await response.arrayBuffer()), true, []);
  }

  /**
   * A deleted run's dataset files and their BERT features go once nothing needs them: no run kept
   * or in memory trained on them, and they are neither loaded now nor kept for the next visit.
   */
  async function freeUnused(datasetHash: string | null): Promise<void> {
    try {
      const inUse = [datasets.source?.hash, await keptDatasetHash(storage), ...session.runInfos().map((info) => info.datasetHash)];
      await freeUnusedDataset(storage, datasetHash, inUse);
    } catch (error) {
      storageError(`A deleted run's dataset could not be removed from storage (${messageOf(error)}); it stays there unused.`);
    }
  }

  /** Says (before the first checkpoint is written) when a new run's checkpoints would not fit in the free space. */
  async function warnIfCheckpointsWontFit(label: string, config: Parameters<TrainerApi['startRun']>[0]): Promise<void> {
    const dataset = datasets.store.current;
    if (!dataset) return;
    try {
      const problem = await spaceProblem(`${label}'s checkpoints`, checkpointEstimate(config, dataset.tasks.length, dataset.sentences), storage, await deps.storageEstimate());
      if (problem) storageError(problem);
    } catch {
      // An estimate is advice: without one, the quota error path still reports a failed write.
    }
  }

  const requireTestHooks = (name: string) => {
    if (!deps.testHooks) throw new Error(`${name} is a test hook: open the page with ?testhooks`);
  };

  return {
    openDataset(): Promise<OpenedDataset> {
      const open = async (): Promise<OpenedDataset> => {
        let reopened: Awaited<ReturnType<typeof reopenKeptDataset>>;
        try {
          reopened = await reopenKeptDataset(datasets, storage);
        } catch (error) {
          reopened = { ok: false, notice: `The dataset kept from your last visit could not be read back (${messageOf(error)}); the built-in sample is loaded instead.` };
        }
        // Asked after the first storage call: by then the storage knows whether it is IndexedDB.
        const persistent = deps.storageNotice() === null;
        if (reopened?.ok) return { result: reopened.result, test: reopened.test, notice: reopened.notice, persistent };
        const result = await fetchSample();
        // The sample is now what the page shows: kept as such, so a gone dataset is said only once.
        if (result.ok && reopened) await keepDataset();
        return { result, test: null, notice: reopened?.notice ?? null, persistent };
      };
      const next = datasetQueue.then(open, open);
      datasetQueue = next.catch(() => undefined);
      return next;
    },
    loadSample: () => changeDataset(fetchSample),
    loadFile: (fileName, bytes, overrides) => changeDataset(() => datasets.load(fileName, new Uint8Array(bytes), false, overrides ?? [])),
    addFile: (fileName, bytes, overrides) => changeDataset(() => datasets.add(fileName, new Uint8Array(bytes), overrides ?? [])),
    loadTestFile: (fileName, bytes) => changeDataset(async () => datasets.loadTest(fileName, new Uint8Array(bytes))),
    clearTestFile: async () => {
      await changeDataset(async () => {
        datasets.clearTest();
        return { ok: true };
      });
    },
    applyOverrides: (overrides) => changeDataset(async () => datasets.applyOverrides(overrides)),

    async subscribe(onEvent, preferred) {
      sink = onEvent;
      await ready(preferred);
      const notice = deps.storageNotice();
      if (notice) storageError(notice);
      // The page may subscribe again (a reload of the page's state) after later switches: answer with now.
      return backends.info();
    },
    async setBackend(name) {
      await ready(name);
      return session.setBackend(name);
    },

    async startRun(config, label, siblingOf, options) {
      await ready();
      await restore();
      let pretrained: Parameters<typeof session.startRun>[3];
      if (options?.vectors) {
        const loaded = vectors.current;
        if (!loaded) throw new Error('No word vectors are loaded: drop a GloVe or word2vec text file first, or start without them.');
        // The word table takes the vectors' width, whatever the preset said.
        config = mergeConfig(config, { model: { embedding: { wordDim: loaded.vectors.dim } } });
        pretrained = (data, own) => pretrainedStart(loaded.vectors, loaded.fileName, data, own);
      }
      let features: Parameters<typeof session.startRun>[4];
      const bertConfig = config.model.embedding.bert;
      // A sibling trains on its parent's sentences, which carry the parent's features already.
      if (bertConfig && siblingOf === undefined) {
        const hiddenSize = bert.hiddenSize;
        // Named now: the run keeps the checkpoint its features come from, whatever is dropped meanwhile.
        const checkpoint = bert.checkpoint;
        if (hiddenSize === null || checkpoint === null) throw new Error('This run uses BERT features: drop a BERT checkpoint (folder or zip) on the BERT panel first, or turn BERT off.');
        // Features are the checkpoint's width, whatever the draft said.
        config = mergeConfig(config, { model: { embedding: { bert: { hiddenSize } } } });
        const dataset = featureDataset();
        if (!dataset) throw new Error('No dataset is loaded: drop a CoNLL file or load the sample first.');
        await bert.ensure(dataset, bertConfig);
        const test = datasets.store.test;
        if (test) await bert.ensureExtra(test.sentences, bertConfig);
        features = { checkpoint, attach: (sentences) => bert.attach(sentences) };
      }
      if (siblingOf === undefined) await datasets.keep(storage, storageError);
      const runId = await newRunId();
      const info = session.withRunId(runId, () => session.startRun(config, label, siblingOf, pretrained, features));
      void warnIfCheckpointsWontFit(info.label, config);
      return info;
    },
    async continueRun(sourceId, config, label) {
      // Its sentences would reach the model without the features it reads: refused plainly rather than failing in training.
      if (config.model.embedding.bert) throw new Error('Continuing a model that reads BERT features on other data is not in the workbench yet: start a new run with BERT features instead.');
      await ready();
      await restore();
      await owner.refuseElsewhere(sourceId, 'continue training from');
      // The dataset is kept so the new run can resume after a reload, as for any run.
      await datasets.keep(storage, storageError);
      const runId = await newRunId();
      return session.withRunId(runId, () => session.continueRun(sourceId, config, label));
    },
    async importModel(fileName, bytes) {
      await ready();
      await restore();
      try {
        const saved = readModelArchive(fileName, new Uint8Array(bytes));
        const host = { tasks: saved.tasks, vocabularies: saved.vocabularies };
        const runId = await newRunId();
        const run = session.withRunId(runId, () => session.importModel({ config: saved.config, host, weights: saved.weights, ...(saved.summary ? { summary: saved.summary } : {}) }, fileName));
        return { ok: true, run };
      } catch (error) {
        return { ok: false, message: messageOf(error) };
      }
    },

    async importStudyArchive(fileName, bytes) {
      await ready();
      await restore();
      try {
        const archive = readStudyArchive(fileName, new Uint8Array(bytes));
        const ids = new Map<string, string>();
        for (const run of archive.runs) {
          const runId = await newRunId();
          ids.set(run.info.runId, session.withRunId(runId, () => session.importArchivedRun(run, fileName)).runId);
        }
        const study = { ...archive.study, items: archive.study.items.map((item) => ({ ...item, runId: ids.get(item.runId) ?? item.runId })) };
        await recorder.flush();
        return { ok: true, study };
      } catch (error) {
        return { ok: false, message: messageOf(error) };
      }
    },

    async loadVectors(fileName, bytes) {
      try {
        await vectors.load(fileName, new Uint8Array(bytes), (fraction) => emit({ type: 'vectors-progress', fileName, fraction }));
        return { ok: true, vectors: vectors.info(datasets.store.current)! };
      } catch (error) {
        return { ok: false, message: messageOf(error) };
      }
    },
    vectorsInfo: async () => vectors.info(datasets.store.current),
    clearVectors: async () => vectors.clear(),

    async loadBert(name, files) {
      try {
        return { ok: true, bert: await bert.load(name, files.map((f) => ({ path: f.path, bytes: new Uint8Array(f.bytes) }))) };
      } catch (error) {
        return { ok: false, message: messageOf(error) };
      }
    },
    async computeBertFeatures(settings) {
      await ready();
      try {
        const dataset = featureDataset();
        if (!dataset) throw new Error('No dataset is loaded: drop a CoNLL file or load the sample first.');
        await bert.ensure(dataset, settings);
        return { ok: true, bert: bert.info()! };
      } catch (error) {
        return { ok: false, message: messageOf(error) };
      }
    },
    bertInfo: async () => bert.info(),
    clearBert: async () => bert.clear(),

    async pause(runId) {
      await owner.refuseElsewhere(runId, 'pause');
      session.pause(runId);
    },
    async resume(runId) {
      // Its lock first: another tab may have resumed it a moment ago.
      await owner.refuseElsewhere(runId, 'resume', true);
      try {
        await session.resume(runId);
      } catch (error) {
        releaseIfIdle(runId);
        throw error;
      }
    },
    async stop(runId) {
      await owner.refuseElsewhere(runId, 'stop');
      await session.stop(runId);
    },
    async step(runId) {
      await owner.refuseElsewhere(runId, 'step');
      await session.step(runId);
    },
    async updateLive(runId, settings) {
      await owner.refuseElsewhere(runId, 'change the settings of');
      session.updateLive(runId, settings);
    },
    async devSentences(limit, runId) {
      // The run may be one kept in storage: it is known once the stored runs are restored.
      await restore();
      return session.devSentences(limit, runId);
    },
    inspectSentence: async (runId, request) => session.inspect(runId, request),
    tagText: async (runId, text) => session.tagText(runId, text),
    async exportModel(runId) {
      const exported = await session.exportModel(runId);
      return deps.transfer(exported, [exported.archive]);
    },

    savedRuns: async () => restore(),
    async deleteRun(runId) {
      await restore();
      // Held while it goes: no other tab resumes it halfway; released once storage has forgotten it.
      await owner.refuseElsewhere(runId, 'delete', true);
      let datasetHash: string | null = null;
      try {
        await session.forget(runId);
        ({ datasetHash } = await recorder.forget(runId));
      } finally {
        owner.release(runId);
      }
      await freeUnused(datasetHash);
    },
    async setNotes(runId, notes) {
      await owner.refuseElsewhere(runId, 'write notes on');
      recorder.setNotes(runId, notes);
      await recorder.flush();
    },
    async renameRun(runId, label) {
      await owner.refuseElsewhere(runId, 'rename');
      session.rename(runId, label);
      recorder.setLabel(runId, label.trim());
      await recorder.flush();
    },
    async saveStudy(study) {
      try {
        // A cleared study leaves no record behind (the soak counts them).
        await (study === null ? storage.deleteValue('study') : storage.putValue('study', study));
      } catch (error) {
        storageError(`The study queue could not be saved (${messageOf(error)}).`);
      }
    },
    savedStudy: async () => (await storage.getValue('study')) ?? null,
    storageEstimate: async () => deps.storageEstimate(),
    async storageUsage() {
      await recorder.flush();
      return storageUsage(storage, await deps.storageEstimate());
    },
    async exportWorkspace() {
      const exported = await exportWorkspace({ storage, recorder, session, estimate: deps.storageEstimate });
      return deps.transfer(exported, [exported.archive]);
    },
    async importWorkspace(fileName, bytes) {
      await ready();
      await restore();
      const result = await importWorkspace({ storage, recorder, session, estimate: deps.storageEstimate }, fileName, new Uint8Array(bytes));
      // Its runs keep the ids the merge gave them: no tab may mint one of those again.
      if (result.ok) await claimKnownIds();
      return result;
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
      // As the backends do for a real `device.lost`: the backend drops out, then its runs fail.
      backends.markFailed(backend, reason);
      await deviceLost(backend, reason);
    },
    async simulateGpuError() {
      requireTestHooks('simulateGpuError');
      backends.provokeGpuError();
    },
    async setCheckpointInterval(ms) {
      requireTestHooks('setCheckpointInterval');
      if (!Number.isFinite(ms) || ms <= 0) throw new RangeError(`setCheckpointInterval: ${ms} is not a positive number of milliseconds`);
      checkpointIntervalMs = ms;
    },
    async simulateQuotaExceeded(writes) {
      requireTestHooks('simulateQuotaExceeded');
      deps.failNextWrites(writes);
    },
    async memorySample() {
      requireTestHooks('memorySample');
      const tensors = deps.tensorMemory?.() ?? null;
      return {
        tensors: tensors?.numTensors ?? null,
        tensorBytes: tensors?.numBytes ?? null,
        runs: session.runInfos().length,
        records: await storage.recordCounts(),
        storageUsage: (await deps.storageEstimate())?.usage ?? null,
      };
    },

    async restoreRuns(runs) {
      await ready();
      // Runs kept in storage come back first; adopting then updates those instead of clashing.
      await restore();
      // Parents before siblings: a sibling trains on its parent's data.
      const ordered = [...runs].sort((a, b) => Number(a.info.siblingOf !== undefined) - Number(b.info.siblingOf !== undefined));
      const refused: { runId: string; message: string }[] = [];
      for (const run of ordered) {
        try {
          await owner.refuseElsewhere(run.info.runId, 'resume');
          session.adoptRun(run);
        } catch (error) {
          refused.push({ runId: run.info.runId, message: messageOf(error) });
        }
      }
      return refused;
    },
    holdLifeline: async (name) => deps.holdLock(name),
  };
}
