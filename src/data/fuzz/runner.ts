/**
 * The seeded fuzz runner: asks each target for case after case (case i of seed s is always the same
 * input, so a failure is replayed with `--seed s --case i`), runs it, and sorts the outcome into
 * success, the typed error the target promises, or a failure (any other exception, or a case slower
 * than `slowMs`, which is how a hang shows up in a synchronous parser). Pure TypeScript.
 */
import { createRng } from '../prng.ts';
import type { Rng } from './mutators.ts';

export interface FuzzCase {
  /** The mutation that made it, e.g. `truncate` or `100k-token sentence`. */
  strategy: string;
  /** The file name the input is read under: typed errors must name it. */
  file: string;
  input: Uint8Array | string;
}

export interface FuzzTarget {
  name: string;
  /** Case `index` of this target; `rng` is seeded from (seed, target, index). */
  generate(rng: Rng, index: number): FuzzCase;
  /** Reads the case; returns on success, throws on rejection. */
  run(fuzzCase: FuzzCase): void;
  /**
   * The label of a typed error (`DataError:ragged`) when `error` is one this target promises and it
   * names the case's file and its line or field; null for anything else (a bug).
   */
  classify(error: unknown, fuzzCase: FuzzCase): string | null;
}

export interface FuzzFailure {
  target: string;
  index: number;
  strategy: string;
  file: string;
  problem: string;
}

export interface FuzzReport {
  seed: number;
  cases: number;
  ok: number;
  typed: number;
  failures: FuzzFailure[];
  /** Outcomes by target, then by `ok` or typed error label. */
  byTarget: Record<string, Record<string, number>>;
  /** Cases by strategy. */
  byStrategy: Record<string, number>;
  slowestMs: number;
  seconds: number;
}

export interface FuzzOptions {
  seed: number;
  /** Cases in total, spread round-robin over the targets. */
  cases: number;
  /** A case slower than this counts as a hang (default 5 s). */
  slowMs?: number;
  /** Replay one case index only. */
  only?: number;
  onProgress?: (done: number, total: number) => void;
}

/** A stable 32-bit seed per (seed, target, index): cases do not shift when another target is added. */
function caseSeed(seed: number, target: string, index: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (let i = 0; i < target.length; i++) h = Math.imul(h ^ target.charCodeAt(i), 0x01000193) >>> 0;
  return Math.imul(h ^ index, 0x85ebca6b) >>> 0;
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 300);
  return String(error).slice(0, 300);
}

const now = () => (typeof performance === 'undefined' ? Date.now() : performance.now());

export function runFuzz(targets: readonly FuzzTarget[], options: FuzzOptions): FuzzReport {
  const slowMs = options.slowMs ?? 5000;
  const report: FuzzReport = { seed: options.seed, cases: 0, ok: 0, typed: 0, failures: [], byTarget: {}, byStrategy: {}, slowestMs: 0, seconds: 0 };
  const started = now();
  const first = options.only ?? 0;
  const end = options.only !== undefined ? options.only + 1 : options.cases;
  for (let index = first; index < end; index++) {
    const target = targets[index % targets.length]!;
    const rng = createRng(caseSeed(options.seed, target.name, index));
    let fuzzCase: FuzzCase;
    try {
      fuzzCase = target.generate(rng, index);
    } catch (error) {
      report.failures.push({ target: target.name, index, strategy: 'generate', file: '', problem: `the generator threw ${describe(error)}` });
      continue;
    }
    const fail = (problem: string) =>
      report.failures.push({ target: target.name, index, strategy: fuzzCase.strategy, file: fuzzCase.file, problem });
    const counts = (report.byTarget[target.name] ??= {});
    report.byStrategy[`${target.name}/${fuzzCase.strategy}`] = (report.byStrategy[`${target.name}/${fuzzCase.strategy}`] ?? 0) + 1;
    report.cases++;
    const t0 = now();
    let label: string;
    try {
      target.run(fuzzCase);
      label = 'ok';
      report.ok++;
    } catch (error) {
      const typed = target.classify(error, fuzzCase);
      if (typed === null) {
        fail(`untyped error ${describe(error)}`);
        label = 'untyped';
      } else {
        label = typed;
        report.typed++;
      }
    }
    const ms = now() - t0;
    report.slowestMs = Math.max(report.slowestMs, ms);
    if (ms > slowMs) fail(`took ${ms.toFixed(0)} ms (over ${slowMs} ms: a hang)`);
    counts[label] = (counts[label] ?? 0) + 1;
    options.onProgress?.(index - first + 1, end - first);
  }
  report.seconds = (now() - started) / 1000;
  return report;
}

/** A report as a few lines of text (the CLI's output, RELIABILITY.md's figures). */
export function formatReport(report: FuzzReport): string {
  const out = [
    `seed ${report.seed}: ${report.cases} cases in ${report.seconds.toFixed(1)} s (slowest ${report.slowestMs.toFixed(0)} ms): ` +
      `${report.ok} read, ${report.typed} typed errors, ${report.failures.length} failures`,
  ];
  for (const [target, counts] of Object.entries(report.byTarget)) {
    const parts = Object.entries(counts)
      .sort((a, b) => b[1] - a[1])
      .map(([label, n]) => `${label} ${n}`);
    out.push(`  ${target}: ${parts.join(', ')}`);
  }
  for (const f of report.failures.slice(0, 20)) {
    out.push(`  FAIL ${f.target} case ${f.index} (${f.strategy}, ${f.file}): ${f.problem}`);
  }
  return out.join('\n');
}
