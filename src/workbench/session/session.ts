/**
 * The worker's runs: the registry (every run enters through one `createRun`: started, sibling,
 * restored from storage, imported (a model, or a study archive's runs), continued from an imported
 * model, or adopted from a worker that died) and the controls (pause / resume / stop / single steps). The jobs around a run are in their
 * own modules: its loop (./runLoop.ts), backend failover (./failover.ts), live settings
 * (./liveSettings.ts), inspection (./inspection.ts) and export (./export.ts).
 *
 * No tfjs and no DOM here: the tfjs parts come in through `SessionEngine`, the backend switching
 * through `SessionBackends`, so the state machine is unit-tested with fakes (session.test.ts).
 * About 625 lines: the registry (naming and imports included) and the controls act on the same run table.
 */
import { messageOf } from '../../core/errors.ts';
import { validateConfig, type Backend, type RunConfig } from '../../core/config.ts';
import type { LiveSettings } from '../../core/configFields.ts';
import type { LiveChange, RunBert, RunInfo, RunStatus, TaskScore } from '../../core/events.ts';
import type { SentenceInspection } from '../../core/inspection.ts';
import { ACTIVE_STATUSES } from '../../core/runState.ts';
import { renameProblem, uniqueRunName } from '../../core/runNames.ts';
import type { Sentence, TaskSpec } from '../../data/types.ts';
import type { AdoptedRun, BackendFault, BackendInfo, ExportedModel, SavedRun } from '../../protocol.ts';
import type { NamedWeight } from '../../train/formats/safetensors.ts';
import type { BestCheckpoint, HostCheckpoint, HostModel, RunHandle } from '../../train/runEngine.ts';
import type { TrainingData } from '../../train/trainer.ts';
import type { PretrainedStart } from '../../train/wordVectors.ts';
import { alignDatasetToModel, checkTrainingTags } from '../datasets/continueData.ts';
import { exportRun } from './export.ts';
import { Failover } from './failover.ts';
import { devSentences, inspect, tagText } from './inspection.ts';
import { applyLiveSettings } from './liveSettings.ts';
import { RunLoop } from './runLoop.ts';
import { newRunRecord, resumePoint, SessionError, splitForRun, testFor, type RestoredRun, type RunIdentity, type RunRecord, type SessionDeps } from './runRecord.ts';

export type { BestCheckpoint, CreateTrainerInit, HostCheckpoint, HostModel, RunHandle, SessionEngine } from '../../train/runEngine.ts';
export { archiveName } from './export.ts';
export { tokenize } from './inspection.ts';
export { SessionError, splitForRun, type RestoredRun, type SessionBackends, type SessionDeps } from './runRecord.ts';

export class TrainingSession<H extends RunHandle> {
  private readonly runs = new Map<string, RunRecord<H>>();
  private readonly order: string[] = [];
  private counter = 0;
  /** An id reserved across tabs for the run being created now (`withRunId`). */
  private reservedId: string | null = null;
  private readonly loop: RunLoop<H>;
  private readonly failover: Failover<H>;

  constructor(private readonly deps: SessionDeps<H>) {
    this.loop = new RunLoop(deps);
    this.failover = new Failover(deps, this.loop, () => this.runs.values());
  }

  // ------------------------------------------------------------------------------------------
  // Queries

  status(runId: string): RunStatus {
    return this.record(runId).status;
  }

  /** For tests and diagnostics: the host checkpoints of a run. */
  checkpoints(runId: string): { last: HostCheckpoint | null; best: BestCheckpoint | null } {
    const rec = this.record(runId);
    return { last: rec.last, best: rec.best };
  }

  /** Every run's info, in run order: what storage must keep for them (their datasets), and the soak's count. */
  runInfos(): readonly RunInfo[] {
    return this.order.map((id) => this.record(id).info);
  }

  /** The tasks a run was trained on (for callers that label things). */
  tasks(runId: string): TaskSpec[] {
    return this.record(runId).data.tasks;
  }

