/**
 * `mtaa study`: ablation studies from the command line. `run` trains every (configuration, seed) of
 * a spec as its own `mtaa train` process, locally in a pool or as a Slurm array (`--slurm`);
 * `run-one` is one such run (what each array task runs); `status` reads the run folders and the
 * queue; `collect` writes the table, curves and archive (src/cli/studyCollect.ts).
 */
import { resolve } from 'node:path';
import { studyRuns } from '../study/spec.ts';
import { intOption, parseArgs, UsageError } from './args.ts';
import type { Command } from './io.ts';
import { collectStudy } from './studyCollect.ts';
import { needsStarting, planPool, prepareStudyDir, readEvents, readSpecFile, readStudyDir, runDir, runOne, runPool, runState, selectRuns } from './studyRunner.ts';
import { queuedRuns, readQueue, submittedJobs, writeAndSubmit } from './studySlurm.ts';

const usage = `usage: mtaa study run SPEC.json --out DIR [--jobs N] [--threads-per-job M] [--only NAME,NAME]
       mtaa study run SPEC.json --out DIR --slurm [--partition P] [--time T] [--cpus C] [--mem M]
                  [--gres gpu:1] [--backend webgpu] [--account A] [--parallel N] [--no-submit]
       mtaa study run-one DIR --index I [--threads N] [--backend B]
       mtaa study status DIR
       mtaa study collect DIR
A spec names the data (train, dev, test), preset, epochs, seeds and configurations (ablation names or
{"name", "ablation", "config"} patches); see studies/*.json and the README's Command line section.
--only runs just the named configurations' runs now (e.g. --only base,MTAA); a later run without it
does the rest, skipping what is finished.
`;

async function run(argv: string[], io: Parameters<Command>[1]): Promise<number> {
  const args = parseArgs(argv, {
    values: ['out', 'jobs', 'threads-per-job', 'partition', 'time', 'cpus', 'mem', 'gres', 'backend', 'account', 'parallel', 'only'],
    flags: ['slurm', 'no-submit'],
  });
  const [specPath] = args.positionals;
  const dir = args.values.get('out');
  if (!specPath || !dir) throw new UsageError('study run needs SPEC.json and --out DIR');
  const spec = readSpecFile(specPath);
  const runs = selectRuns(spec, args.values.get('only'));
  prepareStudyDir(dir, spec, (added) => io.err(`mtaa study: the study in ${dir} grows by ${added.length} configuration(s): ${added.join(', ')}\n`));
  if (args.flags.has('slurm')) {
    const indices = runs.filter((r) => needsStarting(runState(runDir(dir, r)))).map((r) => r.index);
    const result = writeAndSubmit(dir, {
      indices,
      cpus: intOption(args, 'cpus') ?? 1,
      submit: !args.flags.has('no-submit'),
      ...optional('partition', args.values.get('partition')),
      ...optional('time', args.values.get('time')),
      ...optional('mem', args.values.get('mem')),
      ...optional('gres', args.values.get('gres')),
      ...optional('backend', args.values.get('backend')),
      ...optional('account', args.values.get('account')),
      ...(args.values.has('parallel') ? { parallel: intOption(args, 'parallel')! } : {}),
    });
    io.out(`wrote ${result.script} (${indices.length} of ${runs.length} runs as array tasks)\n`);
    if (result.jobId) io.out(`submitted job ${result.jobId}; follow it with: mtaa study status ${dir}\n`);
    else io.out(`${result.advice}\n`);
    return 0;
  }
  const pool = planPool({ runs: runs.length, ...optional('jobs', intOption(args, 'jobs')), ...optional('threads', intOption(args, 'threads-per-job')) });
  const names = new Set(runs.map((r) => r.configuration.name));
  io.err(`mtaa study: ${runs.length} runs (${names.size} configurations × ${spec.seeds.length} seeds), ${pool.jobs} at a time, ${pool.threads} thread(s) each\n`);
  const result = await runPool(dir, spec, pool, (line) => io.err(`mtaa study: ${line}\n`), runs);
  io.out(`${JSON.stringify({ type: 'study', dir, runs: runs.length, finished: result.finished, skipped: result.skipped, failed: result.failed.map((r) => r.id) })}\n`);
  return result.failed.length > 0 ? 1 : 0;
}

const optional = <K extends string, V>(key: K, value: V | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, V>));

