/**
 * Running a study's runs: one `mtaa train` child process per (configuration, seed), each into its
 * own folder `DIR/runs/<id>/` (events.jsonl: train's stdout, one JSON line per epoch and a summary;
 * train.log: its stderr; model/: the best model and its test predictions; run.json: the command
 * and its exit code). The local pool and a Slurm array task both go through `runOne`, so a run is
 * the same process wherever it runs. A run counts as finished when run.json says it exited 0 and
 * events.jsonl ends with its summary; one whose train process is alive on this machine is running,
 * and left to that process; anything else in its folder is a partial run, redone.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ablations } from '../core/config.ts';
import { parseStudySpec, StudySpecError, studyRuns, trainArguments, type StudyRun, type StudySpec } from '../study/spec.ts';

/** The study's own copy of its resolved spec: status, collect and Slurm array tasks read it. */
export const STUDY_FILE = 'study.json';
const MTAA_BIN = fileURLToPath(new URL('./mtaa.mjs', import.meta.url));

export function readSpecFile(path: string): StudySpec {
  const file = resolve(path);
  if (!existsSync(file)) throw new Error(`${path}: no such study spec`);
  const spec = parseStudySpec(readFileSync(file, 'utf8'), path, dirname(file), Object.keys(ablations));
  // A missing data file would fail every run at its start: say so once, before any run starts.
  for (const field of ['train', 'dev', 'test'] as const) {
    const data = spec[field];
    if (data && !existsSync(data)) throw new StudySpecError(`${path}: ${field}: ${data} does not exist`);
  }
  return spec;
}

/** The study of folder `dir` (written by `mtaa study run`). */
export function readStudyDir(dir: string): StudySpec {
  const file = join(dir, STUDY_FILE);
  if (!existsSync(file)) throw new Error(`${dir}: not a study folder (no ${STUDY_FILE}; \`mtaa study run SPEC --out ${dir}\` makes one)`);
  return JSON.parse(readFileSync(file, 'utf8')) as StudySpec;
}

/**
 * Creates the study folder with its spec, or checks that an existing one holds the same study
 * (resuming); a different study in the same folder is refused rather than mixed into its table. A
 * spec that only appends configurations to the folder's study is taken as the study grown (a recipe
 * added to a study under way): the runs already there keep their ids, indices and results, and
 * `onGrow` hears how many configurations were added.
 */
export function prepareStudyDir(dir: string, spec: StudySpec, onGrow: (added: string[]) => void = () => {}): void {
  mkdirSync(join(dir, 'runs'), { recursive: true });
  const file = join(dir, STUDY_FILE);
  const text = `${JSON.stringify(spec, null, 2)}\n`;
  if (existsSync(file)) {
    const old = readFileSync(file, 'utf8');
    if (old === text) return;
    const study = JSON.parse(old) as StudySpec;
    const problem = growthProblem(study, spec);
    if (problem) throw new Error(`${dir} holds another study (${problem}); use another --out, or delete it`);
    onGrow(spec.configurations.slice(study.configurations.length).map((c) => c.name));
  }
  writeFileSync(file, text);
}

/**
 * Why `next` is not `study` grown by configurations appended at its end, or null when it is.
 * Appended only: configuration-major run indices then stay those of the runs (and Slurm array
 * tasks) already there.
 */
function growthProblem(study: StudySpec, next: StudySpec): string | null {
  const { configurations: was, ...rest } = study;
  const { configurations: now, ...nextRest } = next;
  for (const key of new Set([...Object.keys(rest), ...Object.keys(nextRest)])) {
    const a = JSON.stringify((rest as Record<string, unknown>)[key]);
    const b = JSON.stringify((nextRest as Record<string, unknown>)[key]);
    if (a !== b) return `its ${STUDY_FILE} has ${key} ${a ?? '(none)'}, this spec ${b ?? '(none)'}`;
  }
  for (let i = 0; i < was.length; i++) {
    if (JSON.stringify(was[i]) !== JSON.stringify(now[i])) {
      return `its configuration ${i + 1} is ${JSON.stringify(was[i]?.name)} as ${STUDY_FILE} has it, and this spec ${now[i] ? 'changes it' : 'leaves it out'}; a study may only grow by configurations added at the end`;
    }
  }
  return null;
}

