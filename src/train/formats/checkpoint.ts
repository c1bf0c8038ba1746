/**
 * A trained model on disk: `model.json` (config, tasks, vocabularies, tfjs weights manifest),
 * `weights.bin` (the tfjs binary) and `model.safetensors` (the same weights for PyTorch), as a
 * folder (CLI) or one zip archive (browser download). Reading validates everything before any
 * tensor exists, so a bad file never leaves a half-loaded model behind. Pure TypeScript.
 */
import { messageOf } from '../../core/errors.ts';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { vocabulariesFromJSON, type Vocabularies, type VocabulariesJSON, vocabulariesToJSON } from '../../data/index.ts';
import type { TaskSpec } from '../../data/types.ts';
import { ConfigError, presets, type RunConfig } from '../../core/config.ts';
import { CheckpointError } from './checkpointError.ts';
import { applyConfigPatch } from '../../core/configInput.ts';
import { decodeSafetensors, encodeSafetensors, type NamedWeight } from './safetensors.ts';

export { CheckpointError };
export type { NamedWeight };

export const MODEL_FORMAT = 'mtaa-workbench-model';
export const MODEL_VERSION = 1;
export const MODEL_FILES = { manifest: 'model.json', weights: 'weights.bin', safetensors: 'model.safetensors' } as const;
/** Archives past this are refused before unzipping (the paper preset is ~60 MB of weights). */
export const MAX_ARCHIVE_BYTES = 512 * 1024 * 1024;

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
}

export interface ModelManifest {
  format: typeof MODEL_FORMAT;
  version: number;
  createdAt: string;
  config: RunConfig;
  tasks: TaskSpec[];
  vocabularies: VocabulariesJSON;
  /** The tfjs weights manifest (`tf.io.WeightsManifestConfig`), so tfjs tooling can read weights.bin. */
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
  /** Free-form training summary (best epoch, dev scores). */
  summary?: Record<string, unknown>;
}

export interface SavedModel {
  config: RunConfig;
  tasks: TaskSpec[];
  vocabularies: Vocabularies;
  weights: NamedWeight[];
  summary?: Record<string, unknown>;
}

/** The three files of a saved model, by file name. */
export function encodeModelFiles(model: SavedModel): Record<string, Uint8Array> {
  const manifest: ModelManifest = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    createdAt: new Date().toISOString(),
    config: model.config,
    tasks: model.tasks,
    vocabularies: vocabulariesToJSON(model.vocabularies),
    weightsManifest: [
      { paths: [MODEL_FILES.weights], weights: model.weights.map((w) => ({ name: w.name, shape: w.shape, dtype: 'float32' })) },
    ],
    ...(model.summary ? { summary: model.summary } : {}),
  };
  const total = model.weights.reduce((n, w) => n + w.data.length, 0);
  const flat = new Float32Array(total);
  let at = 0;
  for (const w of model.weights) {
    flat.set(w.data, at);
    at += w.data.length;
  }
  return {
    [MODEL_FILES.manifest]: strToU8(JSON.stringify(manifest, null, 1)),
    [MODEL_FILES.weights]: new Uint8Array(flat.buffer),
    [MODEL_FILES.safetensors]: encodeSafetensors(model.weights, {
      format: MODEL_FORMAT,
      tasks: model.tasks.map((t) => t.name).join(','),
    }),
  };
}

export function zipModel(files: Record<string, Uint8Array>): Uint8Array {
  // Weights barely compress; store them, deflate only the JSON.
  return zipSync(
    Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, [bytes, { level: name.endsWith('.json') ? 6 : 0 }]])),
  );
}

export function unzipModel(bytes: Uint8Array, source: string): Record<string, Uint8Array> {
  if (bytes.length > MAX_ARCHIVE_BYTES) {
    throw new CheckpointError(source, 'archive', `${bytes.length} bytes is over the ${MAX_ARCHIVE_BYTES}-byte limit`);
  }
  try {
    let unpacked = 0;
    return unzipSync(bytes, {
      filter: (file) => {
        unpacked += file.originalSize;
        if (unpacked > MAX_ARCHIVE_BYTES) throw new Error(`unpacks to more than ${MAX_ARCHIVE_BYTES} bytes`);
        return Object.values(MODEL_FILES).includes(file.name as never);
      },
    });
  } catch (error) {
    throw new CheckpointError(source, 'archive', `not a readable zip archive (${messageOf(error)})`);
  }
}