  /** Every run's id and name, in run order (a workspace import keeps clear of both). */
  runNames(): { runId: string; label: string }[] {
    return this.order.flatMap((id) => {
      const rec = this.runs.get(id);
      return rec ? [{ runId: id, label: rec.info.label }] : [];
    });
  }

  /** A run's name and status; null when this session does not know it. */
  describe(runId: string): { label: string; status: RunStatus } | null {
    const rec = this.runs.get(runId);
    return rec ? { label: rec.info.label, status: rec.status } : null;
  }

  private record(runId: string): RunRecord<H> {
    const rec = this.runs.get(runId);
    if (!rec) throw new SessionError(`There is no run ${runId}.`);
    return rec;
  }

  // ------------------------------------------------------------------------------------------
  // The registry

  /** The id the next new run gets: the one reserved for it (across tabs), else the next number here. */
  private nextRunId(): string {
    return this.reservedId ?? `run-${this.counter + 1}`;
  }

  /** The highest `run-N` number this session has seen: a new id reserved across tabs goes above it. */
  get runNumber(): number {
    return this.counter;
  }

  /**
   * Creates a run (`create`: startRun, continueRun, importModel, importArchivedRun) under `runId`,
   * an id reserved across tabs (src/workbench/tabs/runIds.ts). `create` runs synchronously, so no
   * other run can take the id meanwhile.
   */
  withRunId<T>(runId: string, create: () => T): T {
    this.reservedId = runId;
    try {
      return create();
    } finally {
      this.reservedId = null;
    }
  }

  /**
   * The one way a run enters the session: its record, idle, in the registry and the run order. A
   * run that brings its own id (stored, adopted) moves the counter past it, so new ids never clash.
   */
  private createRun(identity: RunIdentity<H>): RunRecord<H> {
    const { runId } = identity.info;
    if (this.runs.has(runId)) throw new SessionError(`There is already a run ${runId}.`);
    const number = /^run-(\d+)$/.exec(runId);
    if (number) this.counter = Math.max(this.counter, Number(number[1]));
    const rec = newRunRecord<H>(identity);
    this.runs.set(runId, rec);
    this.order.push(runId);
    return rec;
  }

  /**
   * Starts a run on the current dataset, or a sibling on its parent's data and seed. `pretrained`
   * builds the run's initial word table from its training data (pre-trained vectors); `features`
   * attaches frozen word features (BERT) to its train, dev and test sentences, and names their
   * checkpoint (kept in the run's info: a reload asks for it by name).
   */
  startRun(
    config: RunConfig,
    label: string,
    siblingOf?: string,
    pretrained?: (data: TrainingData, config: RunConfig) => PretrainedStart,
    features?: { checkpoint: RunBert; attach(sentences: readonly Sentence[]): Sentence[] },
  ): RunInfo {
    const own = structuredClone(config);
    validateConfig(own);
    let data: TrainingData;
    let datasetName: string;
    let datasetHash: string | undefined;
    let datasetSentences: number | undefined;
    let loadData: RunRecord<H>['loadData'] = null;
    let test: RunRecord<H>['test'];
    let bert = features?.checkpoint;
    if (siblingOf !== undefined) {
      const parent = this.record(siblingOf);
      bert ??= parent.info.bert;
      data = parent.data;
      test = parent.test;
      loadData = parent.loadData;
      datasetName = parent.info.datasetName;
      datasetHash = parent.info.datasetHash;
      datasetSentences = parent.info.datasetSentences;
    } else {
      const dataset = this.deps.datasets.current;
      if (!dataset) throw new SessionError('No dataset is loaded: drop a CoNLL file or load the sample first.');
      data = splitForRun(dataset, own);
      test = testFor(this.deps.datasets.test ?? null, data.tasks);
      datasetName = dataset.name;
      datasetHash = this.deps.datasets.currentHash ?? undefined;
      datasetSentences = dataset.stats.sentences;
    }
    // A restored parent's data is only read when the sibling starts: its vectors would have nothing to cover yet.
    if (pretrained && loadData) throw new SessionError('Pre-trained vectors need the run\'s data in memory: resume the parent run first, or start a new run.');
    if (features && loadData) throw new SessionError('BERT features need the run\'s data in memory: resume the parent run first, or start a new run.');
    if (features) {
      data = { ...data, train: features.attach(data.train), dev: features.attach(data.dev) };
      if (test) test = { ...test, sentences: features.attach(test.sentences) };
    }
    const start = pretrained?.(data, own);
    const runId = this.nextRunId();
    const backend = this.deps.backends.active();
    const info: RunInfo = {
      runId,
      label: this.freeName(label.trim() || runId),
      config: structuredClone(own),
      datasetName,
      backend,
      ...(datasetHash !== undefined ? { datasetHash } : {}),
      ...(datasetSentences !== undefined ? { datasetSentences } : {}),
      ...(siblingOf !== undefined ? { siblingOf } : {}),
      ...(start ? { vectors: start.info } : {}),
      ...(bert && own.model.embedding.bert ? { bert: { ...bert } } : {}),
    };
    const rec = this.createRun({
      info,
      config: own,
      data,
      status: 'running',
      backend,
      last: null,
      best: null,
      host: null,
      loadData,
      ...(start ? { pretrained: start } : {}),
      ...(test ? { test } : {}),
    });
    this.deps.emit({ type: 'run-started', run: structuredClone(info) });
    rec.loop = loadData ? this.loop.driveAfterLoad(rec) : this.loop.drive(rec);
    return structuredClone(info);
  }

