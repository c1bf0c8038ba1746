import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { buildVocabularies } from '../../data/index.ts';
import { presets } from '../../core/config.ts';
import { encodeModelFiles, minimumWeightCount, MODEL_FILES, zipModel } from './checkpoint.ts';
import { readModelArchive } from './importArchive.ts';

const vocabularies = buildVocabularies([{ words: ['a', 'b'], tags: [['X', 'Y']] }], 1);
/** The importer refuses manifests smaller than the config's smallest model, so the archive carries that many more values. */
const padding = minimumWeightCount(presets.tiny, 1, vocabularies);

function archive(): Uint8Array {
  return zipModel(
    encodeModelFiles({
      config: presets.tiny,
      tasks: [{ name: 'POS', column: 1, scheme: 'plain' }],
      vocabularies,
      weights: [
        { name: 'w', shape: [2], data: Float32Array.of(0.5, -1) },
        { name: 'v', shape: [1], data: Float32Array.of(3) },
        { name: 'pad', shape: [padding], data: new Float32Array(padding) },
      ],
    }),
  );
}

describe('readModelArchive', () => {
  it('reads an exported archive', () => {
    const saved = readModelArchive('m.zip', archive());
    expect(saved.tasks.map((t) => t.name)).toEqual(['POS']);
    expect(saved.weights.map((w) => [w.name, Array.from(w.data.slice(0, 2))])).toEqual([
      ['w', [0.5, -1]],
      ['v', [3]],
      ['pad', [0, 0]],
    ]);
    expect(saved.weights[2]!.data.length).toBe(padding);
  });

  it('refuses an archive whose weights were edited, naming the weight', () => {
    const files = unzipSync(archive());
    const bin = new Float32Array(files[MODEL_FILES.weights]!.slice().buffer);
    bin[1] = 7; // the second value of `w`
    const tampered = zipSync({ ...files, [MODEL_FILES.weights]: new Uint8Array(bin.buffer) });
    expect(() => readModelArchive('m.zip', tampered)).toThrow(/m\.zip: w: weights\.bin and model\.safetensors disagree/);
  });

  it('refuses a truncated weights file or a non-zip, naming the file', () => {
    const files = unzipSync(archive());
    const cut = zipSync({ ...files, [MODEL_FILES.weights]: files[MODEL_FILES.weights]!.slice(0, 8) });
    expect(() => readModelArchive('m.zip', cut)).toThrow(new RegExp(`m\\.zip: weights\\.bin: 8 bytes, but the manifest's weights need ${4 * (3 + padding)}`));
    expect(() => readModelArchive('m.zip', zipSync({ ...files, [MODEL_FILES.weights]: new Uint8Array(0) }))).toThrow(/m\.zip: weights\.bin: 0 bytes/);
    expect(() => readModelArchive('notes.txt', new TextEncoder().encode('hello'))).toThrow(/notes\.txt: archive: not a readable zip/);
  });
});