export const runDir = (dir: string, run: StudyRun) => join(dir, 'runs', run.id);

export interface RunRecordFile {
  index: number;
  id: string;
  configuration: string;
  seed: number;
  argv: string[];
  started: string;
  finished?: string;
  exitCode?: number | null;
  host?: string;
  /** The train process and the machine it runs on: how `runState` tells a running run from a killed one. */
  pid?: number;
  machine?: string;
}

/** The parsed lines of a run's events.jsonl (train's stdout); unreadable trailing lines (a killed run) are left out. */
export function readEvents(folder: string): Record<string, unknown>[] {
  const file = join(folder, 'events.jsonl');
  if (!existsSync(file)) return [];
  const events: Record<string, unknown>[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      events.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      break;
    }
  }
  return events;
}

export type RunState = 'finished' | 'failed' | 'running' | 'partial' | 'not started';

/** Whether a run in this state is for a runner to start: not finished, and not training in another process. */
export const needsStarting = (state: RunState) => state !== 'finished' && state !== 'running';

export function runState(folder: string): RunState {
  const recordFile = join(folder, 'run.json');
  if (!existsSync(recordFile)) return existsSync(folder) ? 'partial' : 'not started';
  const record = JSON.parse(readFileSync(recordFile, 'utf8')) as RunRecordFile;
  if (record.exitCode === undefined) return trainingHere(record, folder) ? 'running' : 'partial';
  const last = readEvents(folder).at(-1);
  if (record.exitCode === 0 && last?.type === 'summary') return 'finished';
  return 'failed';
}

/**
 * Whether the run's train process is alive on this machine. A process elsewhere (a Slurm node) cannot
 * be seen from here: such a run stays `partial`, and `study status` shows the queue beside it. Where
 * /proc exists, the process must also be the one training into this folder, not a later process that
 * was given the same id.
 */
function trainingHere(record: RunRecordFile, folder: string): boolean {
  if (record.pid === undefined || record.machine !== hostname()) return false;
  try {
    process.kill(record.pid, 0);
  } catch {
    return false;
  }
  if (!existsSync('/proc/self')) return true;
  // The model folder as the runner wrote it may be relative to the runner's working directory: match its tail.
  const modelDir = join('runs', basename(folder), 'model');
  try {
    return readFileSync(`/proc/${record.pid}/cmdline`, 'utf8').split('\0').some((arg) => arg.endsWith(modelDir));
  } catch {
    return false;
  }
}

/**
 * Runs one study run as a child `mtaa train` (its folder emptied first); resolves with its exit code.
 * A finished run is left as it is (0); one that another process is training is refused, never emptied
 * under it (a second `study run` on the same folder, started by mistake).
 */
export async function runOne(dir: string, spec: StudySpec, run: StudyRun, threads: number): Promise<number> {
  const folder = runDir(dir, run);
  const state = runState(folder);
  if (state === 'finished') return 0;
  if (state === 'running') throw new Error(`${run.id} is training in another process (${folder}/run.json); not started twice`);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  const argv = trainArguments(spec, run, { modelDir: join(folder, 'model'), threads });
  const record: RunRecordFile = {
    index: run.index,
    id: run.id,
    configuration: run.configuration.name,
    seed: run.seed,
    argv: ['mtaa', ...argv],
    started: new Date().toISOString(),
    host: process.env.SLURMD_NODENAME ?? process.env.HOSTNAME ?? '',
  };
  writeFileSync(join(folder, 'run.json'), `${JSON.stringify(record, null, 2)}\n`);
  const out = openSync(join(folder, 'events.jsonl'), 'w');
  const err = openSync(join(folder, 'train.log'), 'w');
  try {
    const code = await new Promise<number | null>((done, fail) => {
      const child = spawn(process.execPath, [MTAA_BIN, ...argv], { stdio: ['ignore', out, err] });
      if (child.pid !== undefined) {
        record.pid = child.pid;
        record.machine = hostname();
        writeFileSync(join(folder, 'run.json'), `${JSON.stringify(record, null, 2)}\n`);
      }
      child.on('error', fail);
      child.on('exit', (c, signal) => done(signal ? null : c));
    });
    record.finished = new Date().toISOString();
    record.exitCode = code;
    writeFileSync(join(folder, 'run.json'), `${JSON.stringify(record, null, 2)}\n`);
    return code ?? 1;
  } finally {
    closeSync(out);
    closeSync(err);
  }
}