  /**
   * Brings back a run kept in storage: it has its checkpoints but no trainer. It is not trained
   * until resumed (its data is re-read then). Emits nothing: the page reads restored runs itself.
   */
  restoreRun(saved: RestoredRun): void {
    const rec = this.createRun({
      info: structuredClone(saved.info),
      config: structuredClone(saved.config),
      data: { tasks: saved.host?.tasks ?? [], train: [], dev: [] },
      status: saved.status,
      ...(saved.message !== undefined ? { message: saved.message } : {}),
      backend: saved.info.backend,
      last: saved.last,
      best: saved.best,
      host: saved.host,
      loadData: saved.loadData,
      fromStorage: true,
    });
    rec.loadData = this.withFeatures(rec, saved.loadData);
  }

  /** A rebuilt run's split loader, which attaches its BERT features when its model reads them. */
  private withFeatures(rec: RunRecord<H>, load: () => Promise<TrainingData>): () => Promise<TrainingData> {
    if (!rec.config.model.embedding.bert) return load;
    return async () => {
      const data = await load();
      const source = this.deps.features;
      if (!source) throw new SessionError(`${rec.info.label} trains on BERT features, which this worker cannot compute.`);
      return source.attach(rec.info, data);
    };
  }

  /**
   * Brings a stored run back again as storage now has it (another tab trained it and let go of it):
   * replaces what this session had of it, or adds it. Emits nothing: the page gets it from the worker.
   */
  reloadRun(saved: RestoredRun): void {
    const known = this.runs.get(saved.info.runId);
    if (!known) return this.restoreRun(saved);
    if (known.alive || (ACTIVE_STATUSES.includes(known.status) && known.loop)) throw new SessionError(`${known.info.label} trains in this tab; it cannot be read back from storage.`);
    known.info = structuredClone(saved.info);
    known.config = structuredClone(saved.config);
    // Its split, if this tab read it already (the inspector lists its dev sentences), is the same.
    if (known.loadData !== null || known.data.train.length === 0) {
      known.data = { tasks: saved.host?.tasks ?? [], train: [], dev: [] };
      known.loadData = saved.loadData;
    }
    known.status = saved.status;
    if (saved.message === undefined) delete known.message;
    else known.message = saved.message;
    known.backend = saved.info.backend;
    known.last = saved.last;
    known.best = saved.best;
    known.host = saved.host;
    known.failedOn = null;
    known.fromStorage = true;
  }

