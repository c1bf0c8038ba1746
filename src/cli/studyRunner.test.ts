import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseStudySpec } from '../study/spec.ts';
import { planPool, prepareStudyDir, runDir, runOne, runPool, runState, selectRuns } from './studyRunner.ts';

describe('study runner', () => {
  it('shares the cores: jobs × threads per job never exceeds them', () => {
    expect(planPool({ runs: 24, cores: 16 })).toEqual({ jobs: 16, threads: 1 });
    expect(planPool({ runs: 24, cores: 16, threads: 4 })).toEqual({ jobs: 4, threads: 4 });
    expect(planPool({ runs: 24, cores: 16, jobs: 3 })).toEqual({ jobs: 3, threads: 5 });
    expect(planPool({ runs: 2, cores: 16 })).toEqual({ jobs: 2, threads: 1 });
    expect(() => planPool({ runs: 8, cores: 2, jobs: 2, threads: 2 })).toThrow('--jobs 2 × --threads-per-job 2 = 4 threads on 2 cores');
  });

  const dir = mkdtempSync(join(tmpdir(), 'mtaa-runner-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const folder = (name: string, record: object | null, events: string) => {
    const f = join(dir, name);
    mkdirSync(f);
    if (record) writeFileSync(join(f, 'run.json'), JSON.stringify(record));
    writeFileSync(join(f, 'events.jsonl'), events);
    return f;
  };

  it('skips only a run that exited 0 with its summary; a killed or crashed one is redone', () => {
    const epoch = '{"type":"epoch","epoch":1}\n';
    const summary = '{"type":"summary"}\n';
    expect(runState(folder('done', { exitCode: 0 }, epoch + summary))).toBe('finished');
    expect(runState(folder('killed', { exitCode: null }, epoch))).toBe('failed');
    expect(runState(folder('no-pid', {}, epoch))).toBe('partial');
    expect(runState(folder('truncated', { exitCode: 0 }, `${epoch}{"type":"summ`))).toBe('failed');
    expect(runState(folder('no-record', null, epoch))).toBe('partial');
    expect(runState(join(dir, 'absent'))).toBe('not started');
  });

  it('tells a run whose train process is alive here from a killed one, and never starts it twice', async () => {
    const spec = parseStudySpec(JSON.stringify({ train: 'train.conll', preset: 'tiny', epochs: 1, seeds: [1], configurations: ['base'] }), 'spec.json', dir, ['base']);
    const study = join(dir, 'live');
    prepareStudyDir(study, spec);
    const [run] = selectRuns(spec, undefined);
    const folder = runDir(study, run!);
    mkdirSync(folder, { recursive: true });
    // Stands in for `mtaa train … --model-dir runs/<id>/model`: a live process with that argument.
    const trainer = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)', join(folder, 'model')], { stdio: 'ignore' });
    const gone = new Promise((done) => trainer.on('exit', done));
    const record = (fields: object) => writeFileSync(join(folder, 'run.json'), JSON.stringify({ index: 0, id: run!.id, ...fields }));
    try {
      record({ pid: trainer.pid, machine: hostname() });
      expect(runState(folder)).toBe('running');
      writeFileSync(join(folder, 'events.jsonl'), '{"type":"epoch","epoch":1}\n');
      await expect(runOne(study, spec, run!, 1)).rejects.toThrow('base-seed1 is training in another process');
      expect(existsSync(join(folder, 'events.jsonl'))).toBe(true);
      const lines: string[] = [];
      const result = await runPool(study, spec, { jobs: 1, threads: 1 }, (line) => lines.push(line));
      expect(result).toEqual({ finished: 0, failed: [], skipped: 0 });
      expect(lines).toEqual(['1 run(s) training in another process, left to it: base-seed1']);
      // Another machine's process cannot be seen from here, and this process is not the run's (its arguments differ).
      record({ pid: trainer.pid, machine: `${hostname()}-elsewhere` });
      expect(runState(folder)).toBe('partial');
      record({ pid: process.pid, machine: hostname() });
      expect(runState(folder)).toBe('partial');
    } finally {
      trainer.kill();
      await gone;
    }
    record({ pid: trainer.pid, machine: hostname() });
    expect(runState(folder)).toBe('partial');
  });

  it('--only keeps the named configurations\' runs, with their study-wide indices, and refuses a name the study lacks', () => {
    const spec = parseStudySpec(
      JSON.stringify({ train: 'train.conll', preset: 'tiny', epochs: 1, seeds: [1, 2], configurations: ['base', 'no-TD', 'MTAA'] }),
      'spec.json',
      dir,
      ['base', 'no-TD', 'MTAA'],
    );
    expect(selectRuns(spec, undefined).map((r) => r.id)).toEqual(['base-seed1', 'base-seed2', 'no-TD-seed1', 'no-TD-seed2', 'MTAA-seed1', 'MTAA-seed2']);
    expect(selectRuns(spec, 'MTAA, base').map((r) => [r.id, r.index])).toEqual([
      ['base-seed1', 0],
      ['base-seed2', 1],
      ['MTAA-seed1', 4],
      ['MTAA-seed2', 5],
    ]);
    expect(() => selectRuns(spec, 'base,mtaa')).toThrow("--only base,mtaa: no configuration named 'mtaa'; the study has 'base', 'no-TD', 'MTAA'");
    expect(() => selectRuns(spec, ',')).toThrow('names no configuration');
  });

  it('takes a spec that appends configurations as the study grown, and refuses any other change naming it', () => {
    const spec = (configurations: string[], epochs = 1) =>
      parseStudySpec(JSON.stringify({ train: 'train.conll', preset: 'tiny', epochs, seeds: [1], configurations, baseline: 'base' }), 'spec.json', dir, ['base', 'no-TD', 'MTAA']);
    const study = join(dir, 'growing');
    prepareStudyDir(study, spec(['base', 'MTAA']));
    const grown: string[][] = [];
    prepareStudyDir(study, spec(['base', 'MTAA']), (added) => grown.push(added)); // the same study: nothing grows
    prepareStudyDir(study, spec(['base', 'MTAA', 'no-TD']), (added) => grown.push(added));
    expect(grown).toEqual([['no-TD']]);
    // The grown study is the one kept: its first runs keep their indices.
    expect(selectRuns(spec(['base', 'MTAA', 'no-TD']), undefined).map((r) => r.index)).toEqual([0, 1, 2]);
    expect(() => prepareStudyDir(study, spec(['MTAA', 'base', 'no-TD']))).toThrow(
      'holds another study (its configuration 1 is "base" as study.json has it, and this spec changes it; a study may only grow by configurations added at the end)',
    );
    expect(() => prepareStudyDir(study, spec(['base', 'MTAA']))).toThrow('configuration 3 is "no-TD" as study.json has it, and this spec leaves it out');
    expect(() => prepareStudyDir(study, spec(['base', 'MTAA', 'no-TD'], 2))).toThrow('holds another study (its study.json has epochs 1, this spec 2)');
  });
});
