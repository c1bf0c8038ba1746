/**
 * Saved models: export → zip → unzip → import gives the same tagger (same weights, same
 * predictions), also from `model.safetensors` alone; the safetensors bytes follow the format; and
 * every kind of broken file is refused with a CheckpointError naming the file and the field, without
 * leaving any tensor of a half-built model behind.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { strFromU8, strToU8, zipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildVocabularies, loadDataset, type Dataset } from '../../data/index.ts';
import type { Sentence } from '../../data/types.ts';
import { resolveConfig, type RunConfigPatch } from '../../core/config.ts';
import {
  CheckpointError,
  decodeModelFiles,
  encodeModelFiles,
  MODEL_FILES,
  MODEL_FORMAT,
  unzipModel,
  zipModel,
  type ModelManifest,
} from './checkpoint.ts';
import { evaluate } from '../evaluate.ts';
import { createTaggerModel, disposeTaggerModel, fromSavedModel, toSavedModel, type TaggerModel } from '../taggerModel.ts';

const SOURCE = 'tagger.zip';

const dataset: Dataset = loadDataset(
  'en_ewt-ud-sample.conllu',
  readFileSync(new URL('../../../public/samples/en_ewt-ud-sample.conllu', import.meta.url)),
);
const sentences: Sentence[] = dataset.sentences.filter((s) => s.words.length >= 3 && s.words.length <= 9).slice(0, 10);

/** A model whose every weight is random (CRF start/end and biases too, which start at zero). */
function randomModel(patch: RunConfigPatch = {}, seed = 11): TaggerModel {
  const config = resolveConfig('tiny', patch);
  const vocabularies = buildVocabularies(sentences, dataset.tasks.length, { words: { minCount: 1 } });
  const model = createTaggerModel(config, dataset.tasks, vocabularies);
  let k = 0;
  for (const v of model.params.variables.values()) {
    tf.tidy(() => v.assign(tf.randomNormal(v.shape, 0, 0.5, 'float32', seed * 1000 + k++)));
  }
  return model;
}

async function exportZip(model: TaggerModel): Promise<{ files: Record<string, Uint8Array>; zip: Uint8Array }> {
  const files = encodeModelFiles(await toSavedModel(model, { bestEpoch: 3 }));
  return { files, zip: zipModel(files) };
}

function importZip(zip: Uint8Array): TaggerModel {
  return fromSavedModel(decodeModelFiles(unzipModel(zip, SOURCE), SOURCE), SOURCE);
}

async function expectSamePredictions(a: TaggerModel, b: TaggerModel): Promise<void> {
  const ea = await evaluate(a, sentences);
  const eb = await evaluate(b, sentences);
  expect(eb.predictions).toEqual(ea.predictions);
  expect(eb.report.loss).toEqual(ea.report.loss);
  // not a vacuous comparison: a random model predicts more than one tag
  expect(new Set(ea.predictions[0]!.flat()).size).toBeGreaterThan(1);
}

function expectSameWeights(a: TaggerModel, b: TaggerModel): void {
  expect([...b.params.variables.keys()]).toEqual([...a.params.variables.keys()]);
  for (const [name, v] of a.params.variables) {
    const w = b.params.variables.get(name)!;
    expect(w.shape, name).toEqual(v.shape);
    expect(Array.from(w.dataSync()), name).toEqual(Array.from(v.dataSync()));
  }
}

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
});

