/**
 * `npm run bench:compare`: `npx mtaa bench --json` and its PyTorch twin (bench/pytorch/mtaa_torch.py:
 * the same graph, sizes, data, vocabularies and batches) one after the other, preset by preset (never
 * side by side: they would fight for the cores), then the ratios ours / torch of real tokens per
 * second for training and for decoding (issue 4). JSON on stdout, a table on stderr.
 *
 *   npm run bench:compare -- [--presets paper,small] [--sentences 1024] [--batch 64] [--threads 2]
 *                            [--ours-threads N|cli] [--data FILE] [--backend wasm|cpu] [--warmup 2] [--python PY]
 *                            [--torch-blas DIR] [--adversary-grad copies|restricted] [--mtaa PATH] [--out FILE]
 *
 * (`npm run -s bench:compare …` keeps npm's banner out of stdout; --out FILE writes the JSON there too.)
 * --mtaa runs another checkout's CLI (e.g. `git archive` of a commit unpacked beside node_modules).
 * --threads N goes to both sides (`mtaa bench --threads N`: data-parallel training steps; torch's
 * intra-op threads); --ours-threads overrides ours (`cli`: pass no --threads, for CLIs before it).
 * The PyTorch side needs a Python 3 with torch (Debian: `apt-get install python3-torch`, torch
 * 1.13.1); the interpreter is --python, else $MTAA_PYTHON, else the first of `python3` and
 * `/usr/bin/python3` that imports torch (a pyenv `python3` first on PATH usually has no torch).
 * Debian's torch calls whatever `libblas.so.3` resolves to, which is the slow reference BLAS unless
 * OpenBLAS is installed; `--torch-blas DIR` puts DIR (e.g. an unpacked libopenblas0-openmp's
 * `usr/lib/x86_64-linux-gnu/openblas-openmp`) first on the torch process's LD_LIBRARY_PATH. The
 * report names the BLAS library the torch process actually loaded. Which one matters far more than
 * anything in the model: on the 2-core machine, `small` trained at ~410 tokens/s on the reference
 * BLAS, ~1,900 on OpenBLAS's OpenMP build, and ~210 on its pthreads build with 2 threads (its
 * spinning threads and torch's OpenMP threads fight over the cores; ~1,600 with
 * OPENBLAS_NUM_THREADS=1). Use the OpenMP build, which shares torch's thread pool.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { intOption, parseArgs, UsageError } from '../src/cli/args.ts';
import type { BenchResult, Throughput } from '../src/train/benchmark.ts';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const torchScript = here('./pytorch/mtaa_torch.py');
const defaultMtaa = here('../src/cli/mtaa.mjs');
const defaultData = here('../../shared/data/conll2003/eng.train');

const usage = `usage: npm run bench:compare -- [--presets paper,small] [--sentences 1024] [--batch 64] [--threads 2]
         [--ours-threads N|cli] [--data FILE] [--backend wasm|cpu] [--warmup 2] [--python PY] [--torch-blas DIR]
         [--adversary-grad copies|restricted] [--mtaa PATH/TO/mtaa.mjs] [--out FILE]
`;

// `mtaa bench` always makes the timing pass, so its speeds are there (only a count-only browser run lacks them).
type Common = Pick<BenchResult, 'preset' | 'backend' | 'sentences' | 'tokens' | 'batchSize' | 'paddingRatio' | 'parameters'> & Required<Pick<BenchResult, 'train' | 'decode'>> & {
  /** Training threads (absent from CLIs before `mtaa bench --threads`). */
  threads?: number;
};

interface TorchResult extends Common {
  adversaryGrad: string;
}

interface Report<R> {
  machine: Record<string, unknown>;
  data: string;
  results: R[];
}

class CompareError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** The first interpreter that imports torch, or a CompareError saying what was tried and how to install it. */
function findPython(explicit: string | undefined, env: NodeJS.ProcessEnv): { python: string; torch: string } {
  const candidates = explicit ? [explicit] : [...new Set([process.env.MTAA_PYTHON, 'python3', '/usr/bin/python3'].filter((c): c is string => !!c))];
  const tried: string[] = [];
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { env, encoding: 'utf8' });
    if (probe.error) {
      tried.push(`${python}: ${(probe.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : probe.error.message}`);
      continue;
    }
    if (probe.status === 0) return { python, torch: probe.stdout.trim() };
    const last = probe.stderr.trim().split('\n').pop() ?? `exit ${probe.status}`;
    tried.push(`${python}: ${last}`);
  }
  const noPython = tried.every((t) => t.endsWith(': not found'));
  throw new CompareError(
    (noPython ? 'python3 is missing' : 'PyTorch is missing') +
      ` (tried ${tried.join('; ')}).\n` +
      `Install it: apt-get install ${noPython ? 'python3 ' : ''}python3-torch   (Debian 12: torch 1.13.1), ` +
      'or name an interpreter that has torch with --python or MTAA_PYTHON.',
    3,
  );
}

