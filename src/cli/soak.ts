/**
 * `npm run soak -- [--minutes 30] [--preset small] [--data FILE] [--max-sentences N] [--backend wasm|cpu|webgpu] [--json]`:
 * trains the preset epoch after epoch for the given time (default: 30 minutes of `small` on the
 * built-in sample) and prints, after every epoch, the live tensor count, tensor bytes, GPU bytes on
 * WebGPU and the JS heap after a forced GC; exits 1 if any of them grew after the first epoch.
 * Run with `node --expose-gc` (the npm script does) so heap readings are not GC timing noise.
 */
import { messageOf } from '../core/errors.ts';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadDataset } from '../data/index.ts';
import type { PresetName } from '../core/config.ts';
import { runSoak, type SoakSample } from '../train/soak.ts';
import { intOption, parseArgs, UsageError } from './args.ts';
import { useBackend, type NodeBackend } from './backend.ts';

const SAMPLE = fileURLToPath(new URL('../../public/samples/en_ewt-ud-sample.conllu', import.meta.url));
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

function heapBytes(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  return process.memoryUsage().heapUsed;
}

function line(s: SoakSample): string {
  return (
    `epoch ${String(s.epoch).padStart(3)}  ${s.seconds.toFixed(0).padStart(5)} s  tensors ${s.tensors}  ` +
    `tensor MB ${mb(s.tensorBytes)}  ${s.gpuBytes === null ? '' : `GPU MB ${mb(s.gpuBytes)}  `}heap MB ${mb(s.heapBytes)}`
  );
}

export async function soakMain(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['minutes', 'preset', 'data', 'max-sentences', 'backend', 'seed'], flags: ['json'] });
  const minutes = Number(args.values.get('minutes') ?? 30);
  if (!(minutes > 0)) throw new UsageError('--minutes must be a positive number');
  const preset = (args.values.get('preset') ?? 'small') as PresetName;
  if (!['paper', 'small', 'tiny'].includes(preset)) throw new UsageError('--preset must be paper, small or tiny');
  const backend = await useBackend((args.values.get('backend') ?? 'wasm') as NodeBackend);
  const path = args.values.get('data') ?? SAMPLE;
  const dataset = loadDataset(path, readFileSync(path));
  const limit = intOption(args, 'max-sentences');
  const sentences = limit ? dataset.sentences.slice(0, limit) : dataset.sentences;
  const json = args.flags.has('json');
  if (!(globalThis as { gc?: unknown }).gc) process.stderr.write('soak: no --expose-gc; heap readings include garbage\n');
  process.stderr.write(`soak: ${preset} on ${backend}, ${sentences.length} sentences of ${dataset.name}, ${minutes} min\n`);
  const report = await runSoak({
    preset,
    tasks: dataset.tasks,
    sentences,
    minutes,
    heapBytes,
    ...(args.values.has('seed') ? { seed: Number(args.values.get('seed')) } : {}),
    onSample: (s) => process.stdout.write(`${json ? JSON.stringify(s) : line(s)}\n`),
  });
  if (json) process.stdout.write(`${JSON.stringify({ ...report, samples: undefined })}\n`);
  else {
    process.stdout.write(`tensors before ${report.tensorsBefore}, after disposal ${report.tensorsAfter}\n`);
    process.stdout.write(report.problems.length === 0 ? 'healthy: nothing grew after the first epoch\n' : `GREW:\n  ${report.problems.join('\n  ')}\n`);
  }
  return report.problems.length === 0 ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  soakMain(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`soak: ${messageOf(error)}\n`);
      process.exitCode = 2;
    },
  );
}
