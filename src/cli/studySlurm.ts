/**
 * Slurm for `mtaa study`: writes the study's `sbatch --array` script (src/study/slurmScript.ts),
 * submits it where `sbatch` exists (keeping the job id in DIR/slurm/jobs.json), and reads the queue
 * (`squeue`, and `sacct` where accounting is set up) for `mtaa study status`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { slurmScript, type SlurmOptions } from '../study/slurmScript.ts';

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Whether a command runs here (found on PATH and answers `--version`). */
export function hasCommand(name: string): boolean {
  const r = spawnSync(name, ['--version'], { encoding: 'utf8' });
  return !r.error && r.status === 0;
}

export interface SubmitResult {
  script: string;
  jobId: string | null;
  /** What to do when there is no sbatch here. */
  advice?: string;
}

export function writeAndSubmit(dir: string, opts: Omit<SlurmOptions, 'dir' | 'repo' | 'node' | 'jobName'> & { jobName?: string; submit: boolean }): SubmitResult {
  const absDir = resolve(dir);
  mkdirSync(join(absDir, 'slurm'), { recursive: true });
  const script = join(absDir, 'slurm', 'study.sbatch');
  writeFileSync(script, slurmScript({ ...opts, dir: absDir, repo: REPO, node: process.execPath, jobName: opts.jobName ?? `mtaa-${basename(absDir)}` }), { mode: 0o755 });
  if (!opts.submit) return { script, jobId: null, advice: `submit it with: sbatch ${script}` };
  if (!hasCommand('sbatch')) return { script, jobId: null, advice: `no sbatch on this machine: on the cluster's login node run: sbatch ${script}` };
  const r = spawnSync('sbatch', ['--parsable', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sbatch ${script} failed (exit ${r.status}): ${(r.stderr || r.stdout).trim()}`);
  const jobId = r.stdout.trim().split(';')[0]!;
  const jobsFile = join(absDir, 'slurm', 'jobs.json');
  const jobs = existsSync(jobsFile) ? (JSON.parse(readFileSync(jobsFile, 'utf8')) as unknown[]) : [];
  jobs.push({ jobId, script, indices: opts.indices, submitted: new Date().toISOString() });
  writeFileSync(jobsFile, `${JSON.stringify(jobs, null, 2)}\n`);
  return { script, jobId };
}

/** The study's submitted job ids, oldest first. */
export function submittedJobs(dir: string): string[] {
  const file = join(dir, 'slurm', 'jobs.json');
  if (!existsSync(file)) return [];
  return (JSON.parse(readFileSync(file, 'utf8')) as { jobId: string }[]).map((j) => j.jobId);
}

export interface QueueTask {
  /** `123_4`: array job and task. */
  id: string;
  state: string;
  detail: string;
}

/** The study's array tasks still in the queue (squeue), and, where accounting runs, their history (sacct). */
export function readQueue(jobIds: readonly string[]): { squeue: QueueTask[] | null; sacct: QueueTask[] | null } {
  if (jobIds.length === 0) return { squeue: null, sacct: null };
  let squeue: QueueTask[] | null = null;
  if (hasCommand('squeue')) {
    const r = spawnSync('squeue', ['-h', '-r', '-j', jobIds.join(','), '-o', '%i|%T|%R'], { encoding: 'utf8' });
    // squeue exits non-zero once a job id is no longer known (finished and purged): nothing queued.
    squeue = r.status === 0 ? parseRows(r.stdout) : [];
  }
  let sacct: QueueTask[] | null = null;
  if (hasCommand('sacct')) {
    const r = spawnSync('sacct', ['-n', '-P', '-X', '-j', jobIds.join(','), '-o', 'JobID,State,ExitCode'], { encoding: 'utf8' });
    if (r.status === 0) sacct = parseRows(r.stdout);
  }
  return { squeue, sacct };
}

function parseRows(text: string): QueueTask[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const [id = '', state = '', detail = ''] = l.split('|');
      return { id, state, detail };
    });
}

/**
 * Each run index's task in the queue (`squeue -r` lists an array's tasks as `JOB_INDEX`), from the
 * newest of the study's jobs that has one: a run resubmitted after a failure shows its new task.
 */
export function queuedRuns(jobIds: readonly string[], tasks: readonly QueueTask[]): Map<number, QueueTask> {
  const byRun = new Map<number, QueueTask>();
  for (const job of jobIds) {
    for (const task of tasks) {
      const match = /^(\d+)_(\d+)$/.exec(task.id);
      if (match && match[1] === job) byRun.set(Number(match[2]), task);
    }
  }
  return byRun;
}
