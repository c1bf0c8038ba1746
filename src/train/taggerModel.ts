/**
 * A tagger together with what it needs to read text: config, tasks, vocabularies and weights.
 * Converts to and from the checkpoint's SavedModel; loading builds a complete new model before
 * anything else sees it, so a bad file never leaves a half-loaded model behind.
 */
import { messageOf } from '../core/errors.ts';
import * as tf from '@tensorflow/tfjs';
import type { Vocabularies } from '../data/index.ts';
import type { TaskSpec } from '../data/types.ts';
import type { RunConfig } from '../core/config.ts';
import { createTaggerParams, disposeTaggerParams, type TaggerParams } from '../model/taggerParams.ts';
import { CheckpointError, matchWeights, type NamedWeight, type SavedModel } from './formats/checkpoint.ts';

export interface TaggerModel {
  config: RunConfig;
  tasks: TaskSpec[];
  vocabularies: Vocabularies;
  params: TaggerParams;
}

export function createTaggerModel(
  config: RunConfig,
  tasks: TaskSpec[],
  vocabularies: Vocabularies,
  wordInit?: Float32Array,
): TaggerModel {
  const params = createTaggerParams(
    config.model,
    {
      vocabSize: vocabularies.words.size,
      charVocabSize: vocabularies.chars.size,
      tasks: tasks.map((task, t) => ({ name: task.name, numTags: vocabularies.tags[t]!.size })),
      ...(wordInit ? { wordInit } : {}),
    },
    config.train.seed,
  );
  return { config, tasks, vocabularies, params };
}

export function disposeTaggerModel(model: TaggerModel): void {
  disposeTaggerParams(model.params);
}

/** Every weight's name and shape, in the model's fixed order. */
export function weightSpecs(model: TaggerModel): { name: string; shape: number[] }[] {
  return [...model.params.variables].map(([name, v]) => ({ name, shape: [...v.shape] }));
}

/** Reads every weight back from the device. */
export async function readWeights(model: TaggerModel): Promise<NamedWeight[]> {
  return Promise.all(
    [...model.params.variables].map(async ([name, v]) => ({ name, shape: [...v.shape], data: (await v.data()) as Float32Array })),
  );
}

export async function toSavedModel(model: TaggerModel, summary?: Record<string, unknown>): Promise<SavedModel> {
  return {
    config: model.config,
    tasks: model.tasks,
    vocabularies: model.vocabularies,
    weights: await readWeights(model),
    ...(summary ? { summary } : {}),
  };
}

/** Builds a model from a validated SavedModel; throws CheckpointError if a weight does not fit. */
export function fromSavedModel(saved: SavedModel, source: string): TaggerModel {
  let model: TaggerModel;
  try {
    model = createTaggerModel(saved.config, saved.tasks, saved.vocabularies);
  } catch (error) {
    // e.g. two task names that collide as weight names; createTaggerParams has disposed what it made
    throw new CheckpointError(source, 'model', `cannot build the model: ${messageOf(error)}`);
  }
  try {
    const weights = matchWeights(weightSpecs(model), saved.weights, source);
    assignWeights(model, weights);
    return model;
  } catch (error) {
    disposeTaggerModel(model);
    throw error;
  }
}

/** Writes host weights (already matched to the model's names and shapes) into its variables. */
export function assignWeights(model: TaggerModel, weights: readonly NamedWeight[]): void {
  const variables = [...model.params.variables.values()];
  weights.forEach((w, i) => {
    const variable = variables[i]!;
    tf.tidy(() => variable.assign(tf.tensor(w.data, w.shape, 'float32')));
  });
}

/** Device-side copy of every weight (for best-on-dev snapshots without a readback). */
export function snapshotWeights(model: TaggerModel): tf.Tensor[] {
  return [...model.params.variables.values()].map((v) => tf.keep(v.clone()));
}

export function restoreWeights(model: TaggerModel, snapshot: readonly tf.Tensor[]): void {
  [...model.params.variables.values()].forEach((v, i) => v.assign(snapshot[i]!));
}
