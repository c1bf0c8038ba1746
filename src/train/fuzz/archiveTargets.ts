/**
 * Fuzz targets for the model-archive importer: zip bytes → `unzipModel` → `decodeModelFiles` →
 * `matchWeights` against the model the archive claims to be, and `decodeSafetensors` alone. Cases
 * start from a small valid archive and break it (cut, random bytes, lying sizes, forged manifests,
 * mismatched shapes, duplicated entries). Each must end in a SavedModel or a CheckpointError naming
 * the file and the entry, before anything is allocated for the model.
 */
import { strFromU8, strToU8, zipSync } from 'fflate';
import { buildVocabularies, loadDataset } from '../../data/index.ts';
import { randomInt } from '../../data/prng.ts';
import { generateConll } from '../../data/fuzz/corpusTargets.ts';
import { flipBytes, insertAt, pick, randomBytes, truncate, type Rng } from '../../data/fuzz/mutators.ts';
import type { FuzzCase, FuzzTarget } from '../../data/fuzz/runner.ts';
import { presets } from '../../core/config.ts';
import { CheckpointError, decodeModelFiles, encodeModelFiles, matchWeights, MODEL_FILES, minimumWeightCount, unzipModel, zipModel } from '../formats/checkpoint.ts';
import { createRng } from '../../data/prng.ts';
import { decodeSafetensors, encodeSafetensors, type NamedWeight } from '../formats/safetensors.ts';
import { applyConfigPatch } from '../../core/configInput.ts';

interface Base {
  files: Record<string, Uint8Array>;
  weights: NamedWeight[];
}

let cached: Base | null = null;

/** A small valid model's files: real config, tasks and vocabularies; weights of the right count. */
export function baseModel(): Base {
  if (cached) return cached;
  const rng = createRng(1);
  const dataset = loadDataset('base.conll', generateConll(rng).text.replace(/^-DOCSTART-.*$/m, ''));
  const vocabularies = buildVocabularies(dataset.sentences, dataset.tasks.length);
  const config = applyConfigPatch(presets.tiny, {
    model: { embedding: { wordDim: 4, charDim: 2, charFilters: 2, taskDim: 4 }, individual: { hidden: 2 }, shared: { hidden: 2 } },
  });
  const needed = minimumWeightCount(config, dataset.tasks.length, vocabularies);
  const sizes: [string, number[]][] = [
    ['embed.word', [vocabularies.words.size, 4]],
    ['embed.char', [vocabularies.chars.size, 2]],
    ['rest', [needed]],
    ['crf.x.transitions', [3, 3]],
  ];
  const weights = sizes.map(([name, shape]) => ({
    name,
    shape,
    data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i)),
  }));
  cached = { files: encodeModelFiles({ config, tasks: dataset.tasks, vocabularies, weights }), weights };
  return cached;
}

function manifestOf(files: Record<string, Uint8Array>): Record<string, unknown> {
  return JSON.parse(strFromU8(files[MODEL_FILES.manifest]!)) as Record<string, unknown>;
}

function withManifest(files: Record<string, Uint8Array>, manifest: unknown): Record<string, Uint8Array> {
  return { ...files, [MODEL_FILES.manifest]: strToU8(JSON.stringify(manifest)) };
}

/** Some value of another kind than `value`, or a hostile number. */
function oddValue(rng: Rng): unknown {
  return pick(rng, [null, 'x', 7, -1, 1.5, 2 ** 31, 1e308, true, [], {}, [[1]], { a: 1 }, [-1], [2 ** 30, 2 ** 30]]);
}

/** Replaces one node of a JSON tree (chosen at random, weighted to the leaves) by an odd value, or deletes it. */
function mutateJson(rng: Rng, root: unknown): unknown {
  const clone = structuredClone(root);
  let parent: Record<string, unknown> | unknown[] | null = null;
  let key: string | number = '';
  let node: unknown = clone;
  for (let depth = 0; depth < 6 && typeof node === 'object' && node !== null; depth++) {
    const keys: (string | number)[] = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
    if (keys.length === 0 || (depth > 0 && rng() < 0.25)) break;
    parent = node as Record<string, unknown>;
    key = pick(rng, keys);
    node = (node as Record<string | number, unknown>)[key];
  }
  if (!parent) return oddValue(rng);
  if (rng() < 0.3 && !Array.isArray(parent)) delete (parent as Record<string, unknown>)[key as string];
  else (parent as Record<string | number, unknown>)[key] = oddValue(rng);
  return clone;
}