  /**
   * Adds a model read from an archive as a `completed` run: it can tag text, be inspected and be
   * exported; its weights are kept like a checkpoint (so it survives a reload).
   */
  importModel(saved: { config: RunConfig; host: HostModel; weights: NamedWeight[]; summary?: Record<string, unknown> }, fileName: string): RunInfo {
    const load = this.deps.engine.loadModel;
    if (!load) throw new SessionError('This worker cannot load models.');
    const config = structuredClone(saved.config);
    validateConfig(config);
    const runId = this.nextRunId();
    const handle = load.call(this.deps.engine, { runId, config, host: saved.host, weights: saved.weights });
    const summary = saved.summary ?? {};
    const epoch = typeof summary.epoch === 'number' ? summary.epoch : 0;
    const backend = this.deps.backends.active();
    const info: RunInfo = {
      runId,
      label: this.freeName(`imported ${fileName}`),
      config: structuredClone(config),
      datasetName: typeof summary.dataset === 'string' ? summary.dataset : fileName,
      backend,
      importedFrom: fileName,
    };
    const last: HostCheckpoint = { epoch, step: 0, weights: saved.weights };
    const best: BestCheckpoint = {
      ...last,
      score: typeof summary.devScore === 'number' ? summary.devScore : 0,
      scores: Array.isArray(summary.dev) ? (summary.dev as TaskScore[]) : [],
    };
    const rec = this.createRun({
      info: structuredClone(info),
      config: structuredClone(config),
      data: { tasks: saved.host.tasks, train: [], dev: [] },
      status: 'completed',
      backend,
      last,
      best,
      host: saved.host,
      loadData: () => Promise.reject(new SessionError(`${info.label} has no training data: it was imported.`)),
    });
    rec.handle = handle;
    rec.alive = true;
    this.deps.emit({ type: 'run-started', run: structuredClone(info) });
    this.loop.setStatus(rec, 'completed', `Imported from ${fileName}: tag text or inspect it.`);
    this.deps.onCheckpoint?.(runId, { last, best, model: saved.host });
    return structuredClone(info);
  }

  /**
   * Adds a finished run read from a study archive under a new id (`importedFrom`: the archive):
   * its events are replayed as if it had run here, so the page and storage fold them as they fold
   * any run's. It has no data or weights, so it cannot be resumed, inspected or exported.
   */
  importArchivedRun(saved: SavedRun, fileName: string): RunInfo {
    const runId = this.nextRunId();
    const { siblingOf: _sibling, continuedFrom: _continued, ...own } = structuredClone(saved.info);
    const info: RunInfo = { ...own, runId, label: this.freeName(own.label), importedFrom: fileName };
    const status: RunStatus = ACTIVE_STATUSES.includes(saved.status) ? 'stopped' : saved.status;
    const rec = this.createRun({
      info: structuredClone(info),
      config: structuredClone(info.config),
      data: { tasks: [], train: [], dev: [] },
      status,
      backend: info.backend,
      last: null,
      best: null,
      host: null,
      loadData: () => Promise.reject(new SessionError(`${info.label} comes from the study archive ${fileName}, which holds its curves and scores, not its data or weights.`)),
    });
    this.deps.emit({ type: 'run-started', run: structuredClone(info) });
    for (const event of saved.events) this.deps.emit(event.type === 'live-change' ? { ...event, change: { ...event.change, runId } } : { ...event, runId });
    this.loop.setStatus(rec, status, saved.message ?? `From the study archive ${fileName}.`);
    return structuredClone(info);
  }