/**
 * Reads and validates a saved model's files: manifest fields, config, vocabularies, and that the
 * weights match the manifest in names, shapes, dtypes and byte counts. Prefers `weights.bin`; falls
 * back to `model.safetensors` alone.
 */
export function decodeModelFiles(files: Record<string, Uint8Array | undefined>, source: string): SavedModel {
  const manifestBytes = files[MODEL_FILES.manifest];
  if (!manifestBytes) throw new CheckpointError(source, MODEL_FILES.manifest, 'missing');
  let raw: unknown;
  try {
    raw = JSON.parse(strFromU8(manifestBytes));
  } catch (error) {
    throw new CheckpointError(source, MODEL_FILES.manifest, `not valid JSON (${messageOf(error)})`);
  }
  const manifest = checkManifest(raw, source);
  const vocabularies = (() => {
    try {
      return vocabulariesFromJSON(manifest.vocabularies, `${source}: vocabularies`);
    } catch (error) {
      throw new CheckpointError(source, 'vocabularies', messageOf(error));
    }
  })();
  if (vocabularies.tags.length !== manifest.tasks.length) {
    throw new CheckpointError(source, 'vocabularies.tags', `${vocabularies.tags.length} tag sets for ${manifest.tasks.length} tasks`);
  }
  vocabularies.tags.forEach((tags, t) => {
    if (tags.size === 0) throw new CheckpointError(source, `vocabularies.tags[${t}]`, `task ${manifest.tasks[t]!.name} has no tags`);
  });
  const specs = manifest.weightsManifest.flatMap((group) => group.weights);
  const bin = files[MODEL_FILES.weights];
  const safetensors = files[MODEL_FILES.safetensors];
  checkWeightBudget(manifest.config, manifest.tasks.length, vocabularies, specs, source);
  let weights: NamedWeight[];
  if (bin) weights = splitWeightsBin(bin, specs, source);
  else if (safetensors) weights = matchWeights(specs, decodeSafetensors(safetensors, `${source}/${MODEL_FILES.safetensors}`).weights, source);
  else throw new CheckpointError(source, MODEL_FILES.weights, `missing (and no ${MODEL_FILES.safetensors} either)`);
  return {
    config: manifest.config,
    tasks: manifest.tasks,
    vocabularies,
    weights,
    ...(manifest.summary ? { summary: manifest.summary } : {}),
  };
}

/**
 * A lower bound on the weights `config` builds: the word and character tables and the BiLSTMs
 * (README: wIh [1, 2, in, 4h], wHh [1, 2, h, 4h], bias [1, 2, 4h] per layer). Every model of that
 * config has at least these, so a manifest with fewer cannot match it.
 */
export function minimumWeightCount(config: RunConfig, taskCount: number, vocabularies: Pick<Vocabularies, 'words' | 'chars'>): number {
  const { model } = config;
  const e = model.embedding;
  const tables = vocabularies.words.size * e.wordDim + (e.charFilters > 0 ? vocabularies.chars.size * e.charDim : 0);
  const embeddings = model.architecture === 'base' ? taskCount * tables : tables;
  const bilstm = (input: number, hidden: number, layers: number) => {
    let n = 0;
    for (let l = 0; l < layers; l++) n += 2 * ((l === 0 ? input : 2 * hidden) * 4 * hidden + hidden * 4 * hidden + 4 * hidden);
    return n;
  };
  const labelDim = model.architecture === 'iterative' ? model.iterative.labelDim : 0;
  const individual = taskCount * bilstm(e.taskDim + labelDim, model.individual.hidden, model.individual.layers);
  const pairs = model.architecture === 'mtaa' ? (taskCount * (taskCount - 1)) / 2 : 0;
  const sharedInput = model.adversary === 'embedding' ? e.taskDim : 2 * model.individual.hidden;
  const shared = pairs * bilstm(sharedInput, model.shared.hidden, model.shared.layers);
  return embeddings + individual + shared;
}

/**
 * Refuses a config that asks for more weights than the files hold, before anything is built from
 * it: building allocates every tensor the config names (a forged `hidden: 2048, layers: 8` would
 * allocate gigabytes) and only then would the names and shapes be compared.
 */
function checkWeightBudget(
  config: RunConfig,
  taskCount: number,
  vocabularies: Pick<Vocabularies, 'words' | 'chars'>,
  specs: readonly WeightSpec[],
  source: string,
): void {
  const held = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
  const needed = minimumWeightCount(config, taskCount, vocabularies);
  if (needed > held) {
    throw new CheckpointError(source, 'config', `its sizes need at least ${needed} weights but the manifest lists ${held}`);
  }
}