describe('checkpoint round trip', () => {
  it.each([
    ['mtaa', {}],
    ['iterative', { model: { architecture: 'iterative' } }],
    ['base, two-step fusion ignored', { model: { architecture: 'base', fusion: 'twoStep' } }],
  ] as [string, RunConfigPatch][])('%s: export → zip → unzip → import gives the same weights and predictions', async (_, patch) => {
    const model = randomModel(patch);
    const { zip } = await exportZip(model);
    const loaded = importZip(zip);
    try {
      expect(loaded.config).toEqual(model.config);
      expect(loaded.tasks).toEqual(model.tasks);
      expect(loaded.vocabularies.words.tokens).toEqual(model.vocabularies.words.tokens);
      expect(loaded.vocabularies.tags.map((t) => t.tags)).toEqual(model.vocabularies.tags.map((t) => t.tags));
      expectSameWeights(model, loaded);
      await expectSamePredictions(model, loaded);
    } finally {
      disposeTaggerModel(model);
      disposeTaggerModel(loaded);
    }
  });

  it('imports from model.safetensors alone (weights.bin dropped)', async () => {
    const model = randomModel();
    const { files } = await exportZip(model);
    const withoutBin = { ...files };
    delete withoutBin[MODEL_FILES.weights];
    const zip = zipModel(withoutBin);
    expect(Object.keys(unzipModel(zip, SOURCE)).sort()).toEqual([MODEL_FILES.manifest, MODEL_FILES.safetensors].sort());
    const loaded = importZip(zip);
    try {
      expectSameWeights(model, loaded);
      await expectSamePredictions(model, loaded);
    } finally {
      disposeTaggerModel(model);
      disposeTaggerModel(loaded);
    }
  });

  it('keeps the training summary and writes the format and version', async () => {
    const model = randomModel();
    try {
      const { files, zip } = await exportZip(model);
      const manifest = JSON.parse(strFromU8(files[MODEL_FILES.manifest]!)) as ModelManifest;
      expect(manifest.format).toBe(MODEL_FORMAT);
      expect(manifest.version).toBe(1);
      expect(decodeModelFiles(unzipModel(zip, SOURCE), SOURCE).summary).toEqual({ bestEpoch: 3 });
      // weights.bin is the manifest's weights, in order, as little-endian float32
      const specs = manifest.weightsManifest.flatMap((g) => g.weights);
      expect(specs.map((s) => s.name)).toEqual([...model.params.variables.keys()]);
      const bin = files[MODEL_FILES.weights]!;
      const sizes = specs.map((s) => s.shape.reduce((a, b) => a * b, 1));
      expect(bin.length).toBe(4 * sizes.reduce((a, b) => a + b, 0));
      const view = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
      let at = 0;
      for (const [i, spec] of specs.entries()) {
        const expected = model.params.variables.get(spec.name)!.dataSync();
        for (let j = 0; j < sizes[i]!; j++) expect(view.getFloat32(4 * (at + j), true)).toBe(expected[j]);
        at += sizes[i]!;
      }
    } finally {
      disposeTaggerModel(model);
    }
  });
});

describe('safetensors byte layout', () => {
  it('has a u64 header length, a JSON header, contiguous in-bounds offsets and 8-byte-aligned data', async () => {
    const model = randomModel();
    try {
      const { files } = await exportZip(model);
      const bytes = files[MODEL_FILES.safetensors]!;
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const headerLength = Number(view.getBigUint64(0, true));
      expect(8 + headerLength).toBeLessThanOrEqual(bytes.length);
      expect((8 + headerLength) % 8).toBe(0);
      const headerText = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength));
      expect(headerText.trimEnd().endsWith('}')).toBe(true);
      expect(headerText.slice(headerText.trimEnd().length)).toMatch(/^ *$/); // padding is spaces only
      const header = JSON.parse(headerText) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }> & {
        __metadata__?: Record<string, string>;
      };
      expect(header.__metadata__).toEqual({ format: MODEL_FORMAT, tasks: 'UPOS,XPOS,DEPREL' });
      for (const value of Object.values(header.__metadata__!)) expect(typeof value).toBe('string');

      const entries = Object.entries(header).filter(([name]) => name !== '__metadata__') as [
        string,
        { dtype: string; shape: number[]; data_offsets: [number, number] },
      ][];
      expect(entries.map(([name]) => name).sort()).toEqual([...model.params.variables.keys()].sort());
      const dataStart = 8 + headerLength;
      const spans = entries.map(([name, e]) => ({ name, begin: e.data_offsets[0], end: e.data_offsets[1] })).sort((a, b) => a.begin - b.begin);
      expect(spans[0]!.begin).toBe(0);
      for (let i = 1; i < spans.length; i++) expect(spans[i]!.begin).toBe(spans[i - 1]!.end); // no gaps, no overlaps
      expect(spans.at(-1)!.end).toBe(bytes.length - dataStart);
      for (const [name, entry] of entries) {
        const variable = model.params.variables.get(name)!;
        expect(entry.dtype, name).toBe('F32');
        expect(entry.shape, name).toEqual(variable.shape);
        const [begin, end] = entry.data_offsets;
        expect(end - begin, name).toBe(4 * variable.size);
        expect((dataStart + begin) % 4, name).toBe(0);
        const expected = variable.dataSync();
        for (let j = 0; j < variable.size; j++) expect(view.getFloat32(dataStart + begin + 4 * j, true)).toBe(expected[j]);
      }
    } finally {
      disposeTaggerModel(model);
    }
  });
});

