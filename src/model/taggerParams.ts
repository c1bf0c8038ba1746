/**
 * Every trainable weight of a tagger, built from a config and the data's sizes. One builder for
 * all architectures, so an ablation is a config value: `base` gets one embedding per task and no
 * shared part; `mtaa` adds per-pair shared encoders, discriminators (unless no-TD) and fusion;
 * `iterative` adds label embeddings and widens the encoders' input by the label width.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../core/config.ts';
import { createAdversaryParams, type AdversaryParams } from './adversary.ts';
import { createCrfParams, type CrfParams } from './crf.ts';
import { createEmbeddingParams, type EmbeddingParams } from './embedding.ts';
import { createEmissionParams, type EmissionParams } from './emission.ts';
import { createFusionParams, fusionOutputDim, type FusionParams } from './fusion.ts';
import { glorotVariable, seedFor } from './initializers.ts';
import { initBiLstm, type BiLstmVariables } from './lstm.ts';

export interface TaskDims {
  name: string;
  numTags: number;
}

/** What the data decides about a model's shapes. */
export interface ModelDims {
  vocabSize: number;
  charVocabSize: number;
  tasks: TaskDims[];
  /** Row-major `[vocabSize, wordDim]` initial word table from pre-trained vectors. */
  wordInit?: Float32Array;
}

/** A task pair α = {a, b} (indices into the task list, a < b) and its name `A+B`. */
export interface TaskPair {
  a: number;
  b: number;
  name: string;
}

export interface TaggerParams {
  config: ModelConfig;
  dims: ModelDims;
  pairs: TaskPair[];
  /** One shared embedding (mtaa, iterative), or one per task (base: nothing is shared). */
  embeddings: EmbeddingParams[];
  /** Per task, per layer. */
  individual: BiLstmVariables[][];
  /** Per pair, per layer (mtaa only). */
  shared: BiLstmVariables[][];
  /** null for no-TD and for architectures without shared encoders. */
  adversary: AdversaryParams | null;
  /** Per task (mtaa only). */
  fusion: FusionParams[];
  /** Per task: label embeddings `[L, labelDim]` (iterative only). */
  labelEmbeddings: tf.Variable[];
  emission: EmissionParams[];
  crf: CrfParams[];
  /** Every weight by its checkpoint name, in a fixed order. */
  variables: Map<string, tf.Variable>;
}

/** Task names become parts of weight names, where `.` separates parts. */
export function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_+-]/g, '_');
}

export function taskPairs(tasks: readonly TaskDims[]): TaskPair[] {
  const pairs: TaskPair[] = [];
  for (let a = 0; a < tasks.length; a++) {
    for (let b = a + 1; b < tasks.length; b++) pairs.push({ a, b, name: `${safeName(tasks[a]!.name)}+${safeName(tasks[b]!.name)}` });
  }
  return pairs;
}

export function createTaggerParams(config: ModelConfig, dims: ModelDims, seed: number): TaggerParams {
  if (dims.tasks.length === 0) throw new Error('a tagger needs at least one task');
  const names = dims.tasks.map((t) => safeName(t.name));
  if (new Set(names).size !== names.length) throw new Error(`task names must be distinct: ${names.join(', ')}`);
  const variables = new Map<string, tf.Variable>();
  // Built in a tidy scope: `tf.variable(tf.zeros(…))` (the part builders' biases) leaves its initial
  // tensor alive next to the variable, one leaked tensor per bias and model otherwise. Variables are
  // not scoped, so they survive; a builder that throws half-way disposes what was already made.
  let params: TaggerParams | undefined;
  try {
    tf.tidy(() => {
      params = buildTaggerParams(config, dims, seed, names, variables);
    });
  } catch (error) {
    for (const variable of variables.values()) variable.dispose();
    throw error;
  }
  return params!;
}

