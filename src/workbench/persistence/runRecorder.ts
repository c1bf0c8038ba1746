/**
 * Keeps every run in a RunStorage as it happens: the worker passes each event it sends to the page
 * through `record`, and each host checkpoint through `checkpoint`. Writes are gathered and flushed
 * in one go (every `flushMs`, or at once for checkpoints), one flush at a time and in order. A
 * resume from a checkpoint (a `run-status` with `rewoundTo`) deletes the stored history of the steps
 * trained again, before the flush appends the new history, so no step is stored twice. A write
 * that fails (a full quota) is reported through `onStorage` and kept: it is retried with the next
 * flush, so nothing is dropped silently. `load` gives the runs back after a reload; those that were
 * training are marked `interrupted`. Pure TypeScript.
 */
import { messageOf } from '../../core/errors.ts';
import { vocabulariesToJSON } from '../../data/index.ts';
import { ACTIVE_STATUSES, foldRunHead, runIdOf, startedHead, undoneByRewind } from '../../core/runState.ts';
import type { ColumnOverride, SavedRun, WorkerEvent } from '../../protocol.ts';
import type { BestCheckpoint, HostCheckpoint, HostModel } from '../../train/runEngine.ts';
import { resumePoint } from '../session/runRecord.ts';
import type { CheckpointKind, RunStorage, StoredCheckpoint, StoredEvent, StoredRun } from './runStorage.ts';

export interface RunRecorderOptions {
  /** Failures and recoveries of writes (the worker turns them into `storage` events). */
  onStorage(report: { ok: boolean; message: string }): void;
  /** The column choices of the dataset a new (non-sibling) run starts on. */
  currentOverrides?: () => ColumnOverride[];
  /** How long events wait to be written together (default 1 s). */
  flushMs?: number;
  now?: () => number;
}

/** A run brought back by `load`, with what the session needs to resume it. */
export interface LoadedRun {
  run: StoredRun;
  saved: SavedRun;
  last: HostCheckpoint | null;
  best: BestCheckpoint | null;
  /** The stored tasks and vocabularies (JSON form) of its checkpoints. */
  host: { tasks: StoredCheckpoint['tasks']; vocabularies: StoredCheckpoint['vocabularies'] } | null;
}

/** Whether a failed write means the storage is full. */
export function isQuotaError(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'QuotaExceededError' || /quota/i.test(messageOf(error));
}

export class RunRecorder {
  private readonly meta = new Map<string, StoredRun>();
  private readonly dirty = new Set<string>();
  private events: { runId: string; event: StoredEvent }[] = [];
  private readonly checkpoints = new Map<string, StoredCheckpoint>();
  /** Runs rewound since the last flush, with the step their stored history is cut back to. */
  private rewinds = new Map<string, number>();
  private readonly deleted = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private chain: Promise<void> = Promise.resolve();
  private failing = false;
  private readonly flushMs: number;
  private readonly now: () => number;

  constructor(
    private readonly storage: RunStorage,
    private readonly options: RunRecorderOptions,
  ) {
    this.flushMs = options.flushMs ?? 1000;
    this.now = options.now ?? (() => Date.now());
  }

  /** Notes a worker event (run starts, status changes, train events, live changes). */
  record(event: WorkerEvent): void {
    switch (event.type) {
      case 'backend':
      case 'storage':
      case 'vectors-progress':
      case 'bert-progress':
      case 'checkpoint':
      case 'run-owner':
        return;
      case 'run-started': {
        const { run } = event;
        if (this.deleted.has(run.runId)) return;
        const parent = run.siblingOf !== undefined ? this.meta.get(run.siblingOf) : undefined;
        this.meta.set(run.runId, {
          runId: run.runId,
          ...startedHead(run),
          notes: '',
          datasetHash: run.datasetHash ?? null,
          overrides: parent ? parent.overrides : (this.options.currentOverrides?.() ?? []),
          updatedAt: this.now(),
        });
        this.touch(run.runId);
        return;
      }
    }
    const runId = runIdOf(event);
    const run = this.meta.get(runId);
    if (!run || this.deleted.has(runId)) return;
    const next = foldRunHead(run, event);
    if (next !== run) {
      this.meta.set(runId, { ...next, updatedAt: this.now() });
      this.touch(runId);
    }
    // Train events, test scores and live changes are the run's history; statuses are its head.
    if (event.type !== 'run-status') this.append(runId, event);
    else if (event.rewoundTo !== undefined) this.rewind(runId, event.rewoundTo);
  }

  /**
   * A resume from the checkpoint at `step`: the history after it, pending or stored, goes (the
   * stored part with the next flush, before any newer event is appended).
   */
  private rewind(runId: string, step: number): void {
    this.events = this.events.filter((e) => e.runId !== runId || !undoneByRewind(e.event, step));
    this.rewinds.set(runId, Math.min(step, this.rewinds.get(runId) ?? step));
    this.schedule();
  }

