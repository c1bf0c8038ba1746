/** Reading and writing saved models on disk: a folder of the three files, or a .zip archive. */
import { mkdirSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Sentence, TaskSpec } from '../data/types.ts';
import { decodeModelFiles, encodeModelFiles, MODEL_FILES, unzipModel, type SavedModel } from '../train/formats/checkpoint.ts';

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
