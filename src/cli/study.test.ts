/**
 * `mtaa study run` on this machine: the local pool trains each run as a `mtaa train` child into its
 * folder, a re-run skips what finished and redoes a partial run, and collect tabulates the logs.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIO } from './io.ts';
import { main } from './main.ts';

function memoryIO() {
  const io = { stdout: '', stderr: '' };
  const cli: CliIO = { readStdin: async () => '', out: (t) => void (io.stdout += t), err: (t) => void (io.stderr += t), isTTY: false };
  return { io, cli };
}

describe('mtaa study run, locally', () => {
  const work = mkdtempSync(join(tmpdir(), 'mtaa-local-study-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('runs, resumes and collects a study; refuses a bad spec naming the field', async () => {
    const blocks = readFileSync('public/samples/en_ewt-ud-sample.conllu', 'utf8').split(/\n\s*\n/).filter((b) => b.trim());
    writeFileSync(join(work, 'train.conllu'), `${blocks.slice(0, 24).join('\n\n')}\n\n`);
    const spec = { train: 'train.conllu', preset: 'tiny', epochs: 1, seeds: [1], configurations: ['base', 'no-TD'] };
    writeFileSync(join(work, 'spec.json'), JSON.stringify(spec));
    const dir = join(work, 'study');

    const first = memoryIO();
    expect(await main(['study', 'run', join(work, 'spec.json'), '--out', dir, '--jobs', '1', '--threads-per-job', '1'], first.cli)).toBe(0);
    expect(JSON.parse(first.io.stdout)).toMatchObject({ runs: 2, finished: 2, skipped: 0, failed: [] });

    // A run whose process was killed (run.json without an exit code) is redone; the finished one is skipped.
    const record = join(dir, 'runs', 'no-TD-seed1', 'run.json');
    const { exitCode: _gone, ...killed } = JSON.parse(readFileSync(record, 'utf8')) as { exitCode: number };
    writeFileSync(record, JSON.stringify(killed));
    const status = memoryIO();
    expect(await main(['study', 'status', dir], status.cli)).toBe(0);
    expect(status.io.stdout).toMatch(/^ {4}0 base-seed1 +finished +epoch 1\/1, mean dev \d+\.\d\d$/m);
    expect(status.io.stdout).toMatch(/^ {4}1 no-TD-seed1 +partial +epoch 1\/1/m); // its process is gone: not `running`
    expect(status.io.stdout).toContain('runs: 1 finished, 1 partial\n');
    // --only base: base is finished, so nothing runs, and the killed no-TD run is left for later.
    const onlyBase = memoryIO();
    expect(await main(['study', 'run', join(work, 'spec.json'), '--out', dir, '--only', 'base'], onlyBase.cli)).toBe(0);
    expect(JSON.parse(onlyBase.io.stdout)).toMatchObject({ finished: 0, skipped: 1, failed: [] });
    expect(onlyBase.io.stderr).toContain("--only: 1 of the study's 2 runs");
    expect(onlyBase.io.stderr).not.toContain('start  no-TD-seed1');
    const onlyTypo = memoryIO();
    expect(await main(['study', 'run', join(work, 'spec.json'), '--out', dir, '--only', 'noTD'], onlyTypo.cli)).toBe(1);
    expect(onlyTypo.io.stderr).toContain("--only noTD: no configuration named 'noTD'; the study has 'base', 'no-TD'");
    const second = memoryIO();
    expect(await main(['study', 'run', join(work, 'spec.json'), '--out', dir], second.cli)).toBe(0);
    expect(JSON.parse(second.io.stdout)).toMatchObject({ finished: 1, skipped: 1 });
    expect(second.io.stderr).toContain('start  no-TD-seed1');
    expect(second.io.stderr).not.toContain('start  base-seed1');

    const collected = memoryIO();
    expect(await main(['study', 'collect', dir], collected.cli)).toBe(0);
    const table = JSON.parse(readFileSync(join(dir, 'results', 'table.json'), 'utf8')) as { table: { rows: { configName: string; devScore: { mean: number } }[] } };
    for (const row of table.table.rows) {
      const summary = JSON.parse(readFileSync(join(dir, 'runs', `${row.configName}-seed1`, 'events.jsonl'), 'utf8').trim().split('\n').at(-1)!) as { dev: { value: number }[] };
      expect(row.devScore.mean).toBeCloseTo(summary.dev.reduce((a, s) => a + s.value, 0) / summary.dev.length, 8);
    }
    // No test file: the Markdown compares dev means with the baseline's instead.
    expect(collected.io.stdout).toMatch(/^\| configuration \| seeds \| best dev epoch \| UPOS dev \| UPOS Δ dev \|/m);
    // Under it, β at the best epoch: no-TD fuses with attention (base has no fusion, so no row).
    expect(collected.io.stdout).toMatch(/^\| configuration \| β individual: UPOS \|/m);
    expect(collected.io.stdout).toMatch(/^\| no-TD \| 0\.\d{3} \|/m);
    expect(collected.io.stdout).not.toMatch(/^\| base \| 0\./m);

    const other = memoryIO();
    writeFileSync(join(work, 'other.json'), JSON.stringify({ ...spec, seeds: [1, 2] }));
    expect(await main(['study', 'run', join(work, 'other.json'), '--out', dir], other.cli)).toBe(1);
    expect(other.io.stderr).toMatch(/holds another study/);
    const bad = memoryIO();
    writeFileSync(join(work, 'bad.json'), JSON.stringify({ ...spec, configurations: ['MTAA', 'nope'] }));
    expect(await main(['study', 'run', join(work, 'bad.json'), '--out', join(work, 'b')], bad.cli)).toBe(1);
    expect(bad.io.stderr).toContain('bad.json: configurations[1]: unknown ablation "nope"');
  }, 180_000);
});
