/**
 * The trainer worker's application: `createTrainerApi(deps)` builds the TrainerApi of
 * src/protocol.ts from the current dataset, the loaded vectors, the run session, the recorder and
 * storage. Everything the browser provides (tfjs backends, the tfjs engine, IndexedDB, the sample's
 * URL, Web Locks, the tabs' BroadcastChannel) comes in through `deps`, so the worker entry only
 * wires it and the application is tested with fakes. No tfjs here. One closure holds the session,
 * dataset, recorder and storage that every call acts on; the run calls are here, each guarded
 * against runs another tab trains (./tabs/); the dataset calls (./datasets/datasetCalls.ts), the
 * vectors and BERT calls (./featureCalls.ts) and the `?testhooks` hooks (./testHookCalls.ts) are
 * built from the same closure.
 */
import { messageOf } from '../core/errors.ts';
import { readStudyArchive } from '../study/archive.ts';
import type { Backend } from '../core/config.ts';
import type { BackendFault, BackendInfo, SavedRun, TrainerApi, WorkerEvent } from '../protocol.ts';
import { readModelArchive } from '../train/formats/importArchive.ts';
import type { RunHandle, SessionEngine } from '../train/runEngine.ts';
import { CurrentDataset } from './datasets/currentDataset.ts';
import { datasetCalls } from './datasets/datasetCalls.ts';
import { keptDatasetHash } from './datasets/keptDataset.ts';
import { featureCalls, runStartFeatures, type FeatureCallDeps } from './featureCalls.ts';
import { testHookCalls } from './testHookCalls.ts';
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

  const featureDeps: FeatureCallDeps = {
    vectors,
    bert,
    current: () => datasets.store.current,
    test: () => datasets.store.test,
    featureDataset,
    ready: () => ready(),
    progress: (fileName, fraction) => emit({ type: 'vectors-progress', fileName, fraction }),
  };

  /** The first backend start (WebGPU → WebGL → WASM → CPU without software GPUs, or the page's preference). */
  let started: Promise<BackendInfo> | null = null;
  const ready = (preferred?: Backend) => (started ??= backends.switchTo(preferred));

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

  return {
    ...datasetCalls({ datasets, storage, sample: deps.sample, storageNotice: () => deps.storageNotice(), storageError }),
    ...featureCalls(featureDeps),
    ...testHookCalls({
      enabled: deps.testHooks,
      session,
      storage,
      backends,
      deviceLost,
      setCheckpointInterval: (ms) => {
        checkpointIntervalMs = ms;
      },
      failNextWrites: (writes) => deps.failNextWrites(writes),
      ...(deps.tensorMemory ? { tensorMemory: deps.tensorMemory } : {}),
      storageEstimate: () => deps.storageEstimate(),
    }),

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
      const start = await runStartFeatures(featureDeps, config, siblingOf, options?.vectors === true);
      if (siblingOf === undefined) await datasets.keep(storage, storageError);
      const runId = await newRunId();
      const info = session.withRunId(runId, () => session.startRun(start.config, label, siblingOf, start.pretrained, start.features));
      void warnIfCheckpointsWontFit(info.label, start.config);
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
