/**
 * `npm run fuzz -- [--cases N] [--seed N] [--case I] [--targets conll,conllu,config,archive,safetensors] [--json]`:
 * the seeded input fuzzer (src/data/fuzz, src/train/fuzz) at any size. Prints the outcome counts
 * per target and every failure (an untyped exception or a case over the hang threshold), with the
 * seed and case index that replay it; exits 1 if there was any.
 */
import { messageOf } from '../core/errors.ts';
import { corpusTargets } from '../data/fuzz/corpusTargets.ts';
import { formatReport, runFuzz, type FuzzTarget } from '../data/fuzz/runner.ts';
import { archiveTarget, safetensorsTarget } from '../train/fuzz/archiveTargets.ts';
import { configTarget } from '../train/fuzz/configTargets.ts';
import { intOption, parseArgs, UsageError } from './args.ts';

export function allFuzzTargets(): FuzzTarget[] {
  return [...corpusTargets(), configTarget(), archiveTarget(), safetensorsTarget()];
}

export function fuzzMain(argv: readonly string[]): number {
  const args = parseArgs(argv, { values: ['cases', 'seed', 'case', 'targets', 'slow-ms'], flags: ['json'] });
  const cases = intOption(args, 'cases') ?? 10_000;
  const seed = intOption(args, 'seed') ?? 1;
  const only = intOption(args, 'case');
  const all = allFuzzTargets();
  const wanted = args.values.get('targets')?.split(',');
  const targets = wanted ? all.filter((t) => wanted.includes(t.name)) : all;
  if (wanted && targets.length !== wanted.length) {
    throw new UsageError(`--targets: choose from ${all.map((t) => t.name).join(', ')}`);
  }
  let peakHeap = 0;
  let lastShown = -1;
  const report = runFuzz(targets, {
    seed,
    cases,
    slowMs: intOption(args, 'slow-ms') ?? 5000,
    ...(only !== undefined ? { only } : {}),
    onProgress(done, total) {
      if (done % 100 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
      const percent = Math.floor((done / total) * 10);
      if (percent !== lastShown && process.stderr.isTTY) {
        lastShown = percent;
        process.stderr.write(`\rfuzz: ${done}/${total}`);
      }
    },
  });
  if (process.stderr.isTTY) process.stderr.write('\n');
  if (args.flags.has('json')) process.stdout.write(`${JSON.stringify({ ...report, peakHeapMB: peakHeap / 2 ** 20 })}\n`);
  else process.stdout.write(`${formatReport(report)}\n  peak JS heap ${(peakHeap / 2 ** 20).toFixed(0)} MB\n`);
  return report.failures.length === 0 ? 0 : 1;
}

// Run as a script (`tsx src/cli/fuzz.ts`), not when imported by a test.
if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    process.exitCode = fuzzMain(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`fuzz: ${messageOf(error)}\n`);
    process.exitCode = 2;
  }
}