  /** Keeps a run's latest checkpoint (and its best, when this epoch is the best): written at once. */
  checkpoint(runId: string, { last, best, model }: { last: HostCheckpoint; best: BestCheckpoint | null; model: HostModel }): void {
    if (this.deleted.has(runId) || !this.meta.has(runId)) return;
    const common = { runId, tasks: model.tasks, vocabularies: vocabulariesToJSON(model.vocabularies) };
    const put = (kind: CheckpointKind, c: HostCheckpoint, extra: Partial<StoredCheckpoint> = {}) =>
      this.checkpoints.set(`${runId}|${kind}`, { ...common, kind, epoch: c.epoch, step: c.step, ...(c.batch ? { batch: c.batch } : {}), weights: c.weights, ...extra });
    put('last', last);
    if (best) put('best', best, { score: best.score, scores: best.scores });
    void this.flush();
  }

  setNotes(runId: string, notes: string): void {
    this.update(runId, (run) => {
      run.notes = notes;
    });
  }

  /** Renames a run: the label in its stored info, what the page shows after a reload. */
  setLabel(runId: string, label: string): void {
    this.update(runId, (run) => {
      run.info = { ...run.info, label };
    });
  }

  /**
   * Deletes a run from storage and ignores anything still coming for it. Resolves to the dataset it
   * trained on (null: none known), which the caller frees when no other run needs it.
   */
  async forget(runId: string): Promise<{ datasetHash: string | null }> {
    const datasetHash = this.meta.get(runId)?.datasetHash ?? null;
    this.deleted.add(runId);
    this.meta.delete(runId);
    this.dirty.delete(runId);
    this.events = this.events.filter((e) => e.runId !== runId);
    this.rewinds.delete(runId);
    this.checkpoints.delete(`${runId}|last`);
    this.checkpoints.delete(`${runId}|best`);
    const run = () => this.storage.deleteRun(runId);
    this.chain = this.chain.then(run, run);
    await this.chain;
    return { datasetHash };
  }

  /** Writes everything pending now; resolves when written (or when the failure was reported). */
  flush(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const run = () => this.write();
    this.chain = this.chain.then(run, run);
    return this.chain;
  }

  /** Pending writes (tests, diagnostics). */
  pending(): { runs: number; events: number; checkpoints: number } {
    return { runs: this.dirty.size, events: this.events.length, checkpoints: this.checkpoints.size };
  }

  /**
   * The stored runs (or those of `only`: runs a workspace import just wrote), oldest first, with their events and checkpoints. Runs that were training when
   * the page went away are now `interrupted` (and stored as such). Runs in `elsewhere` train in
   * another tab: given back as stored, and never written by this recorder (their owner writes them).
   */
  async load(elsewhere: ReadonlySet<string> = new Set(), only?: ReadonlySet<string>): Promise<LoadedRun[]> {
    const runs = (await this.storage.runs()).filter((run) => !only || only.has(run.runId)).sort((a, b) => runOrder(a.runId) - runOrder(b.runId) || a.updatedAt - b.updatedAt);
    const loaded: LoadedRun[] = [];
    for (const run of runs) loaded.push(await this.bring(run, !elsewhere.has(run.runId)));
    await this.flush();
    return loaded;
  }

  /**
   * One stored run read again (another tab that trained it let go of it): from now on this
   * recorder keeps it, `interrupted` if it was still training. Null: it is no longer stored.
   */
  async reload(runId: string): Promise<LoadedRun | null> {
    const run = (await this.storage.runs()).find((r) => r.runId === runId);
    if (!run || this.deleted.has(runId)) return null;
    const loaded = await this.bring(run, true);
    await this.flush();
    return loaded;
  }

  /** Stops keeping a run another tab now trains (its records stay in storage: the owner writes them). */
  drop(runId: string): void {
    this.meta.delete(runId);
    this.dirty.delete(runId);
    this.events = this.events.filter((e) => e.runId !== runId);
    this.rewinds.delete(runId);
    this.checkpoints.delete(`${runId}|last`);
    this.checkpoints.delete(`${runId}|best`);
  }