type Weights = { name: string; shape: number[]; dtype: string }[];
const specsOf = (manifest: Record<string, unknown>) => (manifest.weightsManifest as { weights: Weights }[])[0]!.weights;

type Mutation = (rng: Rng, base: Base) => Uint8Array;
const zip = (files: Record<string, Uint8Array>) => zipModel(files);

const MUTATIONS: [string, Mutation][] = [
  ['valid', (_rng, base) => zip(base.files)],
  ['safetensors only', (_rng, base) => zip({ ...base.files, [MODEL_FILES.weights]: undefined as never })],
  ['truncate', (rng, base) => truncate(rng, zip(base.files))],
  ['flip bytes', (rng, base) => flipBytes(rng, zip(base.files), 1 + randomInt(rng, 16))],
  ['random bytes', (rng) => randomBytes(rng, randomInt(rng, 4096))],
  ['zip of junk', (rng) => zipSync({ [pick(rng, Object.values(MODEL_FILES))]: randomBytes(rng, randomInt(rng, 512)) })],
  ['missing file', (rng, base) => {
    const files = { ...base.files };
    delete files[pick(rng, [MODEL_FILES.manifest, MODEL_FILES.weights])];
    if (rng() < 0.5) delete files[MODEL_FILES.safetensors];
    return zip(files);
  }],
  ['manifest field', (rng, base) => zip(withManifest(base.files, mutateJson(rng, manifestOf(base.files))))],
  ['manifest text', (rng, base) => {
    const bytes = base.files[MODEL_FILES.manifest]!;
    const broken = rng() < 0.5 ? truncate(rng, bytes) : insertAt(rng, bytes, Uint8Array.from(pick(rng, [[0], [0xff], [0xc3], [0xed, 0xa0, 0x80]])));
    return zip({ ...base.files, [MODEL_FILES.manifest]: broken });
  }],
  ['mismatched shapes', (rng, base) => {
    const manifest = manifestOf(base.files);
    const spec = pick(rng, specsOf(manifest));
    if (spec.shape.length > 0 && rng() < 0.7) spec.shape[randomInt(rng, spec.shape.length)]! += pick(rng, [-1, 1, 7]);
    else spec.shape = [...spec.shape, 1 + randomInt(rng, 3)];
    // Sometimes the bytes agree with the new shapes, so only the comparison with the model catches it.
    const files = withManifest(base.files, manifest);
    if (rng() < 0.5) {
      const total = specsOf(manifest).reduce((n, s) => n + Math.max(0, s.shape.reduce((a, b) => a * b, 1)), 0);
      files[MODEL_FILES.weights] = new Uint8Array(Math.max(0, total) * 4);
    }
    return zip(files);
  }],
  ['duplicated headers', (rng, base) => {
    if (rng() < 0.5) {
      const manifest = manifestOf(base.files);
      const specs = specsOf(manifest);
      specs.push({ ...pick(rng, specs) });
      return zip(withManifest(base.files, manifest));
    }
    // safetensors with a key twice (JSON keeps the last)
    const weights = base.weights;
    const bytes = encodeSafetensors(weights);
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = strFromU8(bytes.subarray(8, 8 + headerLength)).trimEnd();
    const first = header.slice(1, header.indexOf('},') + 1);
    const doubled = strToU8(`{${first},${header.slice(1)}`);
    const out = new Uint8Array(8 + doubled.length + bytes.length - 8 - headerLength);
    new DataView(out.buffer).setBigUint64(0, BigInt(doubled.length), true);
    out.set(doubled, 8);
    out.set(bytes.subarray(8 + headerLength), 8 + doubled.length);
    return zip({ [MODEL_FILES.manifest]: base.files[MODEL_FILES.manifest]!, [MODEL_FILES.safetensors]: out });
  }],
  ['weights.bin length', (rng, base) => {
    const bin = base.files[MODEL_FILES.weights]!;
    const changed = rng() < 0.5 ? bin.slice(0, randomInt(rng, bin.length)) : insertAt(rng, bin, randomBytes(rng, 1 + randomInt(rng, 9)));
    return zip({ ...base.files, [MODEL_FILES.weights]: changed });
  }],
  ['safetensors header', (rng, base) => {
    const st = base.files[MODEL_FILES.safetensors]!.slice();
    const view = new DataView(st.buffer);
    const choice = randomInt(rng, 4);
    if (choice === 0) view.setBigUint64(0, BigInt(pick(rng, [0, 1, 2 ** 24, 2 ** 40, Number.MAX_SAFE_INTEGER])), true);
    else if (choice === 1) view.setBigUint64(0, 0xffffffffffffffffn, true);
    const headerLength = Number(view.getBigUint64(0, true));
    let bytes: Uint8Array = st;
    if (choice >= 2 && headerLength + 8 <= st.length) {
      const header = JSON.parse(strFromU8(st.subarray(8, 8 + headerLength))) as Record<string, unknown>;
      const mutated = choice === 2 ? mutateJson(rng, header) : { ...header, __metadata__: oddValue(rng) };
      const text = strToU8(JSON.stringify(mutated));
      bytes = new Uint8Array(8 + text.length + st.length - 8 - headerLength);
      new DataView(bytes.buffer).setBigUint64(0, BigInt(text.length), true);
      bytes.set(text, 8);
      bytes.set(st.subarray(8 + headerLength), 8 + text.length);
    }
    return zip({ [MODEL_FILES.manifest]: base.files[MODEL_FILES.manifest]!, [MODEL_FILES.safetensors]: bytes });
  }],
  ['zip size lie', (rng, base) => {
    // Patch every uncompressed-size field (local headers and central directory) to a huge value.
    const bytes = zip(base.files).slice();
    const view = new DataView(bytes.buffer);
    const size = pick(rng, [0xfffffff0, 0x7fffffff, 600 * 1024 * 1024, 1]);
    for (let i = 0; i + 46 <= bytes.length; i++) {
      const signature = view.getUint32(i, true);
      if (signature === 0x04034b50) view.setUint32(i + 22, size, true);
      else if (signature === 0x02014b50) view.setUint32(i + 24, size, true);
    }
    return bytes;
  }],
  ['forged config', (rng, base) => {
    const manifest = manifestOf(base.files);
    const model = (manifest.config as { model: Record<string, Record<string, number>> }).model;
    const part = pick(rng, ['individual', 'shared'] as const);
    model[part] = { hidden: 2048, layers: 8 };
    if (part === 'individual') model.shared = { hidden: 2048, layers: 8 };
    return zip(withManifest(base.files, manifest));
  }],
  ['extra entries', (rng, base) => zip({ ...base.files, '../model.json': randomBytes(rng, 64), 'a/b/weights.bin': randomBytes(rng, 64) })],
];

