/**
 * Backend failover: a switch of the backend (asked for by the page, or by a failed run's resume)
 * interrupts the runs that train on the old one; a lost or failing device fails its runs (their host
 * checkpoints stay) and moves tfjs to the next backend. Switches are serialised: each halts runs and
 * awaits tfjs.
 */
import type { Backend } from '../../core/config.ts';
import { ACTIVE_STATUSES } from '../../core/runState.ts';
import type { BackendFault, BackendInfo } from '../../protocol.ts';
import type { RunHandle } from '../../train/runEngine.ts';
import type { RunLoop } from './runLoop.ts';
import { resumePoint, type RunRecord, type SessionDeps } from './runRecord.ts';

export class Failover<H extends RunHandle> {
  /** Serialises backend switches (each one halts runs and awaits tfjs). */
  private switching: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly deps: SessionDeps<H>,
    private readonly loop: RunLoop<H>,
    /** Every run the session holds. */
    private readonly runs: () => Iterable<RunRecord<H>>,
  ) {}

  switchBackend(name: Backend, except: RunRecord<H> | null): Promise<BackendInfo> {
    const run = async () => {
      if (name !== this.deps.backends.active()) {
        const active = [...this.runs()].filter((r) => r !== except && ACTIVE_STATUSES.includes(r.status));
        await Promise.all(
          active.map((r) =>
            this.loop.halt(
              r,
              'interrupted',
              `Interrupted by the switch from ${r.backend} to ${name}. Resume continues from ${resumePoint(r.last)}.`,
            ),
          ),
        );
      }
      const info = await this.deps.backends.switchTo(name);
      this.deps.emit({ type: 'backend', backend: info });
      return info;
    };
    const next = this.switching.then(run, run);
    this.switching = next.catch(() => undefined);
    return next;
  }

  /**
   * The device under `backend` is gone (WebGPU `device.lost`, a context loss) or reported an error:
   * every run on it fails (its host checkpoints stay) and tfjs moves to the next backend.
   */
  async backendLost(backend: Backend, reason: string, fault: BackendFault = 'lost'): Promise<BackendInfo | null> {
    const affected = [...this.runs()].filter((r) => r.backend === backend && ACTIVE_STATUSES.includes(r.status));
    const next = this.deps.backends.next(backend);
    await Promise.all(
      affected.map((r) =>
        this.loop.halt(
          r,
          'failed',
          `${fault === 'lost' ? `The ${backend} device was lost` : `The ${backend} backend reported an error`} (${reason}). ` +
            `Resume continues from ${resumePoint(r.last)}${next ? ` on ${next}` : ''}.`,
        ),
      ),
    );
    return next && next !== this.deps.backends.active() ? this.switchBackend(next, null) : null;
  }
}
