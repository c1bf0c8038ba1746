/**
 * One chart redraw per macrotask. A redraw costs a few ms, but when an epoch ends a dozen charts
 * change at once and, drawn in one React commit on a slow machine, they can add up to a long
 * main-thread task. Queued here, each chart draws in a task of its own, the next one starting only
 * after the previous one committed (or after `RELEASE_MS`, should a chart unmount mid-draw), so
 * input and paint get their turn between charts.
 *
 * A chart has at most one pending draw: queueing again replaces the pending job in place (the
 * latest props win, the chart keeps its turn).
 */

export interface DrawTicket {
  /** Called by the chart once the draw committed: lets the next chart draw. */
  done(): void;
  /** Drops a pending job (unmount); releases the queue if this job is the one drawing. */
  cancel(): void;
}

interface Job {
  owner: object;
  run: () => void;
}

/** Waiting no longer than this for a chart to report its commit. */
const RELEASE_MS = 250;

type Schedule = (fn: () => void, ms: number) => unknown;

export class DrawQueue {
  private readonly pending: Job[] = [];
  private drawing: Job | null = null;
  private timer: unknown = null;
  private releaseTimer: unknown = null;

  constructor(
    private readonly schedule: Schedule = (fn, ms) => setTimeout(fn, ms),
    private readonly unschedule: (handle: unknown) => void = (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  ) {}

  /** Queues `run` (replacing `owner`'s pending job, if any) and returns its ticket. */
  enqueue(owner: object, run: () => void): DrawTicket {
    const existing = this.pending.find((job) => job.owner === owner);
    const job = existing ?? { owner, run };
    job.run = run;
    if (!existing) this.pending.push(job);
    this.pump();
    return {
      done: () => {
        if (this.drawing === job) this.release();
      },
      cancel: () => {
        const index = this.pending.indexOf(job);
        if (index >= 0) this.pending.splice(index, 1);
        if (this.drawing === job) this.release();
      },
    };
  }

  /** Jobs waiting (not counting the one drawing). */
  get size(): number {
    return this.pending.length;
  }

  private pump(): void {
    if (this.drawing || this.timer !== null || this.pending.length === 0) return;
    this.timer = this.schedule(() => {
      this.timer = null;
      const job = this.pending.shift();
      if (!job) return;
      this.drawing = job;
      this.releaseTimer = this.schedule(() => this.release(), RELEASE_MS);
      job.run();
    }, 0);
  }

  private release(): void {
    if (this.releaseTimer !== null) this.unschedule(this.releaseTimer);
    this.releaseTimer = null;
    this.drawing = null;
    this.pump();
  }
}

/** The page's one queue: every live chart draws through it. */
export const chartDrawQueue = new DrawQueue();
