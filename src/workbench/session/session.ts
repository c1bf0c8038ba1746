/**
 * The worker's runs: one facade over the run table (./runRegistry.ts), how runs enter it
 * (./newRuns.ts: started, sibling, continued, imported; ./storedRuns.ts: restored from storage, read
 * back from another tab, adopted from a worker that died) and the controls (pause / resume / stop /
 * single steps), which act here. The jobs around a run are in their own modules: its loop
 * (./runLoop.ts), backend failover (./failover.ts), live settings (./liveSettings.ts), inspection
 * (./inspection.ts) and export (./export.ts).
 *
 * No tfjs and no DOM here: the tfjs parts come in through `SessionEngine`, the backend switching
 * through `SessionBackends`, so the state machine is unit-tested with fakes (session.test.ts).
 */
import { messageOf } from '../../core/errors.ts';
import type { Backend, RunConfig } from '../../core/config.ts';
import type { LiveSettings } from '../../core/configFields.ts';
import type { LiveChange, RunInfo, RunStatus } from '../../core/events.ts';
import type { SentenceInspection } from '../../core/inspection.ts';
import { ACTIVE_STATUSES } from '../../core/runState.ts';
import type { TaskSpec } from '../../data/types.ts';
import type { AdoptedRun, BackendFault, BackendInfo, ExportedModel, SavedRun } from '../../protocol.ts';
import type { NamedWeight } from '../../train/formats/safetensors.ts';
import type { BestCheckpoint, HostCheckpoint, HostModel, RunHandle } from '../../train/runEngine.ts';
import { exportRun } from './export.ts';
import { Failover } from './failover.ts';
import { devSentences, inspect, tagText } from './inspection.ts';
import { applyLiveSettings } from './liveSettings.ts';
import { NewRuns } from './newRuns.ts';
import { RunLoop } from './runLoop.ts';
import { RunRegistry } from './runRegistry.ts';
import { SessionError, type RestoredRun, type SessionDeps } from './runRecord.ts';
import { StoredRuns } from './storedRuns.ts';

export type { BestCheckpoint, CreateTrainerInit, HostCheckpoint, HostModel, RunHandle, SessionEngine } from '../../train/runEngine.ts';
export { archiveName } from './export.ts';
export { tokenize } from './inspection.ts';
export { SessionError, splitForRun, type RestoredRun, type SessionBackends, type SessionDeps } from './runRecord.ts';

export class TrainingSession<H extends RunHandle> {
  private readonly registry = new RunRegistry<H>();
  private readonly loop: RunLoop<H>;
  private readonly failover: Failover<H>;
  private readonly newRuns: NewRuns<H>;
  private readonly storedRuns: StoredRuns<H>;

  constructor(private readonly deps: SessionDeps<H>) {
    this.loop = new RunLoop(deps);
    this.failover = new Failover(deps, this.loop, () => this.registry.all());
    this.newRuns = new NewRuns(deps, this.registry, this.loop);
    this.storedRuns = new StoredRuns(deps, this.registry, this.loop);
  }

  // ------------------------------------------------------------------------------------------
  // Queries

  status(runId: string): RunStatus {
    return this.registry.get(runId).status;
  }

  /** For tests and diagnostics: the host checkpoints of a run. */
  checkpoints(runId: string): { last: HostCheckpoint | null; best: BestCheckpoint | null } {
    const rec = this.registry.get(runId);
    return { last: rec.last, best: rec.best };
  }

  /** Every run's info, in run order: what storage must keep for them (their datasets), and the soak's count. */
  runInfos(): readonly RunInfo[] {
    return this.registry.infos();
  }

  /** The tasks a run was trained on (for callers that label things). */
  tasks(runId: string): TaskSpec[] {
    return this.registry.get(runId).data.tasks;
  }

  /** Every run's id and name, in run order (a workspace import keeps clear of both). */
  runNames(): { runId: string; label: string }[] {
    return this.registry.infos().map((info) => ({ runId: info.runId, label: info.label }));
  }

  /** A run's name and status; null when this session does not know it. */
  describe(runId: string): { label: string; status: RunStatus } | null {
    const rec = this.registry.find(runId);
    return rec ? { label: rec.info.label, status: rec.status } : null;
  }

  // ------------------------------------------------------------------------------------------
  // Runs entering the session (./runRegistry.ts, ./newRuns.ts, ./storedRuns.ts)

  /** The highest `run-N` number this session has seen: a new id reserved across tabs goes above it. */
  get runNumber(): number {
    return this.registry.runNumber;
  }

  /**
   * Creates a run (`create`: startRun, continueRun, importModel, importArchivedRun) under `runId`,
   * an id reserved across tabs (src/workbench/tabs/runIds.ts).
   */
  withRunId<T>(runId: string, create: () => T): T {
    return this.registry.withRunId(runId, create);
  }

