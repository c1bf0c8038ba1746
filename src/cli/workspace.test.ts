/**
 * The CLI reads the page's workspace archive: a model trained by `mtaa train`, put in a workspace
 * as a run's best checkpoint by the same writer the page's "Export workspace" uses, gives exactly
 * the same `eval` report and `predict` output through `--model WORKSPACE.zip --run NAME_OR_ID` as
 * from its folder; `workspace list` and a missing or unknown `--run` print the runs it holds; a
 * truncated archive is refused naming it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunInfo } from '../core/events.ts';
import { vocabulariesToJSON } from '../data/index.ts';
import { writeWorkspaceArchive } from '../workbench/archive/workspaceArchive.ts';
import type { CliIO } from './io.ts';
import { main } from './main.ts';
import { readModelPath } from './modelFiles.ts';

function fakeIO(stdin = ''): CliIO & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    isTTY: false,
    readStdin: async () => stdin,
    out: (text: string) => void (io.stdout += text),
    err: (text: string) => void (io.stderr += text),
  };
  return io;
}

const dir = mkdtempSync(join(tmpdir(), 'mtaa-workspace-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// 40 short CoNLL-2003 sentences (word POS chunk NER) from the shared dev file.
const conll = readFileSync(new URL('../../../shared/data/conll2003/eng.testa', import.meta.url), 'utf8')
  .split(/\n\n+/)
  .filter((block) => block.trim() && !block.startsWith('-DOCSTART-') && block.split('\n').length <= 10)
  .slice(0, 40)
  .join('\n\n');
const dataFile = join(dir, 'data.conll');
writeFileSync(dataFile, `${conll}\n\n`);
const modelDir = join(dir, 'model');
const workspaceFile = join(dir, 'workspace.zip');

beforeAll(async () => {
  const io = fakeIO();
  expect(await main(['train', '--train', dataFile, '--preset', 'tiny', '--epochs', '1', '--out', modelDir], io)).toBe(0);
  const saved = readModelPath(modelDir);
  const info: RunInfo = { runId: 'run-3', label: 'MTAA tiny', config: saved.config, datasetName: 'data.conll', backend: 'wasm' };
  const checkpoint = { runId: 'run-3', epoch: 1, step: 3, tasks: saved.tasks, vocabularies: vocabulariesToJSON(saved.vocabularies), weights: saved.weights };
  const archive = await writeWorkspaceArchive({
    runs: [
      {
        run: { runId: 'run-3', info, config: saved.config, status: 'completed', notes: '', datasetHash: null, overrides: [], updatedAt: 1 },
        events: [],
        checkpoints: [{ ...checkpoint, kind: 'best', score: 50, scores: [] }],
      },
      {
        run: { runId: 'run-4', info: { ...info, runId: 'run-4', label: 'never trained' }, config: saved.config, status: 'stopped', notes: '', datasetHash: null, overrides: [], updatedAt: 1 },
        events: [],
        checkpoints: [],
      },
    ],
    datasets: [],
    bertFeatures: [],
    settings: { currentDataset: null, study: null },
  });
  writeFileSync(workspaceFile, archive);
}, 120_000);

describe('mtaa eval / predict --model WORKSPACE.zip --run', () => {
  it('evaluates a run of a workspace exactly as its model folder, by name or by id', async () => {
    const fromDir = fakeIO();
    expect(await main(['eval', '--model', modelDir, '--data', dataFile], fromDir)).toBe(0);
    const byName = fakeIO();
    expect(await main(['eval', '--model', workspaceFile, '--run', 'MTAA tiny', '--data', dataFile], byName)).toBe(0);
    const byId = fakeIO();
    expect(await main(['eval', '--model', workspaceFile, '--run', 'run-3', '--data', dataFile], byId)).toBe(0);
    expect(byName.stdout).toContain('# NER (');
    expect(byName.stdout).toBe(fromDir.stdout);
    expect(byId.stdout).toBe(fromDir.stdout);
  });

  it('predicts from a run of a workspace exactly as from its model folder', async () => {
    const input = conll.split('\n').map((line) => line.split(' ')[0] ?? '').join('\n');
    const fromDir = fakeIO(input);
    expect(await main(['predict', '--model', modelDir], fromDir)).toBe(0);
    const fromWorkspace = fakeIO(input);
    expect(await main(['predict', '--model', workspaceFile, '--run', 'run-3'], fromWorkspace)).toBe(0);
    expect(fromWorkspace.stdout).toBe(fromDir.stdout);
  });

  it('lists the runs it holds: `workspace list`, and when --run is missing or names no run', async () => {
    const list = fakeIO();
    expect(await main(['workspace', 'list', workspaceFile], list)).toBe(0);
    expect(list.stdout).toBe(`${workspaceFile}: 2 runs (id, name, status, model)\n  run-3\tMTAA tiny\tcompleted\tbest epoch 1\n  run-4\tnever trained\tstopped\tno model\n`);
    const json = fakeIO();
    expect(await main(['workspace', 'list', workspaceFile, '--json'], json)).toBe(0);
    expect((JSON.parse(json.stdout) as { runs: { runId: string }[] }).runs.map((r) => r.runId)).toEqual(['run-3', 'run-4']);

    const missing = fakeIO();
    expect(await main(['eval', '--model', workspaceFile, '--data', dataFile], missing)).toBe(2);
    expect(missing.stderr).toContain(`mtaa eval: --run NAME_OR_ID is required: ${workspaceFile} is a workspace archive; its runs (id, name, status, model):\n  run-3\tMTAA tiny`);
    const unknown = fakeIO();
    expect(await main(['predict', '--model', workspaceFile, '--run', 'MTAA'], unknown)).toBe(2);
    expect(unknown.stderr).toContain('mtaa predict: no run "MTAA": ');
    const noModel = fakeIO();
    expect(await main(['eval', '--model', workspaceFile, '--run', 'never trained', '--data', dataFile], noModel)).toBe(1);
    expect(noModel.stderr).toBe(`mtaa eval: ${workspaceFile}: runs/run-4: never trained has no model (it never finished an epoch, or came from a study archive)\n`);
  });

  it('refuses a truncated workspace archive, naming it', async () => {
    const truncated = join(dir, 'truncated.zip');
    const bytes = readFileSync(workspaceFile);
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 100));
    const io = fakeIO();
    expect(await main(['workspace', 'list', truncated], io)).toBe(1);
    expect(io.stderr).toMatch(new RegExp(`^mtaa workspace: ${truncated.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: archive: not a readable zip archive`));
  });
});
