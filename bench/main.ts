/**
 * The benchmark page: `window.runBench(request)` runs one benchmark in a fresh module worker (the
 * same kind of worker as the trainer's) and resolves with its reply. Driven by `bench.spec.ts`.
 */
import { PROGRESS_PREFIX, type BenchProgress, type BenchReply, type BenchRequest, type BenchWindow } from './protocol.ts';

(window as unknown as BenchWindow).runBench = (request: BenchRequest) =>
  new Promise<BenchReply>((resolve) => {
    const worker = new Worker(new URL('../workers/bench.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<BenchReply | BenchProgress>) => {
      // Progress goes to the console, where the spec reads it; the one reply ends the run.
      if ('progress' in event.data) {
        console.log(PROGRESS_PREFIX + JSON.stringify(event.data));
        return;
      }
      worker.terminate();
      resolve(event.data);
    };
    worker.onerror = (event) => {
      worker.terminate();
      resolve({ ok: false, error: event.message || 'worker error' });
    };
    worker.postMessage(request);
  });
