/**
 * `mtaa study --slurm` on a real one-node Slurm cluster (src/cli/localSlurm.ts): submits a 3-run
 * `tiny` study, waits for the array, collects it and checks the table against each run's own log.
 * If Slurm cannot start here the test fails with the daemons' logs; it is never skipped.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStudyArchive } from '../study/archive.ts';
import type { CliIO } from './io.ts';
import { startLocalSlurm, type LocalSlurm } from './localSlurm.ts';
import { main } from './main.ts';

function memoryIO() {
  const io = { stdout: '', stderr: '' };
  const cli: CliIO = { readStdin: async () => '', out: (t) => void (io.stdout += t), err: (t) => void (io.stderr += t), isTTY: false };
  return { io, cli };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('mtaa study on a one-node Slurm cluster', () => {
  let slurm: LocalSlurm;
  let work: string;
  const savedConf = process.env.SLURM_CONF;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'mtaa-study-'));
    // Train, dev and test files cut from the built-in sample (UD EWT excerpt, in the repository).
    const blocks = readFileSync('public/samples/en_ewt-ud-sample.conllu', 'utf8').split(/\n\s*\n/).filter((b) => b.trim());
    const write = (name: string, from: number, to: number) => writeFileSync(join(work, name), `${blocks.slice(from, to).join('\n\n')}\n\n`);
    write('train.conllu', 0, 30);
    write('dev.conllu', 30, 42);
    write('test.conllu', 42, 54);
    writeFileSync(
      join(work, 'spec.json'),
      JSON.stringify({ train: 'train.conllu', dev: 'dev.conllu', test: 'test.conllu', preset: 'tiny', epochs: 1, seeds: [1], configurations: ['base', 'no-TD', 'MTAA'], baseline: 'base', bootstrap: { samples: 200 } }),
    );
  });

  afterAll(async () => {
    if (savedConf === undefined) delete process.env.SLURM_CONF;
    else process.env.SLURM_CONF = savedConf;
    await slurm?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('runs every (configuration, seed) as an array task, and collects the table the runs logged', async () => {
    // Started in the test, not a hook: a cluster that cannot start fails this test with the daemons' logs.
    slurm = await startLocalSlurm({ cpus: 2 });
    process.env.SLURM_CONF = slurm.env.SLURM_CONF; // sbatch, squeue and sacct read it
    const dir = join(work, 'study');
    const submit = memoryIO();
    const code = await main(['study', 'run', join(work, 'spec.json'), '--out', dir, '--slurm', '--cpus', '1', '--time', '00:10:00'], submit.cli);
    expect(submit.io.stderr).toBe('');
    expect(code).toBe(0);
    const jobId = /submitted job (\d+)/.exec(submit.io.stdout)?.[1];
    expect(jobId, submit.io.stdout).toBeDefined();
    expect(readFileSync(join(dir, 'slurm', 'study.sbatch'), 'utf8')).toContain('#SBATCH --array=0-2');

    // Wait for the array: every run folder finished, or a failure, or 150 s.
    let status = '';
    for (let i = 0; i < 150; i++) {
      const s = memoryIO();
      await main(['study', 'status', dir], s.cli);
      status = s.io.stdout;
      // Every run is either finished or shows its array task's place in the queue beside it.
      for (const [index, id] of ['base-seed1', 'no-TD-seed1', 'MTAA-seed1'].entries()) {
        const row = new RegExp(`^ +${index} ${id} +(finished +epoch 1/1, mean dev [\\d.]+|\\S+ .*slurm ${jobId}_${index} [A-Z]+)$`, 'm');
        expect(status, `poll ${i}`).toMatch(row);
      }
      // Right after sbatch no run has finished yet (a run takes seconds): the queue shows in the rows.
      if (i === 0) expect(status).toContain(`slurm ${jobId}_`);
      if (/runs: 3 finished/.test(status) || /failed/.test(status)) break;
      await sleep(1000);
    }
    const taskLogs = () => ['0', '1', '2'].map((t) => { try { return readFileSync(join(dir, 'slurm', `${jobId}_${t}.out`), 'utf8'); } catch { return `(no ${jobId}_${t}.out)`; } }).join('\n');
    expect(status, `${status}\n${taskLogs()}\n${slurm.logs()}`).toMatch(/runs: 3 finished/);
    expect(status).toContain(`slurm jobs ${jobId}`);

    const collected = memoryIO();
    expect(await main(['study', 'collect', dir], collected.cli)).toBe(0);
    expect(collected.io.stderr).toBe(''); // no run left out, every run's test predictions give its logged test score back
    const result = JSON.parse(readFileSync(join(dir, 'results', 'table.json'), 'utf8')) as {
      table: { tasks: string[]; rows: { configName: string; bestEpochs: number[]; tasks: Record<string, { dev: { mean: number; n: number }; test: { mean: number } }> }[] };
      comparisons: Record<string, Record<string, { delta: number; p: number }>>;
    };
    expect(result.table.rows.map((r) => r.configName)).toEqual(['base', 'no-TD', 'MTAA']);
    for (const row of result.table.rows) {
      // The run's own log: train's JSON lines, the last one its summary.
      const lines = readFileSync(join(dir, 'runs', `${row.configName}-seed1`, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown);
      const summary = lines.at(-1) as { type: string; bestEpoch: number; dev: { task: string; value: number }[]; test: { task: string; value: number }[] };
      expect(summary.type).toBe('summary');
      expect(row.bestEpochs).toEqual([summary.bestEpoch]);
      for (const score of summary.dev) {
        expect(row.tasks[score.task]!.dev.n).toBe(1);
        expect(row.tasks[score.task]!.dev.mean).toBeCloseTo(score.value, 10);
      }
      for (const score of summary.test) expect(row.tasks[score.task]!.test.mean).toBeCloseTo(score.value, 10);
      if (row.configName !== 'base') {
        const base = result.table.rows.find((r) => r.configName === 'base')!;
        for (const task of result.table.tasks) {
          expect(result.comparisons[row.configName]![task]!.delta).toBeCloseTo(row.tasks[task]!.test.mean - base.tasks[task]!.test.mean, 8);
        }
      }
    }
    const archive = readStudyArchive('study-archive.zip', readFileSync(join(dir, 'results', 'study-archive.zip')));
    expect(archive.runs).toHaveLength(3);
    expect(archive.study.items.map((i) => i.configName)).toEqual(['base', 'no-TD', 'MTAA']);

    // Resuming submits nothing: every run has finished.
    const again = memoryIO();
    expect(await main(['study', 'run', join(work, 'spec.json'), '--out', dir, '--slurm'], again.cli)).toBe(1);
    expect(again.io.stderr).toMatch(/every run of the study has finished/);
  }, 200_000);
});