  /**
   * Starts a run on the current dataset, or a sibling on its parent's data and seed. `pretrained`
   * builds the run's initial word table from its training data (pre-trained vectors); `features`
   * attaches frozen word features (BERT) and names their checkpoint.
   */
  startRun(...args: Parameters<NewRuns<H>['start']>): RunInfo {
    return this.newRuns.start(...args);
  }

  /** Trains a NEW run from `sourceId`'s best weights on the current dataset (./newRuns.ts). */
  continueRun(sourceId: string, config: RunConfig, label?: string): RunInfo {
    return this.newRuns.continueFrom(sourceId, config, label);
  }

  /** Adds a model read from an archive as a `completed` run. */
  importModel(saved: { config: RunConfig; host: HostModel; weights: NamedWeight[]; summary?: Record<string, unknown> }, fileName: string): RunInfo {
    return this.newRuns.importModel(saved, fileName);
  }

  /** Adds a finished run read from a study archive under a new id, its events replayed. */
  importArchivedRun(saved: SavedRun, fileName: string): RunInfo {
    return this.newRuns.importArchived(saved, fileName);
  }

  /** Brings back a run kept in storage; it is not trained until resumed. */
  restoreRun(saved: RestoredRun): void {
    this.storedRuns.restore(saved);
  }

  /** Brings a stored run back again as storage now has it (another tab trained it and let go of it). */
  reloadRun(saved: RestoredRun): void {
    this.storedRuns.reload(saved);
  }

  /** Takes over a run of a worker that died; it waits, failed or interrupted, for `resume`. */
  adoptRun(restored: AdoptedRun): void {
    this.storedRuns.adopt(restored);
  }

  // ------------------------------------------------------------------------------------------
  // Controls

  /** Renames a run (what exports and error messages call it); an empty name or another run's is refused. */
  rename(runId: string, label: string): void {
    this.registry.rename(runId, label);
  }

  pause(runId: string): void {
    const rec = this.registry.get(runId);
    if (rec.status === 'paused') return;
    if (rec.status !== 'running') throw new SessionError(`${rec.info.label} is ${rec.status}; only a running run can be paused.`);
    this.loop.setStatus(rec, 'paused');
  }

  async resume(runId: string): Promise<void> {
    const rec = this.registry.get(runId);
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
    const rec = this.registry.get(runId);
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
    const rec = this.registry.get(runId);
    if (rec.status !== 'paused') throw new SessionError(`${rec.info.label} is ${rec.status}; pause it to step one batch at a time.`);
    rec.stepsAllowed++;
    const done = new Promise<void>((resolve) => rec.stepWaiters.push(resolve));
    this.loop.wake(rec);
    return done;
  }

  /** Test hook: makes the run's next batch fail with `message`, as a kernel error would. */
  simulateFailure(runId: string, message: string): void {
    const rec = this.registry.get(runId);
    if (!ACTIVE_STATUSES.includes(rec.status)) throw new SessionError(`${rec.info.label} is ${rec.status}; only an active run can fail.`);
    rec.injectedFailure = message;
  }

  /** Test hook: the run's next batch trains with a NaN learning rate, as an exploding update would. */
  simulateNaN(runId: string): void {
    const rec = this.registry.get(runId);
    if (!ACTIVE_STATUSES.includes(rec.status)) throw new SessionError(`${rec.info.label} is ${rec.status}; only an active run can diverge.`);
    rec.injectedNaN = true;
  }

  /** Forgets a run (the page deleted it): stops it first if it is training, then frees it. */
  async forget(runId: string): Promise<void> {
    const rec = this.registry.find(runId);
    if (!rec) return;
    if (ACTIVE_STATUSES.includes(rec.status) && rec.loop) await this.loop.halt(rec, 'interrupted', 'deleted');
    rec.generation++;
    if (rec.handle && rec.alive) this.deps.engine.dispose(rec.handle);
    rec.alive = false;
    this.registry.remove(runId);
  }

  /** Applies shape-keeping settings from the run's next batch on (./liveSettings.ts). */
  updateLive(runId: string, settings: LiveSettings): LiveChange {
    return applyLiveSettings(this.registry.get(runId), settings, (event) => this.deps.emit(event));
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
    const run = runId !== undefined ? this.registry.get(runId) : this.registry.latest();
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
    return inspect(this.registry.get(runId), this.deps.engine, request, this.deps.features);
  }

  tagText(runId: string, text: string): Promise<SentenceInspection[]> {
    return tagText(this.registry.get(runId), this.deps.engine, text, this.deps.features);
  }

  exportModel(runId: string): Promise<ExportedModel> {
    return exportRun(this.registry.get(runId), this.deps.engine);
  }
}
