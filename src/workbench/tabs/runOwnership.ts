/**
 * Run ownership across the tabs of one browser profile (they share one IndexedDB). A run that
 * trains holds the Web Lock `mtaa-run:<id>` in the worker that trains it: taken when it starts or
 * resumes, given back when it stops, fails, completes or is interrupted (after the recorder wrote
 * its last records, so the next owner reads them), and released by the browser when the tab or the
 * worker dies. While it trains, the owning worker posts the run's events on a BroadcastChannel.
 *
 * Another tab's worker shows such a run as "training in another tab": found held at restore (a lock
 * query) or announced by its events; it forwards the run's events to its own page (those already in
 * the stored history skipped), never records them, and refuses to resume, delete, stop or continue
 * it. It queues a request for the run's lock: granted when the owner lets go, which makes the run
 * this tab's to resume, reloaded from storage with its history up to its last stored record.
 *
 * No DOM, no tfjs: the locks and the channel come in as ./tabLocks.ts shapes (fakes in the tests).
 */
import { holdLockIfAvailable } from '../../core/heldLock.ts';
import type { RunEvent, RunStatus } from '../../core/events.ts';
import { ACTIVE_STATUSES, runIdOf } from '../../core/runState.ts';
import { messageOf } from '../../core/errors.ts';
import type { SavedRun, WorkerEvent } from '../../protocol.ts';
import { RUN_LOCK_PREFIX, runLockName, type TabApis } from './tabLocks.ts';

export interface RunOwnershipDeps extends TabApis {
  /** This worker's label and status of a run (null: it does not know the run). */
  describe(runId: string): { label: string; status: RunStatus } | null;
  /** Writes what the recorder still holds (before another tab may read the released run). */
  flush(): Promise<void>;
  /** To this tab's page only: another tab's run is never recorded here (its owner records it). */
  toPage(event: WorkerEvent): void;
  /** A run this worker knew became another tab's: stop writing it to storage. */
  lose(runId: string): void;
  /** Another tab let go of a run: reload it from storage; resolves to what the page shows (null: it was deleted). */
  reclaim(runId: string): Promise<SavedRun | null>;
}

/** What crosses the channel: one of the owner's run events. */
interface RunMessage {
  kind: 'run-event';
  event: RunEvent;
}

/** A run another tab trains, as this worker follows it. */
interface ForeignRun {
  label: string;
  /** The last step and epoch reports shown: a report at or before them is already in the history. */
  lastStep: number;
  lastEpochStep: number;
}

const RUN_EVENT_TYPES: ReadonlySet<string> = new Set(['run-started', 'run-status', 'step', 'epoch', 'done', 'live-change', 'test-scores']);

function isRunEvent(event: WorkerEvent): event is RunEvent {
  return RUN_EVENT_TYPES.has(event.type);
}

/** The refusal for a run another tab trains. */
export function elsewhereMessage(label: string, action: string): string {
  return `${label} is training in another tab: ${action} it there, or wait until that tab stops it or is closed.`;
}

/** Whether an event adds to what the page has of a foreign run (a report it has is skipped); updates the marks. */
function fresh(run: ForeignRun, event: RunEvent | SavedRun['events'][number]): boolean {
  switch (event.type) {
    case 'step':
      if (event.step <= run.lastStep) return false;
      run.lastStep = event.step;
      return true;
    case 'epoch':
      if (event.step <= run.lastEpochStep) return false;
      run.lastEpochStep = event.step;
      return true;
    case 'run-status':
      if (event.rewoundTo !== undefined) {
        run.lastStep = Math.min(run.lastStep, event.rewoundTo);
        run.lastEpochStep = Math.min(run.lastEpochStep, event.rewoundTo);
      }
      return true;
    default:
      return true;
  }
}

export class RunOwnership {
  /** Runs whose lock this worker holds or has asked for: the grant, and how to give it back. */
  private readonly held = new Map<string, { granted: Promise<boolean>; release: () => void }>();
  private readonly foreign = new Map<string, ForeignRun>();
  /** Channel messages that came before the stored runs were restored (null once they are). */
  private buffered: RunEvent[] | null = [];

  constructor(private readonly deps: RunOwnershipDeps) {
    deps.channel?.addEventListener('message', (message) => this.receive(message.data));
  }

  /** Whether this worker holds the run's lock (it trains the run, or is about to). */
  owns(runId: string): boolean {
    return this.held.has(runId);
  }

  /** Whether another tab trains the run. */
  isElsewhere(runId: string): boolean {
    return this.foreign.has(runId);
  }

  /** Takes the run's lock if no one holds it; false when another tab does. */
  claim(runId: string): Promise<boolean> {
    const mine = this.held.get(runId);
    if (mine) return mine.granted;
    // Held until `release` (or until the browser ends this worker).
    const entry = holdLockIfAvailable(this.deps.locks, runLockName(runId));
    const { granted } = entry;
    this.held.set(runId, entry);
    void granted.then((ok) => {
      if (!ok && this.held.get(runId) === entry) this.held.delete(runId);
    });
    return granted;
  }

  /** Gives the run's lock back (another tab waiting for it gets it). */
  release(runId: string): void {
    const entry = this.held.get(runId);
    if (!entry) return;
    this.held.delete(runId);
    entry.release();
  }