  /**
   * Continues training an imported model (or any run with weights and vocabularies) as a NEW run on
   * the current dataset; the source run stays as it was. The new run starts from the source's best
   * weights through the same path as a resume (`from.host` + `from.checkpoint`, at epoch 0 with a
   * fresh optimiser and schedule), keeps the source's vocabularies, and trains on the dataset
   * rewritten in the model's tasks and tag sets (alignDatasetToModel: refuses what would change
   * a shape). `config` must keep the source's model section (shapes); its training settings are the
   * new run's own.
   */
  continueRun(sourceId: string, config: RunConfig, label?: string): RunInfo {
    const source = this.record(sourceId);
    const host = source.host ?? source.handle?.model ?? null;
    const checkpoint = source.best ?? source.last;
    if (!host || !checkpoint) throw new SessionError(`${source.info.label} has no weights yet: there is nothing to continue from.`);
    const own = structuredClone(config);
    validateConfig(own);
    if (JSON.stringify(own.model) !== JSON.stringify(source.config.model)) {
      throw new SessionError(`Continuing ${source.info.label} keeps its model settings (they fix the weights' shapes); only training settings may differ.`);
    }
    const dataset = this.deps.datasets.current;
    if (!dataset) throw new SessionError('No dataset is loaded: drop a CoNLL file or load the sample first.');
    let data: TrainingData;
    try {
      const aligned = alignDatasetToModel(dataset, host, source.info.label);
      data = splitForRun(aligned, own);
      checkTrainingTags(aligned, data.train, host, source.info.label);
    } catch (error) {
      throw new SessionError(`Cannot continue ${source.info.label} on ${dataset.name}: ${messageOf(error)}`);
    }
    const runId = this.nextRunId();
    const backend = this.deps.backends.active();
    const datasetHash = this.deps.datasets.currentHash ?? undefined;
    const info: RunInfo = {
      runId,
      label: this.freeName(label?.trim() || `${source.info.label} → ${dataset.name}`),
      config: structuredClone(own),
      datasetName: dataset.name,
      backend,
      ...(datasetHash !== undefined ? { datasetHash } : {}),
      datasetSentences: dataset.stats.sentences,
      continuedFrom: sourceId,
    };
    // Epoch 0 "checkpoint" = the source's weights: the first build, and a resume before the first
    // epoch ends, start from them rather than from a random initialisation.
    const start: HostCheckpoint = { epoch: 0, step: 0, weights: checkpoint.weights };
    const rec = this.createRun({ info: structuredClone(info), config: structuredClone(own), data, status: 'running', backend, last: start, best: null, host, loadData: null });
    this.deps.emit({ type: 'run-started', run: structuredClone(info) });
    this.deps.onCheckpoint?.(runId, { last: start, best: null, model: host });
    rec.loop = this.loop.drive(rec);
    return structuredClone(info);
  }

  /**
   * Takes over a run of a worker that died: same id, config, data split (from the current dataset,
   * or its parent's for a sibling) and checkpoints; it waits, failed or interrupted, for `resume`.
   */
  adoptRun(restored: AdoptedRun): void {
    const { info } = restored;
    const known = this.runs.get(info.runId);
    if (known && !known.alive && known.fromStorage) {
      // Already brought back from storage by this worker: the page's account of what happened
      // wins, and so does its checkpoint when it is newer than the stored one.
      if (restored.last && (known.last === null || restored.last.epoch > known.last.epoch)) {
        known.last = restored.last;
        if (restored.best && (known.best === null || restored.best.epoch >= known.best.epoch)) known.best = restored.best;
      }
      this.loop.setStatus(known, restored.status, adoptedMessage(restored, known.last));
      return;
    }
    if (known) throw new SessionError(`There is already a run ${info.runId}.`);
    const config = structuredClone(restored.config);
    validateConfig(config);
    let data: TrainingData;
    const parent = info.siblingOf !== undefined ? this.runs.get(info.siblingOf) : undefined;
    // A run continued from an imported model trains in that model's terms (its vocabularies, which
    // its data alone would not rebuild): they come from the imported run, kept in this session.
    const source = info.continuedFrom !== undefined ? this.runs.get(info.continuedFrom) : undefined;
    const host = source?.host ?? source?.handle?.model ?? null;
    if (parent) data = parent.data;
    else {
      const dataset = this.deps.datasets.current;
      if (!dataset || dataset.name !== info.datasetName) {
        throw new SessionError(`${info.label} trained on ${info.datasetName}, which is not loaded; it cannot be resumed.`);
      }
      if (info.continuedFrom !== undefined && !host) {
        throw new SessionError(`${info.label} continued ${info.continuedFrom}, which is gone; it cannot be resumed.`);
      }
      data = splitForRun(host ? alignDatasetToModel(dataset, host, info.label) : dataset, config);
    }
    const backend = this.deps.backends.active();
    // failedOn stays null: the worker died, not the backend, so resume stays on the active one.
    const rec = this.createRun({
      info: { ...structuredClone(info), backend },
      config,
      data,
      status: restored.status,
      message: adoptedMessage(restored, restored.last),
      backend,
      last: restored.last,
      best: restored.best,
      host,
      loadData: null,
    });
    // Its BERT features died with the worker: attached (read back or computed) when it is resumed.
    if (config.model.embedding.bert && !parent) {
      const split = data;
      rec.data = { tasks: split.tasks, train: [], dev: [] };
      rec.loadData = this.withFeatures(rec, async () => split);
    } else if (config.model.embedding.bert && parent?.loadData) {
      rec.loadData = parent.loadData;
    }
    this.loop.setStatus(rec, restored.status, adoptedMessage(restored, restored.last));
  }

