/**
 * Reading and writing saved models on disk: a folder of the three files, a model .zip archive, or
 * one run of a workspace archive (the page's "Export workspace", issue 18) picked by `--run`.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { vocabulariesFromJSON } from '../data/index.ts';
import type { Sentence, TaskSpec } from '../data/types.ts';
import { decodeModelFiles, encodeModelFiles, MODEL_FILES, unzipModel, type SavedModel } from '../train/formats/checkpoint.ts';
import { readWorkspaceArchive, WORKSPACE_MANIFEST, WorkspaceArchiveError, type ReadWorkspace } from '../workbench/archive/workspaceArchive.ts';
import { UsageError } from './args.ts';

export function writeModelDir(dir: string, model: SavedModel): string[] {
  mkdirSync(dir, { recursive: true });
  const files = encodeModelFiles(model);
  return Object.entries(files).map(([name, bytes]) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  });
}

export function readModelPath(path: string): SavedModel {
  if (!existsSync(path)) throw new Error(`${path}: no such file or folder`);
  if (statSync(path).isDirectory()) {
    const files: Record<string, Uint8Array | undefined> = {};
    for (const name of Object.values(MODEL_FILES)) {
      const file = join(path, name);
      if (existsSync(file)) files[name] = readFileSync(file);
    }
    return decodeModelFiles(files, path);
  }
  return decodeModelFiles(unzipModel(readFileSync(path), path), path);
}

/** Whether a zip is a workspace archive (it has the workspace manifest): its directory is read, no entry unpacked. */
export function isWorkspaceArchive(bytes: Uint8Array): boolean {
  try {
    let found = false;
    unzipSync(bytes, { filter: (file) => ((found ||= file.name === WORKSPACE_MANIFEST), false) });
    return found;
  } catch {
    return false;
  }
}

/** The runs of a workspace archive, one line each: id, name, status, checkpoints (what `--run` takes). */
export function formatWorkspaceRuns(read: ReadWorkspace): string {
  if (read.contents.runs.length === 0) return '  (no runs)\n';
  return read.contents.runs
    .map(({ run, checkpoints }) => `  ${run.runId}\t${run.info.label}\t${run.status}\t${checkpoints.length > 0 ? checkpoints.map((c) => `${c.kind} epoch ${c.epoch}`).join(', ') : 'no model'}\n`)
    .join('');
}

/** A run's model from a validated workspace: its best checkpoint (else its last), by run id or name. */
export function workspaceModel(read: ReadWorkspace, path: string, runNameOrId: string | undefined): SavedModel {
  const held = `${path} is a workspace archive; its runs (id, name, status, model):\n${formatWorkspaceRuns(read)}`;
  if (runNameOrId === undefined) throw new UsageError(`--run NAME_OR_ID is required: ${held}`);
  const runs = read.contents.runs;
  const bundle = runs.find((b) => b.run.runId === runNameOrId) ?? runs.find((b) => b.run.info.label === runNameOrId);
  if (!bundle) throw new UsageError(`no run ${JSON.stringify(runNameOrId)}: ${held}`);
  const checkpoint = bundle.checkpoints.find((c) => c.kind === 'best') ?? bundle.checkpoints.find((c) => c.kind === 'last');
  if (!checkpoint) throw new WorkspaceArchiveError(path, `runs/${bundle.run.runId}`, `${bundle.run.info.label} has no model (it never finished an epoch, or came from a study archive)`);
  return {
    config: bundle.run.config,
    tasks: checkpoint.tasks,
    vocabularies: vocabulariesFromJSON(checkpoint.vocabularies, `${path}: runs/${bundle.run.runId}/${checkpoint.kind}`),
    weights: checkpoint.weights,
    summary: { runId: bundle.run.runId, label: bundle.run.info.label, epoch: checkpoint.epoch, ...(checkpoint.score !== undefined ? { devScore: checkpoint.score } : {}) },
  };
}

/**
 * `--model`: a model folder or zip, or with `--run` a run of a workspace archive (validated
 * whole, as the page's import does). A workspace without `--run` is a usage error listing its runs.
 */
export async function readModelSource(path: string, runNameOrId?: string): Promise<SavedModel> {
  if (existsSync(path) && !statSync(path).isDirectory()) {
    const bytes = readFileSync(path);
    if (isWorkspaceArchive(bytes)) return workspaceModel(await readWorkspaceArchive(path, bytes), path, runNameOrId);
  }
  if (runNameOrId !== undefined) throw new UsageError(`--run picks a run of a workspace archive, and ${path} is not one`);
  return readModelPath(path);
}

/** The file `mtaa train --test F --out DIR` writes beside the model: gold and predicted tags per test sentence. */
export const TEST_PREDICTIONS_FILE = 'test-predictions.json';

export interface TestPredictions {
  format: 'mtaa-test-predictions-1';
  file: string;
  /** The model's tasks; `gold[t]` and `pred[t]` of a sentence are task t's tags (gold null: not labelled). */
  tasks: { name: string; scheme: TaskSpec['scheme'] }[];
  sentences: { words: string[]; gold: (string[] | null)[]; pred: string[][] }[];
}

/** Writes the best epoch's test predictions (`[task][sentence]` tags) as TEST_PREDICTIONS_FILE; returns its path. */
export function writeTestPredictions(dir: string, file: string, tasks: readonly TaskSpec[], sentences: readonly Sentence[], predictions: readonly (readonly string[][])[]): string {
  const body: TestPredictions = {
    format: 'mtaa-test-predictions-1',
    file,
    tasks: tasks.map((t) => ({ name: t.name, scheme: t.scheme })),
    sentences: sentences.map((s, i) => ({ words: s.words, gold: s.tags, pred: tasks.map((_, t) => predictions[t]![i]!) })),
  };
  const path = join(dir, TEST_PREDICTIONS_FILE);
  writeFileSync(path, JSON.stringify(body));
  return path;
}
