/**
 * The session's run table: every run by id, in the order they entered, and the run ids and names
 * they hold. Every run enters through `create` (started, sibling, restored from storage, imported,
 * continued or adopted), so ids and names are kept unique in one place.
 */
import { renameProblem, uniqueRunName } from '../../core/runNames.ts';
import type { RunInfo } from '../../core/events.ts';
import { newRunRecord, SessionError, type RunIdentity, type RunRecord } from './runRecord.ts';

export class RunRegistry<H> {
  private readonly runs = new Map<string, RunRecord<H>>();
  private readonly order: string[] = [];
  /** The highest `run-N` number seen here. */
  private counter = 0;
  /** An id reserved across tabs for the run being created now (`withRunId`). */
  private reservedId: string | null = null;

  /** The run `runId`, or undefined when this session does not know it. */
  find(runId: string): RunRecord<H> | undefined {
    return this.runs.get(runId);
  }

  /** The run `runId`; a SessionError when there is none. */
  get(runId: string): RunRecord<H> {
    const rec = this.runs.get(runId);
    if (!rec) throw new SessionError(`There is no run ${runId}.`);
    return rec;
  }

  /** Every run, in no particular order. */
  all(): IterableIterator<RunRecord<H>> {
    return this.runs.values();
  }

  /** Every run's info, in run order. */
  infos(): RunInfo[] {
    return this.order.map((id) => this.get(id).info);
  }

  /** The run that entered last, if any. */
  latest(): RunRecord<H> | undefined {
    return this.runs.get(this.order[this.order.length - 1] ?? '');
  }

  /** The highest `run-N` number this session has seen: a new id reserved across tabs goes above it. */
  get runNumber(): number {
    return this.counter;
  }

  /** The id the next new run gets: the one reserved for it (across tabs), else the next number here. */
  nextRunId(): string {
    return this.reservedId ?? `run-${this.counter + 1}`;
  }

  /**
   * Creates a run (`create`) under `runId`, an id reserved across tabs (src/workbench/tabs/runIds.ts).
   * `create` runs synchronously, so no other run can take the id meanwhile.
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
   * The one way a run enters the session: its record, idle, in the table and the run order. A run
   * that brings its own id (stored, adopted) moves the counter past it, so new ids never clash.
   */
  create(identity: RunIdentity<H>): RunRecord<H> {
    const { runId } = identity.info;
    if (this.runs.has(runId)) throw new SessionError(`There is already a run ${runId}.`);
    const number = /^run-(\d+)$/.exec(runId);
    if (number) this.counter = Math.max(this.counter, Number(number[1]));
    const rec = newRunRecord<H>(identity);
    this.runs.set(runId, rec);
    this.order.push(runId);
    return rec;
  }

  /** Takes a run out of the table (its tensors are the caller's to free). */
  remove(runId: string): void {
    this.runs.delete(runId);
    const at = this.order.indexOf(runId);
    if (at >= 0) this.order.splice(at, 1);
  }

  /** `label`, or `label 2`, `label 3`… when a run has it: two runs never share a name. */
  freeName(label: string): string {
    return uniqueRunName(label, [...this.runs.values()].map((r) => r.info.label));
  }

  /** Renames a run; an empty name or another run's is refused. */
  rename(runId: string, label: string): void {
    const rec = this.get(runId);
    const problem = renameProblem(label, runId, [...this.runs.values()].map((r) => r.info));
    if (problem) throw new SessionError(problem);
    rec.info.label = label.trim();
  }
}