function buildTaggerParams(
  config: ModelConfig,
  dims: ModelDims,
  seed: number,
  names: string[],
  variables: Map<string, tf.Variable>,
): TaggerParams {
  const register = (record: Record<string, tf.Variable>, prefix = '') => {
    for (const [name, variable] of Object.entries(record)) variables.set(prefix + name, variable);
  };
  const registerLstm = (prefix: string, layers: BiLstmVariables[]) =>
    layers.forEach((layer, l) => register({ wIh: layer.wIh, wHh: layer.wHh, bias: layer.bias }, `${prefix}.layer${l}.`));

  const { embedding: e, architecture } = config;
  const mtaa = architecture === 'mtaa';
  const pairs = mtaa ? taskPairs(dims.tasks) : [];
  const embeddingOptions = (tasks: string[], salt: string) => ({
    vocabSize: dims.vocabSize,
    wordDim: e.wordDim,
    charVocabSize: dims.charVocabSize,
    charDim: e.charDim,
    charFilters: e.charFilters,
    charWindow: e.charWindow,
    tasks,
    outDim: e.taskDim,
    seed: seedFor(seed, salt),
    ...(dims.wordInit ? { wordInit: dims.wordInit } : {}),
    ...(e.bert ? { bert: { mode: e.bert.mode, hiddenSize: e.bert.hiddenSize, layers: e.bert.mixLastFour ? 4 : 1 } } : {}),
  });
  const embeddings =
    architecture === 'base'
      ? names.map((task) => createEmbeddingParams(embeddingOptions([task], `base.${task}`)))
      : [createEmbeddingParams(embeddingOptions(names, 'embed'))];
  embeddings.forEach((params, i) => register(params.variables, architecture === 'base' ? `base.${names[i]}.` : ''));

  const labelDim = architecture === 'iterative' ? config.iterative.labelDim : 0;
  const individual = names.map((task) => {
    const layers = initBiLstm(1, e.taskDim + labelDim, config.individual.hidden, config.individual.layers, {
      seed: seedFor(seed, `indiv.${task}`),
    });
    registerLstm(`indiv.${task}`, layers);
    return layers;
  });

  const individualWidth = 2 * config.individual.hidden;
  const sharedInput = config.adversary === 'embedding' ? e.taskDim : individualWidth;
  const shared = pairs.map((pair) => {
    const layers = initBiLstm(1, sharedInput, config.shared.hidden, config.shared.layers, { seed: seedFor(seed, `shared.${pair.name}`) });
    registerLstm(`shared.${pair.name}`, layers);
    return layers;
  });

  const adversary =
    mtaa && pairs.length > 0 && config.adversary !== 'none'
      ? createAdversaryParams(
          pairs.map((p) => p.name),
          { inputDim: 2 * config.shared.hidden, hidden: config.discriminator.hidden, layers: config.discriminator.layers, seed },
        )
      : null;
  if (adversary) register(adversary.variables);

  const pairsOf = (t: number) => pairs.filter((p) => p.a === t || p.b === t);
  // A lone task has nothing to fuse (its emissions read h^t directly), so it gets no fusion weights.
  const fusion = pairs.length > 0
    ? names.map((task, t) => {
        const params = createFusionParams(task, {
          variant: config.fusion,
          dim: individualWidth,
          sharedNames: pairsOf(t).map((p) => p.name),
          attnDim: config.attention.dim,
          seed,
        });
        register(params.variables);
        return params;
      })
    : [];

  const labelEmbeddings =
    architecture === 'iterative'
      ? names.map((task, t) => {
          const table = glorotVariable(`label.${task}`, dims.tasks[t]!.numTags, labelDim, seed);
          variables.set(`label.${task}`, table);
          return table;
        })
      : [];

  const emissionInput = (t: number) => (pairs.length > 0 ? fusionOutputDim(config.fusion, individualWidth, 1 + pairsOf(t).length) : individualWidth);
  const emission = names.map((task, t) => {
    const params = createEmissionParams(task, emissionInput(t), dims.tasks[t]!.numTags, seed);
    register(params.variables);
    return params;
  });
  const crf = names.map((task, t) => {
    const params = createCrfParams(task, dims.tasks[t]!.numTags, seed);
    register(params.variables);
    return params;
  });

  return { config, dims, pairs, embeddings, individual, shared, adversary, fusion, labelEmbeddings, emission, crf, variables };
}

export function disposeTaggerParams(params: TaggerParams): void {
  for (const variable of params.variables.values()) variable.dispose();
  params.variables.clear();
}
