/**
 * `npm run bench:browser`: `runBenchmark` in a headless-Chromium module worker, once per backend
 * the browser offers, printing the same JSON as `mtaa bench --json` (also written to
 * test-results/bench-browser.json). Not part of `npm test`: it measures, it does not check.
 *
 * Environment: BENCH_DATA (CoNLL file; default ../shared/data/conll2003/eng.train),
 * BENCH_PRESETS (default `small`), BENCH_SENTENCES (default 1024), BENCH_BATCH_SIZE (default 64),
 * BENCH_BACKENDS (default `wasm,webgpu`). WebGPU in headless Chromium is a software adapter, ~10×
 * slower than WASM, so it runs BENCH_WEBGPU_PRESETS (default `tiny`) on BENCH_WEBGPU_SENTENCES
 * (default 320: two untimed batches of 64, three timed) only. A WebGPU loss or validation error
 * during a measurement fails it (listed under `skipped`). BENCH_LENGTHS (default `10,20,40` on
 * WebGPU, none on the others; `none`): padded lengths at which one step's and one decode batch's
 * work is counted (real dispatches on WebGPU). A software adapter is labelled `software: true`.
 *
 * What the run does (`src/train/benchPlan.ts`): BENCH_TIMING=off skips the speed pass (warm-up
 * batches, timed steps, decoding every sentence; one small warm-up step instead) and reports counts
 * only; BENCH_MEDIAN=off skips counting the data's median batch; BENCH_STEPS=N counts N real steps
 * per padded length. On SwiftShader, where a batch-64 `paper` step takes minutes, the issue-13 count
 * is `BENCH_TIMING=off BENCH_MEDIAN=off BENCH_STEPS=1`: one step and one decode batch per length.
 * BENCH_TIMEOUT_MIN (default 60): the whole run's limit. Each result carries its wall time, and the
 * report the machine's load averages before and after.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { test } from '@playwright/test';
import { benchPlanFromEnv, plannedWork } from '../src/train/benchPlan.ts';
import { benchSummary } from '../src/train/benchSummary.ts';
import { PROGRESS_PREFIX, type BenchProgress, type BenchReply, type BenchRequest, type BenchWindow } from './protocol.ts';

const env = (name: string, fallback: string) => process.env[name] ?? fallback;
const dataPath = env('BENCH_DATA', fileURLToPath(new URL('../../shared/data/conll2003/eng.train', import.meta.url)));

function lengths(value: string): number[] {
  if (value === 'none' || value === '') return [];
  const list = value.split(',').map(Number);
  if (list.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`BENCH_LENGTHS takes positive integers (got ${value})`);
  return list;
}

test('benchmark in a browser worker', async ({ page, browserName }) => {
  test.setTimeout(Number(env('BENCH_TIMEOUT_MIN', '60')) * 60_000);
  const loadBefore = loadavg();
  const text = readFileSync(dataPath, 'utf8');
  await page.goto('/bench/index.html');
  await page.waitForFunction(() => typeof (window as unknown as Partial<BenchWindow>).runBench === 'function');
  const offersWebGpu = await page.evaluate(async () => {
    const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
    return !!gpu && !!(await gpu.requestAdapter());
  });
  const results: unknown[] = [];
  // Each length's counts as they come (test-results/bench-browser.partial.json): a run cut short on
  // a slow adapter keeps the lengths it finished.
  const partial: Array<{ preset: string; backend: string } & Required<BenchProgress>['at']> = [];
  let current = { preset: '', backend: '' };
  page.on('console', (message) => {
    const text = message.text();
    if (!text.startsWith(PROGRESS_PREFIX)) return;
    const { progress, at } = JSON.parse(text.slice(PROGRESS_PREFIX.length)) as BenchProgress;
    process.stderr.write(`bench:browser ${new Date().toISOString()} ${current.backend}/${current.preset}: ${progress}\n`);
    if (!at) return;
    partial.push({ ...current, ...at });
    mkdirSync('test-results', { recursive: true });
    writeFileSync('test-results/bench-browser.partial.json', `${JSON.stringify(partial, null, 1)}\n`);
  });
  const skipped: string[] = [];
  for (const backend of env('BENCH_BACKENDS', 'wasm,webgpu').split(',') as BenchRequest['backend'][]) {
    if (backend === 'webgpu' && !offersWebGpu) {
      skipped.push('webgpu: no adapter');
      continue;
    }
    const gpu = backend === 'webgpu' || backend === 'webgl';
    const presets = (gpu ? env('BENCH_WEBGPU_PRESETS', 'tiny') : env('BENCH_PRESETS', 'small')).split(',');
    const paddedLengths = lengths(env('BENCH_LENGTHS', backend === 'webgpu' ? '10,20,40' : 'none'));
    const plan = benchPlanFromEnv(process.env, paddedLengths);
    for (const preset of presets as BenchRequest['preset'][]) {
      const request: BenchRequest = {
        backend,
        preset,
        text,
        sentences: Number(gpu ? env('BENCH_WEBGPU_SENTENCES', '320') : env('BENCH_SENTENCES', '1024')),
        batchSize: Number(env('BENCH_BATCH_SIZE', '64')),
        paddedLengths,
        plan,
      };
      // At most: the data may hold fewer sentences than asked for.
      const batches = Math.ceil(request.sentences / request.batchSize);
      const planned = plannedWork(plan, batches, paddedLengths.length);
      process.stderr.write(`bench:browser ${new Date().toISOString()} ${backend}/${preset}: at most ${planned.steps} training steps and ${planned.decodeBatches} decode batches (${JSON.stringify(plan)})\n`);
      const started = performance.now();
      current = { preset, backend };
      const reply: BenchReply = await page.evaluate((r) => (window as unknown as BenchWindow).runBench(r), request);
      if (!reply.ok) {
        // The software WebGPU adapter of headless Chromium is unreliable; a GPU failure is reported
        // (under `skipped`) rather than losing the CPU figures of the same run.
        if (gpu) {
          skipped.push(`${backend}/${preset}: ${reply.error}`);
          continue;
        }
        throw new Error(`${backend}/${preset}: ${reply.error}`);
      }
      results.push({ ...reply.result, adapterDescription: reply.adapter, wallSeconds: (performance.now() - started) / 1000 });
      process.stderr.write(`bench:browser ${benchSummary(reply.result)}`);
    }
  }
  const userAgent = await page.evaluate(() => navigator.userAgent);
  const machine = { browser: browserName, userAgent, date: new Date().toISOString(), loadAverage: { before: loadBefore, after: loadavg() } };
  const report = { machine, data: dataPath, results, skipped };
  mkdirSync('test-results', { recursive: true });
  writeFileSync('test-results/bench-browser.json', `${JSON.stringify(report, null, 1)}\n`);
  process.stdout.write(`${JSON.stringify(report)}\n`);
});
