/**
 * What the page keeps so that a new trainer worker can take over when the old one dies. With
 * IndexedDB the new worker finds everything in storage (the current dataset with its test file,
 * each run's dataset and checkpoints), so the page keeps nothing here. Only where the worker has no
 * IndexedDB (its storage is memory: `storageKnown(false)`), the page keeps where the dataset came
 * from (the built-in sample, or the dropped Files and column choices) and each run's latest and
 * best checkpoints (the worker then copies them here). Until the worker says which, the Files are
 * kept. Plain data outside the zustand state: weights are not something React renders.
 */
import type { ColumnOverride, AdoptedRun, RunCheckpoint, RunStatus, TaskScore, WorkerEvent } from '../../protocol.ts';
import type { RunState } from './runsSlice.ts';

/**
 * The page's copy of where the dataset came from, to load it into a new worker without IndexedDB:
 * the sample, or the dropped File with its column choices; `added`: files added to it, in order.
 * (The worker's own record of the dataset, with its bytes, is its `DatasetSource`.)
 */
export type ReloadableDataset = ({ kind: 'sample' } | { kind: 'file'; file: File; overrides: ColumnOverride[] }) & { added?: File[] };

interface Kept {
  last: RunCheckpoint;
  best: (RunCheckpoint & { score: number; scores: TaskScore[] }) | null;
}

/** Runs that a new worker takes over; completed and stopped runs keep their history only. */
const RESUMABLE: readonly RunStatus[] = ['running', 'paused', 'queued', 'failed', 'interrupted'];

export class WorkerRecovery {
  /** The source of the dataset each run trained on, by dataset name. */
  private readonly sources = new Map<string, ReloadableDataset>();
  private current: ReloadableDataset | null = null;
  private currentName: string | null = null;
  private readonly checkpoints = new Map<string, Kept>();
  /** Whether the worker keeps datasets in IndexedDB; null until it says (the Files are kept meanwhile). */
  private persistent: boolean | null = null;

  /** The worker said where it keeps datasets: with IndexedDB the page's copies are not needed. */
  storageKnown(persistent: boolean): void {
    this.persistent = persistent;
    if (!persistent) return;
    this.sources.clear();
    this.current = null;
    this.currentName = null;
  }

  /** The dataset now loaded in the worker. */
  datasetLoaded(name: string, source: ReloadableDataset): void {
    if (this.persistent === true) return;
    this.current = source;
    this.currentName = name;
  }

  /** The dataset the page shows, to load into a new worker. */
  currentSource(): { name: string; source: ReloadableDataset } | null {
    return this.current && this.currentName !== null ? { name: this.currentName, source: this.current } : null;
  }

  /** A file was added to the loaded dataset, which is now called `name`. */
  fileAdded(name: string, file: File): void {
    if (!this.current) return;
    this.current = { ...this.current, added: [...(this.current.added ?? []), file] };
    this.currentName = name;
  }

  overridesApplied(overrides: ColumnOverride[]): void {
    if (this.current?.kind === 'file') this.current = { ...this.current, overrides };
  }

  /** Keeps checkpoints, and remembers which dataset a new run trains on. */
  observe(event: WorkerEvent): void {
    if (event.type === 'run-started' && this.current && this.currentName === event.run.datasetName) {
      this.sources.set(event.run.datasetName, this.current);
    }
    if (event.type !== 'checkpoint') return;
    const previous = this.checkpoints.get(event.runId);
    const best = event.best ? { ...event.checkpoint, score: event.score, scores: event.scores } : (previous?.best ?? null);
    this.checkpoints.set(event.runId, { last: event.checkpoint, best });
  }

  /** A deleted run: its checkpoints are not kept for a new worker. */
  forget(runId: string): void {
    this.checkpoints.delete(runId);
  }

  /** The dataset the dead worker's resumable runs need (the latest such run's), if the page has it. */
  datasetFor(runs: readonly RunState[]): { name: string; source: ReloadableDataset } | null {
    const wanted = runs.filter((r) => RESUMABLE.includes(r.status)).map((r) => r.info.datasetName);
    const name = wanted[wanted.length - 1] ?? this.currentName;
    const source = name !== null ? (this.sources.get(name) ?? (name === this.currentName ? this.current : null)) : null;
    return name !== null && source ? { name, source } : null;
  }

  /**
   * The runs to hand to a new worker: every resumable run (trained on `datasetName`, unless null),
   * marked with what happened. Runs that were training are `failed` (`died`: the worker adds where
   * Resume continues from); interrupted ones stay interrupted.
   */
  restoredRuns(runs: readonly RunState[], datasetName: string | null, message: (run: RunState) => string): AdoptedRun[] {
    return runs
      .filter((run) => RESUMABLE.includes(run.status) && (datasetName === null || run.info.datasetName === datasetName))
      .map((run) => {
        const kept = this.checkpoints.get(run.info.runId);
        const settled = run.status === 'interrupted' || run.status === 'failed' ? run.message : undefined;
        return {
          info: run.info,
          config: run.config,
          status: run.status === 'interrupted' ? 'interrupted' : 'failed',
          message: settled ?? message(run),
          died: settled === undefined,
          last: kept?.last ?? null,
          best: kept?.best ?? null,
        };
      });
  }
}
