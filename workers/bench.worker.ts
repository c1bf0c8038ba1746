/**
 * The speed benchmark in a browser worker (`npm run bench:browser`): the same `runBenchmark` as
 * `mtaa bench` in Node, on the backend the page asks for, started the way the trainer worker starts
 * it (`BackendManager`: WASM single-threaded from the app's origin, WebGPU after an adapter check).
 * The page posts the CoNLL text; the worker answers with the result or the error.
 */
import { messageOf } from '../src/core/errors.ts';
import { loadDataset } from '../src/data/index.ts';
import { adapterReport, type AdapterLike } from '../src/train/adapterReport.ts';
import { runBenchmark, type AdapterReport } from '../src/train/benchmark.ts';
import type { BenchProgress, BenchReply, BenchRequest } from '../bench/protocol.ts';
import { BackendManager } from './backends.ts';
import { BrowserGradientPools } from './gradientPeers.ts';

/** A loss or an uncaptured error of the device during a request: its figures would not be honest. */
let fault: string | null = null;
const manager = new BackendManager({
  onLost: (backend, reason, kind) => {
    fault = `${backend} ${kind === 'lost' ? 'was lost' : 'reported an error'} (${reason})`;
  },
});
// As the trainer worker does: on WASM/CPU, steps also use the other cores.
const pools = new BrowserGradientPools();

/** What the browser's WebGPU adapter is (the one tfjs-webgpu requests, with its default options). */
async function webgpuAdapter(): Promise<AdapterReport | undefined> {
  const gpu = (self.navigator as Navigator & { gpu?: { requestAdapter(): Promise<AdapterLike | null> } }).gpu;
  const adapter = await gpu?.requestAdapter();
  return adapter ? adapterReport(adapter) : undefined;
}

self.onmessage = async (event: MessageEvent<BenchRequest>) => {
  const request = event.data;
  let reply: BenchReply;
  try {
    fault = null;
    const info = await manager.switchTo(request.backend);
    // switchTo falls through to the next backend on failure: a benchmark must not.
    if (info.name !== request.backend) throw new Error(`${request.backend} did not start (${info.message ?? 'fell back to ' + info.name})`);
    const data = loadDataset('bench.conll', request.text);
    const pool = pools.poolFor(info.name);
    const adapter = info.name === 'webgpu' ? await webgpuAdapter() : undefined;
    const result = await runBenchmark({
      preset: request.preset,
      tasks: data.tasks,
      sentences: data.sentences.slice(0, request.sentences),
      batchSize: request.batchSize,
      paddedLengths: request.paddedLengths,
      plan: request.plan,
      onProgress: (progress, at) => self.postMessage({ progress, ...(at ? { at } : {}) } satisfies BenchProgress),
      ...(adapter ? { adapter } : {}),
      ...(pool ? { pool } : {}),
    });
    if (fault) throw new Error(fault);
    reply = { ok: true, result, adapter: info.adapter };
  } catch (error) {
    reply = { ok: false, error: messageOf(error) };
  }
  self.postMessage(reply);
};