/**
 * Shares the cores between parallel runs: jobs × threads-per-job ≤ cores. Given neither, one
 * thread per run and as many runs as cores (independent runs scale better than a run's data-parallel
 * threads); given one, the other fills the cores.
 */
export function planPool(opts: { jobs?: number; threads?: number; runs: number; cores?: number }): { jobs: number; threads: number } {
  const cores = opts.cores ?? availableParallelism();
  const threads = opts.threads ?? (opts.jobs ? Math.max(1, Math.floor(cores / opts.jobs)) : 1);
  const jobs = opts.jobs ?? Math.max(1, Math.floor(cores / threads));
  if (jobs * threads > cores) throw new Error(`--jobs ${jobs} × --threads-per-job ${threads} = ${jobs * threads} threads on ${cores} cores: lower one of them`);
  return { jobs: Math.max(1, Math.min(jobs, opts.runs)), threads };
}

/**
 * The runs of `--only NAME,NAME`: those of the named configurations, so that the comparison a
 * researcher needs first (base against MTAA, say) gets all its seeds before the rest of a long
 * study. An unknown name is refused with the study's names, not silently matched by nothing.
 */
export function selectRuns(spec: StudySpec, only: string | undefined): StudyRun[] {
  const runs = studyRuns(spec);
  if (only === undefined) return runs;
  const names = only.split(',').map((n) => n.trim()).filter((n) => n.length > 0);
  const known = spec.configurations.map((c) => c.name);
  const unknown = names.filter((n) => !known.includes(n));
  if (names.length === 0 || unknown.length > 0) {
    throw new Error(`--only ${only}: ${names.length === 0 ? 'names no configuration' : `no configuration named ${unknown.map((n) => `'${n}'`).join(', ')}`}; the study has ${known.map((n) => `'${n}'`).join(', ')}`);
  }
  return runs.filter((r) => names.includes(r.configuration.name));
}

/**
 * Runs every unfinished run of `runs` (the study's, or a `--only` selection of them), `jobs` at a
 * time; `report` hears each start and end.
 */
export async function runPool(
  dir: string,
  spec: StudySpec,
  pool: { jobs: number; threads: number },
  report: (line: string) => void,
  runs: readonly StudyRun[] = studyRuns(spec),
): Promise<{ finished: number; failed: StudyRun[]; skipped: number }> {
  const all = studyRuns(spec).length;
  const states = runs.map((r) => runState(runDir(dir, r)));
  const todo = runs.filter((_, i) => needsStarting(states[i]!));
  const skipped = states.filter((s) => s === 'finished').length;
  const elsewhere = runs.filter((_, i) => states[i] === 'running');
  if (skipped > 0) report(`${skipped} of ${runs.length} runs already finished: skipped`);
  if (elsewhere.length > 0) report(`${elsewhere.length} run(s) training in another process, left to it: ${elsewhere.map((r) => r.id).join(', ')}`);
  if (runs.length < all) report(`--only: ${runs.length} of the study's ${all} runs; the others are left as they are`);
  const failed: StudyRun[] = [];
  let next = 0;
  let finished = 0;
  const worker = async () => {
    while (next < todo.length) {
      const run = todo[next++]!;
      if (runState(runDir(dir, run)) === 'running') {
        report(`${run.id} started training in another process meanwhile: left to it`);
        continue;
      }
      report(`start  ${run.id} (${run.index + 1}/${all})`);
      const code = await runOne(dir, spec, run, pool.threads);
      if (code === 0) finished++;
      else failed.push(run);
      report(`${code === 0 ? 'done  ' : 'FAILED'} ${run.id}${code === 0 ? '' : ` (exit ${code}; see ${join(runDir(dir, run), 'train.log')})`}`);
    }
  };
  await Promise.all(Array.from({ length: pool.jobs }, worker));
  return { finished, failed, skipped };
}