  // ------------------------------------------------------------------------------------------
  // Controls

  /** Renames a run (what exports and error messages call it); an empty name or another run's is refused. */
  rename(runId: string, label: string): void {
    const rec = this.record(runId);
    const problem = renameProblem(label, runId, [...this.runs.values()].map((r) => r.info));
    if (problem) throw new SessionError(problem);
    rec.info.label = label.trim();
  }

  /** `label`, or `label 2`, `label 3`… when a run has it: two runs never share a name. */
  private freeName(label: string): string {
    return uniqueRunName(label, [...this.runs.values()].map((r) => r.info.label));
  }

  pause(runId: string): void {
    const rec = this.record(runId);
    if (rec.status === 'paused') return;
    if (rec.status !== 'running') throw new SessionError(`${rec.info.label} is ${rec.status}; only a running run can be paused.`);
    this.loop.setStatus(rec, 'paused');
  }

  async resume(runId: string): Promise<void> {
    const rec = this.record(runId);
    if (rec.status === 'running') return;
    if (rec.status === 'paused') {
      this.loop.setStatus(rec, 'running');
      this.loop.wake(rec);
      return;
    }
    if (rec.status !== 'failed' && rec.status !== 'interrupted') {
      throw new SessionError(`${rec.info.label} is ${rec.status}; only a paused, failed or interrupted run can be resumed.`);
    }
    // A run restored from storage first re-reads its dataset (the same seeded split).
    await this.loop.ensureData(rec);
    // Rebuild from the host checkpoint; a failed run moves to the next backend.
    const target = rec.status === 'failed' && rec.failedOn ? (this.deps.backends.next(rec.failedOn) ?? this.deps.backends.active()) : this.deps.backends.active();
    if (target !== this.deps.backends.active()) {
      await this.failover.switchBackend(target, rec);
    }
    // A diverged run ended normally and still holds its model: free it before the rebuild.
    if (rec.handle && rec.alive) this.deps.engine.dispose(rec.handle);
    rec.alive = false;
    rec.stepsAllowed = 0;
    rec.failedOn = null;
    rec.pendingStep = null;
    rec.backend = this.deps.backends.active();
    rec.info.backend = rec.backend;
    // It trains again from its checkpoint's step: what it did after that step leaves its history.
    this.loop.setStatus(rec, 'running', undefined, { backend: rec.backend, rewoundTo: rec.last?.step ?? 0 });
    rec.loop = this.loop.drive(rec);
  }

  async stop(runId: string): Promise<void> {
    const rec = this.record(runId);
    if (rec.status === 'failed' || rec.status === 'interrupted') {
      this.loop.setStatus(rec, 'stopped', rec.message);
      return;
    }
    if (!ACTIVE_STATUSES.includes(rec.status)) return;
    rec.controller?.abort();
    this.loop.wake(rec);
    await rec.loop;
  }

  /** One batch of a paused run; resolves when it is done (or the run ended). */
  step(runId: string): Promise<void> {
    const rec = this.record(runId);
    if (rec.status !== 'paused') throw new SessionError(`${rec.info.label} is ${rec.status}; pause it to step one batch at a time.`);
    rec.stepsAllowed++;
    const done = new Promise<void>((resolve) => rec.stepWaiters.push(resolve));
    this.loop.wake(rec);
    return done;
  }

