/**
 * The `sbatch --array` script of a study: one array task per unfinished run, each running
 * `mtaa study run-one DIR --index $SLURM_ARRAY_TASK_ID`, which starts the same `mtaa train` child
 * as the local pool. Pure text: the CLI writes and submits it (src/cli/studySlurm.ts).
 */

export interface SlurmOptions {
  /** The study folder, absolute (on a file system the nodes share). */
  dir: string;
  /** The repository's root, absolute: the script runs `node <repo>/src/cli/mtaa.mjs`. */
  repo: string;
  /** Node on the nodes; the script lets `$MTAA_NODE` override it. */
  node: string;
  /** Run indices to run (the unfinished ones). */
  indices: number[];
  jobName: string;
  partition?: string;
  /** Slurm's time format, e.g. `02:00:00` or `1-12:00:00`. */
  time?: string;
  cpus: number;
  mem?: string;
  /** e.g. `gpu:1`. */
  gres?: string;
  /** `mtaa train --backend` on the nodes; the study's own when absent. */
  backend?: string;
  account?: string;
  /** At most this many array tasks at once (`%N`). */
  parallel?: number;
}

/** Compresses sorted indices into Slurm's array syntax: 0-3,5,7-8. */
export function arrayRanges(indices: readonly number[]): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** Single-quotes a word for bash. */
export const shellQuote = (word: string) => (/^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

export function slurmScript(o: SlurmOptions): string {
  if (o.indices.length === 0) throw new Error('no runs left to submit: every run of the study has finished');
  const directives = [
    `--job-name=${o.jobName}`,
    `--array=${arrayRanges(o.indices)}${o.parallel ? `%${o.parallel}` : ''}`,
    '--ntasks=1',
    `--cpus-per-task=${o.cpus}`,
    ...(o.time ? [`--time=${o.time}`] : []),
    ...(o.partition ? [`--partition=${o.partition}`] : []),
    ...(o.mem ? [`--mem=${o.mem}`] : []),
    ...(o.gres ? [`--gres=${o.gres}`] : []),
    ...(o.account ? [`--account=${o.account}`] : []),
    `--output=${o.dir}/slurm/%A_%a.out`,
  ];
  const runOne = [
    '"${MTAA_NODE:-' + o.node + '}"',
    shellQuote(`${o.repo}/src/cli/mtaa.mjs`),
    'study', 'run-one', shellQuote(o.dir),
    '--index', '"$SLURM_ARRAY_TASK_ID"',
    '--threads', '"${SLURM_CPUS_PER_TASK:-' + o.cpus + '}"',
    ...(o.backend ? ['--backend', shellQuote(o.backend)] : []),
  ];
  return [
    '#!/bin/bash',
    `# An MTAA study as a Slurm array: one task per (configuration, seed) run of ${o.dir}.`,
    '# Written by `mtaa study run SPEC --out DIR --slurm`; a task whose run already finished exits at once,',
    '# so resubmitting this script after a failure reruns only what is missing.',
    ...directives.map((d) => `#SBATCH ${d}`),
    'set -euo pipefail',
    `cd ${shellQuote(o.repo)}`,
    `exec ${runOne.join(' ')}`,
    '',
  ].join('\n');
}
