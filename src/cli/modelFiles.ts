/** Reading and writing saved models on disk: a folder of the three files, or a .zip archive. */
import { mkdirSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
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
