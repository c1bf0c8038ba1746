/** Messages between the benchmark page and `workers/bench.worker.ts` (types, and the console prefix of progress). */
import type { Backend } from '../src/protocol.ts';
import type { PresetName } from '../src/core/config.ts';
import type { BenchResult, WorkAtLength } from '../src/train/benchmark.ts';
import type { BenchPlan } from '../src/train/benchPlan.ts';

export interface BenchRequest {
  backend: Backend;
  preset: PresetName;
  /** CoNLL text; its first `sentences` sentences are used. */
  text: string;
  sentences: number;
  batchSize: number;
  /** Padded lengths at which to count one step's and one decode batch's work (`BenchOptions`). */
  paddedLengths: number[];
  /** Which passes to make (`BenchOptions.plan`). */
  plan: BenchPlan;
}

export type BenchReply = { ok: true; result: BenchResult; adapter: string } | { ok: false; error: string };

/** What the worker tells while it runs (`BenchOptions.onProgress`), before its one reply. */
export interface BenchProgress {
  progress: string;
  at?: WorkAtLength;
}

/** The console line prefix under which the page passes progress to `bench.spec.ts`. */
export const PROGRESS_PREFIX = 'bench-progress ';

/** What `bench/main.ts` puts on the page's window. */
export interface BenchWindow {
  runBench(request: BenchRequest): Promise<BenchReply>;
}
