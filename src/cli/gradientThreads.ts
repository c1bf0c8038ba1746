/**
 * Gradient peers on Node worker threads for the CLI's trainers (`--threads`): each thread runs its
 * own single-threaded tfjs WASM (or cpu) backend, so a step uses as many cores as there are threads.
 */
import { messageOf } from '../core/errors.ts';
import { wrap, type Remote } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { GradientPeerApi } from '../train/parallel/wire.ts';
import { GradientPool } from '../train/parallel/gradientPool.ts';

/** Threads by default: the machine's cores, at most 4 (each holds a replica of the weights). */
export function defaultThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

export interface ThreadPool {
  pool: GradientPool;
  close(): Promise<void>;
}

/**
 * Starts `threads - 1` peer threads on `backend` (the calling thread is the first of `threads`).
 * Null when there is nothing to start (one thread, or a backend whose work is not on this CPU) or
 * the threads did not start (`warn` says why; training then runs on one thread).
 */
export async function startGradientThreads(threads: number, backend: string, warn: (message: string) => void): Promise<ThreadPool | null> {
  if (threads <= 1 || (backend !== 'wasm' && backend !== 'cpu')) return null;
  const workers = Array.from({ length: threads - 1 }, () => new Worker(new URL('./gradientPeerThread.mjs', import.meta.url)));
  const close = async () => {
    await Promise.all(workers.map((w) => w.terminate()));
  };
  try {
    const peers: Remote<GradientPeerApi>[] = workers.map((w) => wrap<GradientPeerApi>(nodeEndpoint(w)));
    const started = await Promise.all(peers.map((p) => p.start(backend)));
    const wrong = started.find((name) => name !== backend);
    if (wrong) throw new Error(`a thread started ${wrong}, not ${backend}`);
    return { pool: new GradientPool(peers, backend), close };
  } catch (error) {
    await close();
    warn(`the gradient threads did not start (${messageOf(error)}); training runs on one thread`);
    return null;
  }
}