/** Runs a child with stderr on ours (progress stays visible) and parses its stdout as JSON. */
function runJson<R>(what: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv): Report<R> {
  const child = spawnSync(command, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
  if (child.error) throw new CompareError(`${what}: ${child.error.message}`);
  if (child.status !== 0) throw new CompareError(`${what} failed (exit ${child.status ?? child.signal}): ${shellLine(command, args)}`);
  try {
    return JSON.parse(child.stdout) as Report<R>;
  } catch {
    throw new CompareError(`${what}: its output is not JSON: ${child.stdout.slice(0, 200)}`);
  }
}

function shellLine(command: string, args: readonly string[]): string {
  return [command, ...args].map((a) => (/^[\w./,:=@+-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

const ratio = (ours: Throughput, torch: Throughput) => (torch.tokensPerSecond > 0 ? ours.tokensPerSecond / torch.tokensPerSecond : null);

function table(rows: { preset: string; params: string; ours: Common; torch: Common; train: number | null; decode: number | null }[]): string {
  const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
  const r = (x: number | null) => (x === null ? '–' : x.toFixed(3));
  const header = ['preset', 'parameters (ours = torch)', 'threads ours/torch', 'train tok/s ours', 'torch', 'ours/torch', 'decode tok/s ours', 'torch', 'ours/torch'];
  const lines = rows.map((row) => [
    row.preset,
    row.params,
    `${row.ours.threads ?? '?'}/${row.torch.threads ?? '?'}`,
    fmt(row.ours.train.tokensPerSecond),
    fmt(row.torch.train.tokensPerSecond),
    r(row.train),
    fmt(row.ours.decode.tokensPerSecond),
    fmt(row.torch.decode.tokensPerSecond),
    r(row.decode),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  return [header, ...lines].map((l) => l.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')).join('\n');
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    values: ['data', 'sentences', 'presets', 'batch', 'threads', 'backend', 'warmup', 'python', 'torch-blas', 'adversary-grad', 'mtaa', 'out', 'ours-threads'],
  });
  const data = args.values.get('data') ?? defaultData;
  const sentences = intOption(args, 'sentences') ?? 1024;
  const batch = intOption(args, 'batch') ?? 64;
  const threads = intOption(args, 'threads') ?? 2;
  const oursThreads = args.values.get('ours-threads') ?? String(threads);
  if (oursThreads !== 'cli' && !/^[1-9]\d*$/.test(oursThreads)) throw new UsageError(`--ours-threads must be a positive integer or cli, got ${oursThreads}`);
  const warmup = args.values.get('warmup') ?? '2';
  const backend = args.values.get('backend') ?? 'wasm';
  const presets = (args.values.get('presets') ?? 'paper,small').split(',').filter(Boolean);
  const mtaa = args.values.get('mtaa') ?? defaultMtaa;
  // restricted: our graph since the shared encoders' twin (one forward, the adversarial gradient cut at their input).
  const adversaryGrad = args.values.get('adversary-grad') ?? 'restricted';
  for (const preset of presets) if (preset !== 'paper' && preset !== 'small') throw new UsageError(`unknown preset ${preset}; use paper, small`);
  if (!/^\d+$/.test(warmup)) throw new UsageError(`--warmup must be a whole number, got ${warmup}`);
  if (!existsSync(data)) throw new CompareError(`no data file at ${data} (--data FILE: a CoNLL file, e.g. CoNLL-2003 eng.train)`);
  if (!existsSync(mtaa)) throw new CompareError(`no mtaa CLI at ${mtaa}`);

  const blasDir = args.values.get('torch-blas');
  const torchEnv: NodeJS.ProcessEnv = {
    ...process.env,
    OMP_NUM_THREADS: String(threads),
    OPENBLAS_NUM_THREADS: process.env.OPENBLAS_NUM_THREADS ?? String(threads),
    ...(blasDir ? { LD_LIBRARY_PATH: [blasDir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') } : {}),
  };
  const { python, torch } = findPython(args.values.get('python'), torchEnv);
  process.stderr.write(`bench:compare: ours = ${backend} (node ${process.version}), torch ${torch} via ${python}, ${threads} torch threads\n`);

  const common = ['--data', data, '--sentences', String(sentences), '--batch', String(batch), '--warmup', warmup];
  const oursArgs = (preset: string) => [
    mtaa, 'bench', '--json', '--presets', preset, '--backend', backend, ...(oursThreads === 'cli' ? [] : ['--threads', oursThreads]), ...common,
  ];
  const torchArgs = (preset: string) => [torchScript, '--presets', preset, '--threads', String(threads), '--adversary-grad', adversaryGrad, ...common];

  const rows = [];
  let oursMachine: Record<string, unknown> = {};
  let torchMachine: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const preset of presets) {
    const oursReport = runJson<Common>(`mtaa bench (${preset})`, process.execPath, oursArgs(preset), process.env);
    const torchReport = runJson<TorchResult>(`mtaa_torch.py (${preset})`, python, torchArgs(preset), torchEnv);
    oursMachine = oursReport.machine;
    torchMachine = torchReport.machine;
    const ours = oursReport.results[0];
    const theirs = torchReport.results[0];
    if (!ours || !theirs) throw new CompareError(`no result for ${preset}`);
    // Same graph and same batches, or the ratio means nothing.
    const checks = {
      parameters: ours.parameters === theirs.parameters,
      tokens: ours.tokens === theirs.tokens,
      paddingRatio: Math.abs(ours.paddingRatio - theirs.paddingRatio) < 1e-9,
      timedTrainBatches: ours.train.batches === theirs.train.batches,
    };
    for (const [check, ok] of Object.entries(checks)) {
      if (!ok) problems.push(`${preset}: ${check} differ (ours ${JSON.stringify(pick(ours, check))}, torch ${JSON.stringify(pick(theirs, check))})`);
    }
    rows.push({
      preset,
      params: checks.parameters ? ours.parameters.toLocaleString('en-US') : `${ours.parameters} ≠ ${theirs.parameters}`,
      ours,
      torch: theirs,
      train: ratio(ours.train, theirs.train),
      decode: ratio(ours.decode, theirs.decode),
      checks,
    });
  }

  const torchBlas = String(torchMachine.blas ?? 'unknown');
  const report = {
    machine: { node: process.version, platform: `${process.platform}-${process.arch}`, cpus: cpus().length, date: new Date().toISOString() },
    data,
    sentences,
    batchSize: batch,
    commands: Object.fromEntries(
      presets.map((p) => [p, { ours: shellLine('node', oursArgs(p)), torch: shellLine(python, torchArgs(p)), ...(blasDir ? { torchLdLibraryPath: blasDir } : {}) }]),
    ),
    ours: oursMachine,
    torch: torchMachine,
    presets: rows.map(({ preset, ours, torch: theirs, train, decode, checks }) => ({
      preset,
      checks,
      ratio: { train, decode },
      ours,
      torch: theirs,
    })),
  };
  const json = `${JSON.stringify(report, null, 1)}\n`;
  process.stdout.write(json);
  const out = args.values.get('out');
  if (out) writeFileSync(out, json);
  process.stderr.write(`\nours: tfjs ${backend}; torch ${torch}, ${threads} threads, BLAS ${torchBlas}\n${table(rows)}\n`);
  if (!/openblas|mkl|blis/i.test(torchBlas)) {
    process.stderr.write(
      'note: torch ran on the reference BLAS, far slower than the OpenBLAS of issue 4\'s reference; ' +
        'install libopenblas0-openmp or pass --torch-blas DIR.\n',
    );
  } else if (/openblas-pthread/.test(torchBlas) && threads > 1 && torchEnv.OPENBLAS_NUM_THREADS !== '1') {
    process.stderr.write(
      'note: torch ran on the pthreads build of OpenBLAS with several threads, whose spinning threads fight torch\'s OpenMP ' +
        'threads for the cores (several times slower here); prefer libopenblas0-openmp, or OPENBLAS_NUM_THREADS=1.\n',
    );
  }
  if (problems.length > 0) {
    process.stderr.write(`bench:compare: the two runs did not see the same model or batches:\n  ${problems.join('\n  ')}\n`);
    return 1;
  }
  return 0;
}

function pick(result: Common, check: string): unknown {
  return check === 'timedTrainBatches' ? result.train.batches : (result as unknown as Record<string, unknown>)[check];
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) {
    process.stderr.write(`bench:compare: ${error.message}\n${usage}`);
    process.exitCode = 2;
  } else if (error instanceof CompareError) {
    process.stderr.write(`bench:compare: ${error.message}\n`);
    process.exitCode = error.exitCode;
  } else throw error;
}
