/**
 * Reading a model archive the user drops on the page (exported by the workbench or `mtaa train
 * --out`): unzip, validate the manifest, vocabularies, tag sets, names and shapes (decodeModelFiles),
 * and, when the archive carries both weight files, check that they agree value for value — an edit
 * to either one (a tampered archive) is refused, naming the first weight that differs. Pure TS.
 */
import { CheckpointError, decodeModelFiles, MODEL_FILES, unzipModel, type SavedModel } from './checkpoint.ts';
import { decodeSafetensors } from './safetensors.ts';

export function readModelArchive(fileName: string, bytes: Uint8Array): SavedModel {
  const files = unzipModel(bytes, fileName);
  const saved = decodeModelFiles(files, fileName);
  const safetensors = files[MODEL_FILES.safetensors];
  if (files[MODEL_FILES.weights] && safetensors) {
    const other = new Map(decodeSafetensors(safetensors, `${fileName}/${MODEL_FILES.safetensors}`).weights.map((w) => [w.name, w]));
    for (const w of saved.weights) {
      const twin = other.get(w.name);
      if (!twin) throw new CheckpointError(fileName, w.name, `in ${MODEL_FILES.weights} but not in ${MODEL_FILES.safetensors}`);
      const a = w.data;
      const b = twin.data;
      if (a.length !== b.length || a.some((v, i) => !Object.is(v, b[i]))) {
        throw new CheckpointError(fileName, w.name, `${MODEL_FILES.weights} and ${MODEL_FILES.safetensors} disagree: the archive was modified`);
      }
    }
  }
  return saved;
}
