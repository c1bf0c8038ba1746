/**
 * A local BERT checkpoint in the Hugging Face layout — `config.json`, `model.safetensors`, and
 * `tokenizer.json` or `vocab.txt` (+ `tokenizer_config.json`) — read from an in-memory file map (the
 * CLI reads a folder into one; the page will hand over a dropped folder or zip).
 *
 * Everything is checked before any tensor is read or allocated: the architecture in config.json, then
 * the safetensors header alone against the tensors that config calls for (name, with or without the
 * `bert.` prefix, LayerNorm `weight`/`gamma` aliases; shape; dtype F32 or F16), then the tokenizer's
 * ids against the embedding table. Errors are CheckpointErrors naming the file and the tensor/field.
 */
import { messageOf } from '../../core/errors.ts';
import { BertFormatError, bertTensorSpecs, parseBertConfig, type BertArchitecture, type BertHostWeights } from '../../model/bert/bertConfig.ts';
import { CheckpointError } from '../formats/checkpointError.ts';
import { readFloatTensor, readSafetensorsHeader, type SafetensorsEntry } from '../formats/safetensors.ts';
import { loadBertTokenizer, type BertTokenizer } from './bertTokenizer.ts';

export interface BertCheckpoint {
  arch: BertArchitecture;
  /** Canonical names (no prefix), torch layout, float32 (F16 converted). */
  weights: BertHostWeights;
  tokenizer: BertTokenizer;
  /** 'F32', 'F16' or 'F32+F16' (what the file stored). */
  storedDtype: string;
}

const WEIGHTS = 'model.safetensors';

/** Checks config, header and tokenizer; returns the plan (entries to read) without reading any tensor. */
export function planBertCheckpoint(files: ReadonlyMap<string, Uint8Array>): { arch: BertArchitecture; plan: Map<string, SafetensorsEntry>; tokenizer: BertTokenizer; storedDtype: string } {
  const configBytes = files.get('config.json');
  if (!configBytes) throw new CheckpointError('config.json', 'file', 'is missing: a Hugging Face checkpoint folder has config.json, model.safetensors and tokenizer.json (or vocab.txt)');
  let arch: BertArchitecture;
  try {
    arch = parseBertConfig(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(configBytes)));
  } catch (error) {
    if (error instanceof BertFormatError) throw new CheckpointError(error.file, error.field, error.problem);
    throw new CheckpointError('config.json', 'json', `is not valid JSON (${messageOf(error)})`);
  }
  const bytes = files.get(WEIGHTS);
  if (!bytes) {
    const other = files.has('model.safetensors.index.json') ? 'a sharded checkpoint is not supported; merge the shards into one model.safetensors' : files.has('pytorch_model.bin') ? 'only pytorch_model.bin is there; save the model as safetensors' : 'is missing';
    throw new CheckpointError(WEIGHTS, 'file', other);
  }
  const header = readSafetensorsHeader(bytes, WEIGHTS);
  const prefix = ['bert.', ''].find((p) => header.entries.has(`${p}embeddings.word_embeddings.weight`));
  if (prefix === undefined) throw new CheckpointError(WEIGHTS, 'embeddings.word_embeddings.weight', 'is missing (looked for it with and without the "bert." prefix): not a BERT encoder');
  const plan = new Map<string, SafetensorsEntry>();
  const dtypes = new Set<string>();
  for (const spec of bertTensorSpecs(arch)) {
    const names = [spec.name, ...spec.aliases].map((n) => prefix + n);
    const entry = names.map((n) => header.entries.get(n)).find((e) => e !== undefined);
    if (!entry) throw new CheckpointError(WEIGHTS, names[0]!, `is missing (config.json calls for ${arch.layers} layers of hidden size ${arch.hiddenSize})`);
    if (entry.dtype !== 'F32' && entry.dtype !== 'F16') throw new CheckpointError(WEIGHTS, entry.name, `dtype ${entry.dtype} is not supported (expected F32 or F16)`);
    if (entry.shape.length !== spec.shape.length || entry.shape.some((d, i) => d !== spec.shape[i])) {
      throw new CheckpointError(WEIGHTS, entry.name, `has shape [${entry.shape.join(', ')}] but config.json calls for [${spec.shape.join(', ')}]`);
    }
    dtypes.add(entry.dtype);
    plan.set(spec.name, entry);
  }
  const tokenizer = loadBertTokenizer(files, arch.vocabSize);
  return { arch, plan, tokenizer, storedDtype: [...dtypes].sort().reverse().join('+') };
}

/** Validates (planBertCheckpoint) and then reads the encoder's tensors as float32. */
export function loadBertCheckpoint(files: ReadonlyMap<string, Uint8Array>): BertCheckpoint {
  const { arch, plan, tokenizer, storedDtype } = planBertCheckpoint(files);
  const bytes = files.get(WEIGHTS)!;
  const header = readSafetensorsHeader(bytes, WEIGHTS);
  const weights: BertHostWeights = new Map();
  for (const [name, entry] of plan) weights.set(name, { shape: entry.shape, data: readFloatTensor(bytes, header, entry, WEIGHTS) });
  return { arch, weights, tokenizer, storedDtype };
}

/** The checkpoint's files that the loader reads. */
export const BERT_FILES = ['config.json', 'model.safetensors', 'tokenizer.json', 'vocab.txt', 'tokenizer_config.json', 'model.safetensors.index.json', 'pytorch_model.bin'] as const;

/**
 * A dropped folder or zip lists paths such as `bert-base-cased/config.json`: keeps the files beside the
 * (shallowest) config.json, keyed by their bare names.
 */
export function checkpointFilesFromPaths(entries: ReadonlyMap<string, Uint8Array>): Map<string, Uint8Array> {
  const configs = [...entries.keys()].filter((p) => p === 'config.json' || p.endsWith('/config.json')).sort((a, b) => a.length - b.length);
  const dir = configs[0]?.slice(0, -'config.json'.length) ?? '';
  const out = new Map<string, Uint8Array>();
  for (const name of BERT_FILES) {
    const bytes = entries.get(dir + name);
    if (bytes) out.set(name, bytes);
  }
  return out;
}
