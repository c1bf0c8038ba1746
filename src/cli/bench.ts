/**
 * `mtaa bench`: training and decoding speed of the `paper` and `small` presets on the first 1,024
 * sentences of a CoNLL file (default: CoNLL-2003 train beside this repository), as JSON.
 */
import { messageOf } from '../core/errors.ts';
import { fileURLToPath } from 'node:url';
import { isDataError } from '../data/index.ts';
import type { PresetName } from '../core/config.ts';
import { runBenchmark } from '../train/benchmark.ts';
import { benchSummary } from '../train/benchSummary.ts';
import { intOption, parseArgs, UsageError } from './args.ts';
import { activeAdapter, useBackend, type NodeBackend } from './backend.ts';
import { defaultThreads, startGradientThreads } from './gradientThreads.ts';
import type { Command } from './io.ts';
import { readData } from './train.ts';

const defaultData = fileURLToPath(new URL('../../../shared/data/conll2003/eng.train', import.meta.url));
const usage = `usage: mtaa bench [--data FILE] [--sentences 1024] [--presets paper,small] [--batch 64]
                  [--backend wasm|cpu|webgpu] [--threads N] [--lengths 10,20,40] [--json]
  --threads   training threads on wasm/cpu (data-parallel steps; default: the cores, at most 4)
  --lengths   padded lengths at which to count the work of one step and one decode batch
              (default 10,20,40 on webgpu, none elsewhere; 'none' for none)
`;

function lengthsOption(value: string | undefined, backend: string): number[] {
  if (value === 'none') return [];
  if (value === undefined) return backend === 'webgpu' ? [10, 20, 40] : [];
  const lengths = value.split(',').map(Number);
  if (lengths.some((n) => !Number.isInteger(n) || n < 1)) throw new UsageError(`--lengths takes positive integers (got ${value})`);
  return lengths;
}

export const benchCommand: Command = async (argv, io) => {
  try {
    const args = parseArgs(argv, { values: ['data', 'sentences', 'presets', 'batch', 'backend', 'warmup', 'threads', 'lengths'], flags: ['json'] });
    let backend: string;
    try {
      backend = await useBackend((args.values.get('backend') ?? 'wasm') as NodeBackend);
    } catch (error) {
      io.err(`mtaa bench: ${messageOf(error)}\n`);
      return 1;
    }
    const paddedLengths = lengthsOption(args.values.get('lengths'), backend);
    const adapter = activeAdapter();
    const data = readData(args.values.get('data') ?? defaultData);
    const count = intOption(args, 'sentences') ?? 1024;
    const sentences = data.sentences.slice(0, count);
    const names = (args.values.get('presets') ?? 'paper,small').split(',') as PresetName[];
    const threads = intOption(args, 'threads') ?? defaultThreads();
    const results = [];
    for (const preset of names) {
      if (!['paper', 'small', 'tiny'].includes(preset)) throw new UsageError(`unknown preset ${preset}`);
      io.err(`mtaa bench: ${preset} on ${sentences.length} sentences (${backend}, ${threads} thread${threads === 1 ? '' : 's'})…\n`);
      // A fresh pool per preset: each thread's WASM heap only grows, and `paper` needs all of it.
      const threadPool = await startGradientThreads(threads, backend, (message) => io.err(`mtaa: ${message}\n`));
      const result = await runBenchmark({
        preset,
        tasks: data.tasks,
        sentences,
        batchSize: intOption(args, 'batch') ?? 64,
        warmupBatches: args.values.has('warmup') ? Number(args.values.get('warmup')) : 2,
        paddedLengths,
        ...(adapter ? { adapter } : {}),
        ...(threadPool ? { pool: threadPool.pool } : {}),
      }).finally(() => threadPool?.close());
      results.push(result);
      if (!args.flags.has('json')) io.err(benchSummary(result));
    }
    io.out(`${JSON.stringify({ machine: machineInfo(), data: args.values.get('data') ?? defaultData, results }, null, args.flags.has('json') ? 0 : 1)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`mtaa bench: ${error.message}\n${usage}`);
      return 2;
    }
    if (isDataError(error)) {
      io.err(`mtaa bench: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
};

function machineInfo() {
  return { node: process.version, platform: `${process.platform}-${process.arch}`, date: new Date().toISOString() };
}