export function classifyCheckpointError(error: unknown, fuzzCase: FuzzCase): string | null {
  if (!(error instanceof CheckpointError)) return null;
  if (error.file !== fuzzCase.file && !error.file.startsWith(`${fuzzCase.file}/`)) return null;
  if (error.field === '' || error.problem === '') return null;
  // Fields of the format keep their name; anything else is a weight (its name may be fuzzed bytes).
  const known = /^(archive|header|config|format|version|tasks|vocabularies|weightsManifest|__metadata__|model\.json|weights\.bin|model\.safetensors)\b/.exec(error.field);
  return `CheckpointError:${known ? known[1] : 'weight entry'}`;
}

export function archiveTarget(): FuzzTarget {
  return {
    name: 'archive',
    generate(rng, index) {
      const [strategy, mutate] = pick(rng, MUTATIONS);
      return { strategy, file: `model-${index}.zip`, input: mutate(rng, baseModel()) };
    },
    run(fuzzCase) {
      const bytes = fuzzCase.input as Uint8Array;
      const saved = decodeModelFiles(unzipModel(bytes, fuzzCase.file), fuzzCase.file);
      // The model the archive claims to be expects exactly the base weights' names and shapes.
      const weights = matchWeights(baseModel().weights, saved.weights, fuzzCase.file);
      for (const w of weights) {
        if (w.data.length !== w.shape.reduce((a, b) => a * b, 1)) throw new Error(`invariant: ${w.name} has ${w.data.length} values for shape [${w.shape.join(', ')}]`);
      }
    },
    classify: classifyCheckpointError,
  };
}

/** `decodeSafetensors` on its own (what a PyTorch-made file goes through). */
export function safetensorsTarget(): FuzzTarget {
  return {
    name: 'safetensors',
    generate(rng, index) {
      const base = baseModel().files[MODEL_FILES.safetensors]!;
      const choice = randomInt(rng, 4);
      const input =
        choice === 0 ? truncate(rng, base) : choice === 1 ? flipBytes(rng, base, 1 + randomInt(rng, 12)) : choice === 2 ? randomBytes(rng, randomInt(rng, 256)) : base;
      return { strategy: ['truncate', 'flip bytes', 'random bytes', 'valid'][choice]!, file: `weights-${index}.safetensors`, input };
    },
    run(fuzzCase) {
      decodeSafetensors(fuzzCase.input as Uint8Array, fuzzCase.file);
    },
    classify: classifyCheckpointError,
  };
}

