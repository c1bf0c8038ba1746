/**
 * The tfjs side of a TrainingSession: builds Trainers (fresh or from a host checkpoint), reads
 * weights back, exports archives and decodes single sentences for the inspector. No DOM.
 */
import type { Sentence } from '../data/types.ts';
import type { SentenceInspection } from '../core/inspection.ts';
import { encodeModelFiles, matchWeights, zipModel, type NamedWeight } from './formats/checkpoint.ts';
import { evaluate } from './evaluate.ts';
import type { GradientPool } from './parallel/gradientPool.ts';
import { inspectSentences } from './inspect.ts';
import type { CreateTrainerInit, SessionEngine } from './runEngine.ts';
import { assignWeights, createTaggerModel, disposeTaggerModel, fromSavedModel, readWeights, weightSpecs } from './taggerModel.ts';
import { Trainer } from './trainer.ts';

function quietly(action: () => void): void {
  try {
    action();
  } catch {
    // the device may be gone; there is nothing left to free then
  }
}

export function createTrainer({ runId, config, data, from, pretrained }: CreateTrainerInit<Trainer>, pool?: GradientPool): Trainer {
  const threads = pool ? { pool } : {};
  if (!from) return new Trainer({ runId, config, data, ...(pretrained ?? {}), ...threads });
  const host = from.previous?.model ?? from.host;
  if (!host) return adoptCheckpoint({ runId, config, data, from }, threads);
  const { tasks, vocabularies } = host;
  const model = createTaggerModel(config, tasks, vocabularies);
  try {
    assignWeights(model, matchWeights(weightSpecs(model), from.checkpoint.weights, `${runId} checkpoint (epoch ${from.checkpoint.epoch})`));
    const trainer = new Trainer({ runId, config, data, model, vocabularies, resume: from.resume, ...threads });
    // One config object for the trainer and its model, as for a fresh Trainer: live changes reach both.
    trainer.model.config = trainer.config;
    return trainer;
  } catch (error) {
    disposeTaggerModel(model);
    throw error;
  }
}

/**
 * A run taken over from a worker that died: the Trainer rebuilds its vocabularies from the same
 * training split (deterministic, so the weights' shapes match) and takes the checkpoint's weights.
 */
function adoptCheckpoint(
  { runId, config, data, from }: CreateTrainerInit<Trainer> & { from: NonNullable<CreateTrainerInit<Trainer>['from']> },
  threads: { pool?: GradientPool },
): Trainer {
  const trainer = new Trainer({ runId, config, data, resume: from.resume, ...threads });
  try {
    assignWeights(trainer.model, matchWeights(weightSpecs(trainer.model), from.checkpoint.weights, `${runId} checkpoint (epoch ${from.checkpoint.epoch})`));
    return trainer;
  } catch (error) {
    quietly(() => trainer.dispose());
    quietly(() => disposeTaggerModel(trainer.model));
    throw error;
  }
}

/** Predicted tags, gold tags and β of one sentence (src/train/inspect.ts). */
export async function inspectSentence(trainer: Trainer, sentence: Sentence): Promise<SentenceInspection> {
  return (await inspectSentences(trainer.model, [sentence]))[0]!;
}

export const tfjsSessionEngine: SessionEngine<Trainer> = {
  createTrainer,
  readWeights: (trainer) => readWeights(trainer.model),
  dispose(trainer) {
    quietly(() => trainer.dispose());
    quietly(() => disposeTaggerModel(trainer.model));
  },
  release(trainer) {
    quietly(() => trainer.dispose());
  },
  exportArchive(trainer, weights: readonly NamedWeight[], summary) {
    const { config, tasks, vocabularies } = trainer.model;
    return zipModel(encodeModelFiles({ config, tasks, vocabularies, weights: [...weights], summary }));
  },
  inspect: inspectSentence,
  // The evaluator used on dev each epoch: a task is scored only on sentences carrying its labels.
  // No error sentences: they index the test file, which the inspector cannot open.
  score: async (trainer, sentences) => {
    const { train } = trainer.config;
    const { report } = await evaluate(trainer.model, sentences, { batchSize: train.batchSize, orthogonalityMode: train.orthogonalityMode });
    return { scores: report.scores, breakdown: (report.breakdown ?? []).map(({ errors: _errors, ...counts }) => counts) };
  },
  loadModel({ runId, config, host, weights }) {
    const model = fromSavedModel({ config, tasks: host.tasks, vocabularies: host.vocabularies, weights: [...weights] }, runId);
    try {
      // A Trainer around the model so inspection and export take the same path as a trained run;
      // its one-sentence training set only satisfies the constructor and is never trained on.
      const placeholder = { words: ['.'], tags: host.tasks.map(() => null) };
      return new Trainer({ runId, config, data: { tasks: host.tasks, train: [placeholder], dev: [] }, model, vocabularies: host.vocabularies });
    } catch (error) {
      disposeTaggerModel(model);
      throw error;
    }
  },
};

/**
 * The engine whose trainers compute their steps with gradient peers: `poolFor` gives the pool for the
 * backend running now (or none), asked each time a trainer is made.
 */
export function withGradientPool(engine: SessionEngine<Trainer>, poolFor: () => GradientPool | undefined): SessionEngine<Trainer> {
  return { ...engine, createTrainer: (init) => createTrainer(init, poolFor()) };
}