  /**
   * Refuses `action` on a run another tab trains (throws with the reason). With `claim`, also takes
   * the run's lock: refused when another tab took it since (the caller then owns it; release it if
   * the action does not leave the run training).
   */
  async refuseElsewhere(runId: string, action: string, claim = false): Promise<void> {
    const foreign = this.foreign.get(runId);
    if (foreign) throw new Error(elsewhereMessage(foreign.label, action));
    if (claim && !(await this.claim(runId))) throw new Error(elsewhereMessage(this.deps.describe(runId)?.label ?? runId, action));
  }

  /** The ids of the runs another tab (its worker) trains now. */
  async heldElsewhere(): Promise<ReadonlySet<string>> {
    const locks = this.deps.locks;
    if (!locks) return new Set();
    const { held = [] } = await locks.query();
    const ids = held.map((lock) => lock.name ?? '').filter((name) => name.startsWith(RUN_LOCK_PREFIX)).map((name) => name.slice(RUN_LOCK_PREFIX.length));
    return new Set(ids.filter((id) => !this.held.has(id)));
  }

  /** A stored run another tab trains (found at restore): followed until that tab lets go of it. */
  followStored(saved: SavedRun): void {
    const run: ForeignRun = { label: saved.info.label, lastStep: -1, lastEpochStep: -1 };
    for (const event of saved.events) fresh(run, event);
    this.foreign.set(saved.info.runId, run);
    this.watch(saved.info.runId);
  }

  /** The stored runs are restored: the channel's messages that came meanwhile are followed now. */
  ready(): void {
    const events = this.buffered ?? [];
    this.buffered = null;
    for (const event of events) this.follow(event);
  }

  /**
   * One of this worker's own events: tells the other tabs (a run it trains), takes the run's lock
   * when it starts or resumes, and gives it back once it stopped training and its records are written.
   */
  ownEvent(event: WorkerEvent): void {
    if (!isRunEvent(event)) return;
    const runId = runIdOf(event);
    if (this.foreign.has(runId)) return;
    const active = event.type === 'run-status' && ACTIVE_STATUSES.includes(event.status);
    if (event.type === 'run-started' || active) void this.claim(runId);
    try {
      this.deps.channel?.postMessage({ kind: 'run-event', event } satisfies RunMessage);
    } catch {
      // A closed channel (the worker is ending): the other tabs learn from the lock's release.
    }
    if (event.type === 'run-status' && !active) this.settle(runId);
  }

  /** Releases a run that stopped training once the recorder has written it; a resume meanwhile keeps it. */
  private settle(runId: string): void {
    void this.deps
      .flush()
      .catch(() => undefined)
      .then(() => {
        const run = this.deps.describe(runId);
        // A forgotten run (deleted) is released by the deletion, once storage has forgotten it too.
        if (run && !ACTIVE_STATUSES.includes(run.status)) this.release(runId);
      });
  }

  private receive(data: unknown): void {
    const message = data as Partial<RunMessage> | null;
    if (!message || message.kind !== 'run-event' || typeof message.event !== 'object' || message.event === null) return;
    if (this.buffered) this.buffered.push(message.event);
    else this.follow(message.event);
  }

  private follow(event: RunEvent): void {
    const runId = runIdOf(event);
    if (this.held.has(runId)) return;
    const run = this.foreign.get(runId);
    if (!run) {
      if (this.deps.describe(runId)) {
        void this.takenElsewhere(runId, event);
        return;
      }
      // A run started before this worker read the storage and stored after: shown after a reload.
      if (event.type !== 'run-started') return;
      this.foreign.set(runId, { label: event.run.label, lastStep: -1, lastEpochStep: -1 });
      this.deps.toPage(event);
      this.deps.toPage({ type: 'run-owner', runId, elsewhere: true });
      this.watch(runId);
      return;
    }
    if (fresh(run, event)) this.deps.toPage(event);
  }

  /**
   * News of a run this tab has as its own to resume: another tab resumed it, or the message is
   * older than the release that made the run ours (channel messages and lock grants are not
   * ordered). Only the lock says which: held by another tab, the run is that tab's from now on.
   */
  private async takenElsewhere(runId: string, event: RunEvent): Promise<void> {
    const training = event.type === 'step' || event.type === 'epoch' || (event.type === 'run-status' && ACTIVE_STATUSES.includes(event.status));
    if (!training || !(await this.heldElsewhere()).has(runId)) return;
    if (this.foreign.has(runId) || this.held.has(runId)) return;
    const run: ForeignRun = { label: this.deps.describe(runId)?.label ?? runId, lastStep: -1, lastEpochStep: -1 };
    this.foreign.set(runId, run);
    // No longer written here: its owner writes it.
    this.deps.lose(runId);
    this.deps.toPage({ type: 'run-owner', runId, elsewhere: true });
    if (fresh(run, event)) this.deps.toPage(event);
    this.watch(runId);
  }

  /** Queues a request for a foreign run's lock: granted (and given back at once) when its owner lets go. */
  private watch(runId: string): void {
    const locks = this.deps.locks;
    if (!locks) return;
    const freed = () => void this.freed(runId);
    locks.request(runLockName(runId), {}, () => undefined).then(freed, freed);
  }

  private async freed(runId: string): Promise<void> {
    if (!this.foreign.delete(runId)) return;
    try {
      const saved = await this.deps.reclaim(runId);
      this.deps.toPage({ type: 'run-owner', runId, elsewhere: false, saved });
    } catch (error) {
      this.deps.toPage({ type: 'storage', ok: false, message: `A run another tab trained (${runId}) is free now but could not be read back from storage (${messageOf(error)}); reload the page.` });
    }
  }
}