/**
 * Checks loaded weights against what a freshly built model expects (same names, same shapes) and
 * returns them in the model's order. Throws on the first difference, naming it.
 */
export function matchWeights(expected: readonly { name: string; shape: readonly number[] }[], weights: readonly NamedWeight[], source: string): NamedWeight[] {
  const byName = new Map(weights.map((w) => [w.name, w]));
  const ordered: NamedWeight[] = [];
  for (const { name, shape } of expected) {
    const w = byName.get(name);
    if (!w) throw new CheckpointError(source, name, 'missing from the file');
    if (w.shape.length !== shape.length || w.shape.some((d, i) => d !== shape[i])) {
      throw new CheckpointError(source, name, `shape [${w.shape.join(', ')}] does not match the model's [${shape.join(', ')}]`);
    }
    ordered.push(w);
    byName.delete(name);
  }
  const extra = [...byName.keys()];
  if (extra.length > 0) throw new CheckpointError(source, extra[0]!, `not a weight of this model (${extra.length} unexpected)`);
  return ordered;
}

function splitWeightsBin(bin: Uint8Array, specs: readonly WeightSpec[], source: string): NamedWeight[] {
  const expectedBytes = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * 4, 0);
  if (bin.length !== expectedBytes) {
    throw new CheckpointError(source, MODEL_FILES.weights, `${bin.length} bytes, but the manifest's weights need ${expectedBytes}`);
  }
  // Copy once into an aligned buffer (a zip entry's bytes need not be 4-byte aligned).
  const all = new Float32Array(new Uint8Array(bin).buffer);
  let at = 0;
  return specs.map((spec) => {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const data = all.slice(at, at + size);
    at += size;
    return { name: spec.name, shape: [...spec.shape], data };
  });
}

function checkManifest(raw: unknown, source: string): ModelManifest {
  const fail = (field: string, problem: string): never => {
    throw new CheckpointError(source, field, problem);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail(MODEL_FILES.manifest, 'not a JSON object');
  const m = raw as Partial<ModelManifest>;
  if (m.format !== MODEL_FORMAT) fail('format', `expected "${MODEL_FORMAT}", got ${JSON.stringify(m.format)}`);
  if (m.version !== MODEL_VERSION) fail('version', `version ${JSON.stringify(m.version)} is not supported (this workbench reads ${MODEL_VERSION})`);
  if (typeof m.config !== 'object' || m.config === null) fail('config', 'missing');
  try {
    // Merging onto a preset refuses unknown fields and wrong types, then validates ranges.
    m.config = applyConfigPatch(presets.paper, m.config, 'config');
  } catch (error) {
    if (error instanceof ConfigError) fail(error.field, error.message.slice(error.field.length + 2));
    fail('config', messageOf(error));
  }
  if (!Array.isArray(m.tasks) || m.tasks.length === 0) fail('tasks', 'expected a non-empty list of tasks');
  for (const [i, task] of (m.tasks as unknown[]).entries()) {
    const t = task as Partial<TaskSpec>;
    if (typeof t?.name !== 'string' || !Number.isInteger(t.column) || typeof t.scheme !== 'string') {
      fail(`tasks[${i}]`, 'expected { name, column, scheme }');
    }
  }
  if (!Array.isArray(m.weightsManifest)) fail('weightsManifest', 'expected a list');
  const seen = new Set<string>();
  for (const [g, group] of (m.weightsManifest as unknown[]).entries()) {
    const weights = (group as { weights?: unknown })?.weights;
    if (!Array.isArray(weights)) fail(`weightsManifest[${g}].weights`, 'expected a list');
    for (const spec of weights as unknown[]) {
      const s = spec as Partial<WeightSpec>;
      if (typeof s?.name !== 'string') fail(`weightsManifest[${g}]`, 'a weight has no name');
      if (s.dtype !== 'float32') fail(String(s.name), `dtype ${JSON.stringify(s.dtype)} is not supported (expected float32)`);
      if (!Array.isArray(s.shape) || !s.shape.every((d) => Number.isInteger(d) && d >= 0 && d < 2 ** 31)) {
        fail(String(s.name), `shape ${JSON.stringify(s.shape)} is not a list of sizes`);
      }
      if (seen.has(s.name!)) fail(s.name!, 'listed twice in the weights manifest');
      seen.add(s.name!);
    }
  }
  return m as ModelManifest;
}
