/**
 * Gradient peers for the trainer worker: nested workers (src/train/gradientPool.ts explains the
 * data-parallel step), on WASM or CPU only (on a GPU backend the work is not on this CPU's cores).
 */
import { wrap } from 'comlink';
import type { GradientPeerApi } from '../src/train/parallel/wire.ts';
import { GradientPool, type GradientPeerHandle } from '../src/train/parallel/gradientPool.ts';

/**
 * Peers besides the trainer worker itself: one per core beyond two, at most 3 (each holds a
 * replica). One core is left to the page: with every core training, the main thread waits for a
 * core behind the trainer and its peers, and beside any other busy process on a 2-core machine a
 * frame of a few milliseconds stretched past the 50 ms long-task budget (1 repetition in 5 of the
 * ten-run journey, e2e/longTasks.spec.ts; 0 in 6 with the core left free: BENCHMARKS.md).
 */
export function peerCount(): number {
  const cores = typeof navigator === 'object' && navigator.hardwareConcurrency > 0 ? navigator.hardwareConcurrency : 1;
  return Math.max(0, Math.min(3, cores - 2));
}

/**
 * Keeps one pool for the backend running now: asked on a CPU backend, it starts the peers (they
 * load while the trainer builds its model; the first step waits for them); asked on another
 * backend, or after the backend changed, it ends the old peers.
 */
export class BrowserGradientPools {
  private current: { pool: GradientPool; workers: Worker[] } | null = null;

  constructor(private readonly count = peerCount()) {}

  poolFor(backend: string): GradientPool | undefined {
    if (this.current && (this.current.pool.backend !== backend || !this.current.pool.usable)) this.close();
    if ((backend !== 'wasm' && backend !== 'cpu') || this.count === 0) return undefined;
    if (!this.current) {
      const workers = Array.from({ length: this.count }, () => new Worker(new URL('./gradientPeer.worker.ts', import.meta.url), { type: 'module' }));
      const peers = workers.map((worker): GradientPeerHandle => {
        const remote = wrap<GradientPeerApi>(worker);
        const started = remote.start(backend).then((name) => {
          if (name !== backend) throw new Error(`a gradient peer started ${name}, not ${backend}`);
        });
        // Seen by the first step's init (which then trains on this thread alone), not unhandled before it.
        started.catch(() => {});
        return {
          init: async (replica, init) => {
            await started;
            await remote.init(replica, init);
          },
          compute: (request) => remote.compute(request),
          evaluate: (request) => remote.evaluate(request),
          drop: async (replica) => {
            await started;
            await remote.drop(replica);
          },
        };
      });
      this.current = { pool: new GradientPool(peers, backend), workers };
    }
    return this.current.pool;
  }

  /** Threads a step on `backend` uses: this worker and the peers, unless they failed there. */
  threadsFor(backend: string): number {
    if ((backend !== 'wasm' && backend !== 'cpu') || this.count === 0) return 1;
    const failed = this.current !== null && this.current.pool.backend === backend && !this.current.pool.usable;
    return failed ? 1 : this.count + 1;
  }

  close(): void {
    for (const worker of this.current?.workers ?? []) worker.terminate();
    this.current = null;
  }
}
