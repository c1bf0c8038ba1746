/**
 * The tfjs side of a TrainingSession: builds Trainers (fresh or from a host checkpoint), reads
 * weights back, exports archives and decodes single sentences for the inspector. No DOM.
 */
import type { Sentence } from '../data/types.ts';
import type { SentenceInspection } from '../protocol.ts';
import { encodeModelFiles, matchWeights, zipModel, type NamedWeight } from './checkpoint.ts';
import { inspectSentences } from './inspect.ts';
import type { CreateTrainerInit, SessionEngine } from './session.ts';
import { assignWeights, createTaggerModel, disposeTaggerModel, readWeights, weightSpecs } from './taggerModel.ts';
import { Trainer } from './trainer.ts';

function quietly(action: () => void): void {
  try {
    action();
  } catch {
    // the device may be gone; there is nothing left to free then
  }
}

export function createTrainer({ runId, config, data, from }: CreateTrainerInit<Trainer>): Trainer {
  if (!from) return new Trainer({ runId, config, data });
  const { tasks, vocabularies } = from.previous.model;
  const model = createTaggerModel(config, tasks, vocabularies);
  try {
    assignWeights(model, matchWeights(weightSpecs(model), from.checkpoint.weights, `${runId} checkpoint (epoch ${from.checkpoint.epoch})`));
    const trainer = new Trainer({ runId, config, data, model, vocabularies, resume: from.resume });
    // One config object for the trainer and its model, as for a fresh Trainer: live changes reach both.
    trainer.model.config = trainer.config;
    return trainer;
  } catch (error) {
    disposeTaggerModel(model);
    throw error;
  }
}

/** Predicted tags, gold tags and β of one sentence (src/train/inspect.ts). */
export function inspectSentence(trainer: Trainer, sentence: Sentence): SentenceInspection {
  return inspectSentences(trainer.model, [sentence])[0]!;
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
};