describe('broken files are refused with a clear CheckpointError, and nothing is half-loaded', () => {
  let model: TaggerModel;
  let good: Record<string, Uint8Array>;
  let specs: { name: string; shape: number[] }[];

  beforeAll(async () => {
    model = randomModel();
    good = (await exportZip(model)).files;
    specs = (JSON.parse(strFromU8(good[MODEL_FILES.manifest]!)) as ModelManifest).weightsManifest.flatMap((g) => g.weights);
  });
  afterAll(() => disposeTaggerModel(model));

  const copy = (): Record<string, Uint8Array> => Object.fromEntries(Object.entries(good).map(([k, v]) => [k, v.slice()]));
  const editManifest = (files: Record<string, Uint8Array>, edit: (m: Record<string, unknown> & ModelManifest) => void) => {
    const manifest = JSON.parse(strFromU8(files[MODEL_FILES.manifest]!)) as Record<string, unknown> & ModelManifest;
    edit(manifest);
    files[MODEL_FILES.manifest] = strToU8(JSON.stringify(manifest));
    return files;
  };
  const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

  /** Imports a zip that must fail: returns the error; checks that no tensor was left behind. */
  function refused(zip: Uint8Array): CheckpointError {
    const before = tf.memory().numTensors;
    let error: unknown = null;
    try {
      const loaded = importZip(zip);
      disposeTaggerModel(loaded);
    } catch (e) {
      error = e;
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(error).toBeInstanceOf(CheckpointError);
    const checkpointError = error as CheckpointError;
    expect(checkpointError.message).toContain(checkpointError.file);
    expect(checkpointError.message).toContain(checkpointError.field);
    return checkpointError;
  }

  it('the untouched files do import (the cases below fail for their own reason)', () => {
    const before = tf.memory().numTensors;
    const loaded = importZip(zipModel(copy()));
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    disposeTaggerModel(loaded);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a truncated weights.bin', () => {
    const files = copy();
    files[MODEL_FILES.weights] = files[MODEL_FILES.weights]!.slice(0, -6);
    const e = refused(zipModel(files));
    expect(e.file).toBe(SOURCE);
    expect(e.field).toBe(MODEL_FILES.weights);
    expect(e.problem).toMatch(/bytes/);
  });

  it('a truncated model.safetensors (without weights.bin)', () => {
    const files = copy();
    delete files[MODEL_FILES.weights];
    files[MODEL_FILES.safetensors] = files[MODEL_FILES.safetensors]!.slice(0, -6);
    const e = refused(zipModel(files));
    expect(e.file).toBe(`${SOURCE}/${MODEL_FILES.safetensors}`);
    expect(specs.map((s) => s.name)).toContain(e.field); // the weight whose bytes run past the end
    expect(e.problem).toMatch(/data_offsets/);
  });

  it('a weight with a wrong shape in the manifest', () => {
    const target = specs.find((s) => s.shape.length === 2 && s.shape[0] !== s.shape[1])!;
    const files = editManifest(copy(), (m) => {
      const spec = m.weightsManifest[0]!.weights.find((w) => w.name === target.name)!;
      spec.shape = [...spec.shape].reverse(); // same byte count, so only the shape check can catch it
    });
    const e = refused(zipModel(files));
    expect(e.field).toBe(target.name);
    expect(e.problem).toMatch(/shape/);
    expect(e.problem).toContain(`[${target.shape.join(', ')}]`);
  });

  it('an unknown weight name', () => {
    const files = editManifest(copy(), (m) => {
      m.weightsManifest[0]!.weights.push({ name: 'fusion.NER.wq', shape: [2, 3], dtype: 'float32' });
    });
    const bin = files[MODEL_FILES.weights]!;
    const longer = new Uint8Array(bin.length + 24);
    longer.set(bin);
    files[MODEL_FILES.weights] = longer;
    const e = refused(zipModel(files));
    expect(e.field).toBe('fusion.NER.wq');
    expect(e.problem).toMatch(/not a weight of this model/);
  });

  it('a missing weight', () => {
    const last = specs.at(-1)!;
    const files = editManifest(copy(), (m) => {
      m.weightsManifest[0]!.weights.pop();
    });
    files[MODEL_FILES.weights] = files[MODEL_FILES.weights]!.slice(0, -4 * sizeOf(last.shape));
    const e = refused(zipModel(files));
    expect(e.field).toBe(last.name);
    expect(e.problem).toMatch(/missing/);
  });

  it('model.json that is not JSON', () => {
    const files = copy();
    files[MODEL_FILES.manifest] = strToU8('{"format": "mtaa-workbench-model", ');
    const e = refused(zipModel(files));
    expect(e.field).toBe(MODEL_FILES.manifest);
    expect(e.problem).toMatch(/JSON/);
  });

  it('a wrong format string', () => {
    const e = refused(zipModel(editManifest(copy(), (m) => void (m.format = 'keras-model' as typeof MODEL_FORMAT))));
    expect(e.field).toBe('format');
    expect(e.problem).toContain('keras-model');
  });

  it('an unsupported version', () => {
    const e = refused(zipModel(editManifest(copy(), (m) => void (m.version = 99))));
    expect(e.field).toBe('version');
  });

  it('a config with an invalid value', () => {
    let e = refused(zipModel(editManifest(copy(), (m) => void (m.config.model.individual.hidden = 0))));
    expect(e.field).toBe('config.model.individual.hidden');
    expect(e.problem).toMatch(/integer/);
    e = refused(zipModel(editManifest(copy(), (m) => void ((m.config.model as { fusion: string }).fusion = 'sum'))));
    expect(e.field).toBe('config.model.fusion');
    expect(e.problem).toContain('"sum"');
  });

  it('a task with an empty tag set', () => {
    const e = refused(zipModel(editManifest(copy(), (m) => void (m.vocabularies.tags[1]!.tags = []))));
    expect(e.field).toMatch(/vocabularies\.tags/);
  });

  it('two task names that collide as weight names', () => {
    const e = refused(zipModel(editManifest(copy(), (m) => void (m.tasks[1]!.name = m.tasks[0]!.name))));
    expect(e.field).toBe('model');
    expect(e.problem).toMatch(/distinct/);
  });

  it('a zip that is not a zip, and a zip without model.json', () => {
    let e = refused(strToU8('PK\u0003\u0004 certainly not a zip archive'));
    expect(e.file).toBe(SOURCE);
    expect(e.field).toBe('archive');
    e = refused(zipSync({ 'README.txt': strToU8('hello') }));
    expect(e.field).toBe(MODEL_FILES.manifest);
    expect(e.problem).toMatch(/missing/);
  });

  it('after all the refusals the original model is untouched', () => {
    const again = importZip(zipModel(copy()));
    try {
      expectSameWeights(model, again);
    } finally {
      disposeTaggerModel(again);
    }
  });
});