async function runOneCommand(argv: string[], io: Parameters<Command>[1]): Promise<number> {
  const args = parseArgs(argv, { values: ['index', 'threads', 'backend'] });
  const [dir] = args.positionals;
  const index = Number(args.values.get('index'));
  if (!dir || !Number.isInteger(index)) throw new UsageError('study run-one needs DIR and --index I');
  const spec = readStudyDir(dir);
  const run = studyRuns(spec)[index];
  if (!run) throw new UsageError(`--index ${index}: the study has runs 0 to ${studyRuns(spec).length - 1}`);
  const backend = args.values.get('backend');
  const threads = intOption(args, 'threads') ?? 1;
  io.err(`mtaa study: run ${index} ${run.id}\n`);
  const code = await runOne(dir, backend ? { ...spec, backend: backend as typeof spec.backend } : spec, run, threads);
  io.err(`mtaa study: ${run.id} ${code === 0 ? 'finished' : `failed (exit ${code}; see ${runDir(dir, run)}/train.log)`}\n`);
  return code;
}

function status(argv: string[], io: Parameters<Command>[1]): number {
  const [dir] = parseArgs(argv, {}).positionals;
  if (!dir) throw new UsageError('study status needs DIR');
  const spec = readStudyDir(dir);
  const runs = studyRuns(spec);
  // The queue first, then the folders: a task gone from the queue has by then written its run's end.
  const jobs = submittedJobs(dir);
  const queue = readQueue(jobs);
  const queued = queuedRuns(jobs, queue.squeue ?? []);
  const counts: Record<string, number> = {};
  io.out(`study ${resolve(dir)}: ${runs.length} runs, ${spec.epochs} epochs each\n`);
  for (const run of runs) {
    const state = runState(runDir(dir, run));
    counts[state] = (counts[state] ?? 0) + 1;
    const epochs = readEvents(runDir(dir, run)).filter((e) => e.type === 'epoch');
    const last = epochs.at(-1) as { epoch?: number; devScore?: number } | undefined;
    const progress = last ? `epoch ${last.epoch}/${spec.epochs}, mean dev ${last.devScore?.toFixed(2)}` : '';
    const task = state === 'finished' ? undefined : queued.get(run.index);
    const slurm = task ? `${progress ? '  ' : ''}slurm ${task.id} ${task.state}` : '';
    io.out(`  ${String(run.index).padStart(3)} ${run.id.padEnd(32)} ${state.padEnd(11)} ${progress}${slurm}\n`.replace(/ +\n$/, '\n'));
  }
  io.out(`runs: ${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ')}\n`);
  if (jobs.length > 0) {
    io.out(`slurm jobs ${jobs.join(', ')}:\n`);
    if (queue.squeue === null) io.out('  (no squeue here)\n');
    else if (queue.squeue.length === 0) io.out('  squeue: nothing of this study is queued or running\n');
    else for (const t of queue.squeue) io.out(`  squeue: ${t.id} ${t.state} ${t.detail}\n`);
    for (const t of queue.sacct ?? []) io.out(`  sacct:  ${t.id} ${t.state} exit ${t.detail}\n`);
  }
  return 0;
}

function collect(argv: string[], io: Parameters<Command>[1]): number {
  const [dir] = parseArgs(argv, {}).positionals;
  if (!dir) throw new UsageError('study collect needs DIR');
  const spec = readStudyDir(dir);
  const result = collectStudy(dir, spec, (line) => io.err(`mtaa study collect: ${line}\n`));
  io.out(result.markdown);
  io.out(`\n${result.runs} runs collected${result.missing ? `, ${result.missing} not finished` : ''}; wrote:\n${result.files.map((f) => `  ${f}\n`).join('')}`);
  return result.runs > 0 ? 0 : 1;
}

export const studyCommand: Command = async (argv, io) => {
  const [sub, ...rest] = argv;
  try {
    switch (sub) {
      case 'run':
        return await run(rest, io);
      case 'run-one':
        return await runOneCommand(rest, io);
      case 'status':
        return status(rest, io);
      case 'collect':
        return collect(rest, io);
      default:
        io.err(sub && sub !== '--help' && sub !== '-h' ? `mtaa study: unknown subcommand '${sub}'\n${usage}` : usage);
        return sub === '--help' || sub === '-h' ? 0 : 2;
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`mtaa study: ${error.message}\n${usage}`);
      return 2;
    }
    // Spec errors (StudySpecError), a refused folder, a failed sbatch: the message says what and where.
    if (error instanceof Error) {
      io.err(`mtaa study: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
};