  /** Test hook: makes the run's next batch fail with `message`, as a kernel error would. */
  simulateFailure(runId: string, message: string): void {
    const rec = this.record(runId);
    if (!ACTIVE_STATUSES.includes(rec.status)) throw new SessionError(`${rec.info.label} is ${rec.status}; only an active run can fail.`);
    rec.injectedFailure = message;
  }

  /** Test hook: the run's next batch trains with a NaN learning rate, as an exploding update would. */
  simulateNaN(runId: string): void {
    const rec = this.record(runId);
    if (!ACTIVE_STATUSES.includes(rec.status)) throw new SessionError(`${rec.info.label} is ${rec.status}; only an active run can diverge.`);
    rec.injectedNaN = true;
  }

  /** Forgets a run (the page deleted it): stops it first if it is training, then frees it. */
  async forget(runId: string): Promise<void> {
    const rec = this.runs.get(runId);
    if (!rec) return;
    if (ACTIVE_STATUSES.includes(rec.status) && rec.loop) await this.loop.halt(rec, 'interrupted', 'deleted');
    rec.generation++;
    if (rec.handle && rec.alive) this.deps.engine.dispose(rec.handle);
    rec.alive = false;
    this.runs.delete(runId);
    const at = this.order.indexOf(runId);
    if (at >= 0) this.order.splice(at, 1);
  }

  /** Applies shape-keeping settings from the run's next batch on (./liveSettings.ts). */
  updateLive(runId: string, settings: LiveSettings): LiveChange {
    return applyLiveSettings(this.record(runId), settings, (event) => this.deps.emit(event));
  }

  // ------------------------------------------------------------------------------------------
  // Backends (./failover.ts)

  /**
   * Switches the backend. Runs that are running or paused are interrupted first (tfjs has one
   * backend; their tensors live on the old one) and continue from their last checkpoint on resume.
   */
  setBackend(name: Backend): Promise<BackendInfo> {
    return this.failover.switchBackend(name, null);
  }

  /** The device under `backend` is gone or failed: its runs fail (checkpoints kept) and tfjs moves on. */
  backendLost(backend: Backend, reason: string, fault: BackendFault = 'lost'): Promise<BackendInfo | null> {
    return this.failover.backendLost(backend, reason, fault);
  }

  // ------------------------------------------------------------------------------------------
  // Inspection and export (./inspection.ts, ./export.ts)

  /**
   * Dev sentences of `runId`, else of the latest run, else of the current dataset's split. A run
   * restored after a reload has its split rebuilt from its stored dataset first; where that dataset
   * is gone, the error says so (the inspector shows it).
   */
  async devSentences(limit = 500, runId?: string): Promise<{ index: number; text: string }[]> {
    const run = runId !== undefined ? this.record(runId) : this.runs.get(this.order[this.order.length - 1] ?? '');
    if (run) {
      try {
        await this.loop.ensureData(run);
      } catch (error) {
        throw new SessionError(`The dev sentences of ${run.info.label} cannot be listed: ${messageOf(error)}`);
      }
    }
    return devSentences(run, this.deps.datasets.current, limit);
  }

  inspect(runId: string, request: { devIndex: number } | { text: string }): Promise<SentenceInspection> {
    return inspect(this.record(runId), this.deps.engine, request, this.deps.features);
  }

  tagText(runId: string, text: string): Promise<SentenceInspection[]> {
    return tagText(this.record(runId), this.deps.engine, text, this.deps.features);
  }

  exportModel(runId: string): Promise<ExportedModel> {
    return exportRun(this.record(runId), this.deps.engine);
  }
}

/** A dead worker's run: the page's account, plus where Resume continues from (the checkpoint we hold). */
function adoptedMessage(restored: AdoptedRun, last: { epoch: number; batch?: number } | null): string {
  if (!restored.died) return restored.message;
  const start = !last || (last.epoch === 0 && !last.batch);
  return `${restored.message} Resume continues from ${resumePoint(last)}${start ? ' (the start)' : ''} in a new worker.`;
}