  /** A stored run with its events and checkpoints; `keep`: this recorder writes it from now on. */
  private async bring(run: StoredRun, keep: boolean): Promise<LoadedRun> {
    if (keep && ACTIVE_STATUSES.includes(run.status)) {
      run.status = 'interrupted';
      run.message = 'Interrupted when the page was closed or reloaded. Resume continues from its last checkpoint.';
    }
    const [events, last, best] = await Promise.all([
      this.storage.events(run.runId),
      this.storage.checkpoint(run.runId, 'last'),
      this.storage.checkpoint(run.runId, 'best'),
    ]);
    if (last && keep) run.message = run.status === 'interrupted' ? `Interrupted when the page was closed or reloaded. Resume continues from ${resumePoint(last)}.` : run.message;
    if (keep) {
      this.meta.set(run.runId, run);
      this.dirty.add(run.runId);
    }
    const anyCheckpoint = last ?? best;
    return {
      run,
      saved: {
        info: run.info,
        status: run.status,
        ...(run.message !== undefined ? { message: run.message } : {}),
        notes: run.notes,
        events,
        checkpoints: { last: last?.epoch ?? null, best: best?.epoch ?? null },
        ...(keep ? {} : { elsewhere: true }),
      },
      last: last ? { epoch: last.epoch, step: last.step, ...(last.batch ? { batch: last.batch } : {}), weights: last.weights } : null,
      best: best ? { epoch: best.epoch, step: best.step, weights: best.weights, score: best.score ?? 0, scores: best.scores ?? [] } : null,
      host: anyCheckpoint ? { tasks: anyCheckpoint.tasks, vocabularies: anyCheckpoint.vocabularies } : null,
    };
  }

  private update(runId: string, change: (run: StoredRun) => void): void {
    const run = this.meta.get(runId);
    if (!run || this.deleted.has(runId)) return;
    change(run);
    run.updatedAt = this.now();
    this.touch(runId);
  }

  private append(runId: string, event: StoredEvent): void {
    if (this.deleted.has(runId) || !this.meta.has(runId)) return;
    this.events.push({ runId, event });
    this.schedule();
  }

  private touch(runId: string): void {
    this.dirty.add(runId);
    this.schedule();
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => void this.flush(), this.flushMs);
  }

  private async write(): Promise<void> {
    const runs = [...this.dirty].flatMap((id) => {
      const run = this.meta.get(id);
      return run ? [structuredClone(run)] : [];
    });
    const events = this.events;
    const checkpoints = [...this.checkpoints.values()];
    const rewinds = this.rewinds;
    if (runs.length === 0 && events.length === 0 && checkpoints.length === 0 && rewinds.size === 0) return;
    // Taken out of the queue now; put back in front of newer ones if the write fails.
    this.dirty.clear();
    this.events = [];
    this.checkpoints.clear();
    this.rewinds = new Map();
    let stage = 'rewinds';
    try {
      // Every stored event is older than these rewinds; the events appended below are newer.
      for (const [runId, step] of rewinds) {
        if (!this.deleted.has(runId)) await this.storage.deleteEvents(runId, (event) => undoneByRewind(event, step));
        rewinds.delete(runId);
      }
      stage = 'runs';
      if (runs.length > 0) await this.storage.putRuns(runs);
      stage = 'events';
      if (events.length > 0) await this.storage.appendEvents(events);
      stage = 'checkpoints';
      if (checkpoints.length > 0) await this.storage.putCheckpoints(checkpoints);
    } catch (error) {
      // Rewinds not done yet stay first in line (a newer rewind of the same run cuts at least as far).
      for (const [runId, step] of rewinds) this.rewinds.set(runId, Math.min(step, this.rewinds.get(runId) ?? step));
      if (stage === 'rewinds' || stage === 'runs') for (const run of runs) if (!this.deleted.has(run.runId)) this.dirty.add(run.runId);
      if (stage === 'rewinds' || stage === 'runs' || stage === 'events') this.events = [...events.filter((e) => !this.deleted.has(e.runId)), ...this.events];
      for (const c of checkpoints) {
        const key = `${c.runId}|${c.kind}`;
        if (!this.checkpoints.has(key) && !this.deleted.has(c.runId)) this.checkpoints.set(key, c);
      }
      this.failing = true;
      const what = describePending(this.pending());
      const message = isQuotaError(error)
        ? `The browser's storage is full: ${what} could not be saved. Delete runs to free space; they stay in memory and are saved with the next write.`
        : `Saving runs failed (${messageOf(error)}): ${what} not saved yet; retrying with the next write.`;
      this.options.onStorage({ ok: false, message });
      this.schedule();
      return;
    }
    if (this.failing) {
      this.failing = false;
      this.options.onStorage({ ok: true, message: 'Runs are saved again.' });
    }
  }
}

function runOrder(runId: string): number {
  const n = /^run-(\d+)$/.exec(runId);
  return n ? Number(n[1]) : Number.MAX_SAFE_INTEGER;
}

function describePending({ runs, events, checkpoints }: { runs: number; events: number; checkpoints: number }): string {
  const parts = [
    runs > 0 ? `${runs} run record${runs === 1 ? '' : 's'}` : '',
    events > 0 ? `${events} event${events === 1 ? '' : 's'}` : '',
    checkpoints > 0 ? `${checkpoints} checkpoint${checkpoints === 1 ? '' : 's'}` : '',
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'nothing';
}
