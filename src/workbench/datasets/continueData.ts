/**
 * Continuing an imported model on the loaded dataset: the dataset is rewritten in the model's terms
 * before it is split, so that every id the model learned keeps its meaning. Tasks are matched by
 * name and put in the model's order (a model task the dataset lacks gets null tags: its loss is
 * skipped, as for partial labels); chunk tags are converted to the model's scheme. A dataset task
 * the model does not have, or a gold tag outside the model's tag set, would need new output rows the
 * archive has no weights for, so it is refused, naming the task, the tag and where it occurs (tags
 * are checked in the training split only: see checkTrainingTags). Words
 * need no such check: the Trainer encodes them with the model's vocabulary (unknown words → `<unk>`).
 * Pure TS.
 */
import type { Dataset, Vocabularies } from '../../data/index.ts';
import { convertTags, type ChunkScheme } from '../../data/tagSchemes.ts';
import type { Sentence, TaskSpec } from '../../data/types.ts';

export class ContinueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContinueError';
  }
}

/** Where dataset sentence `index` (0-based) comes from: its file and its 1-based number there. */
function whereIs(dataset: Dataset, index: number): string {
  // A merged dataset (partial labels) holds its files' sentences one file after the other.
  let start = 0;
  for (const part of dataset.parts ?? []) {
    if (index < start + part.sentences) return `${part.name}, sentence ${index - start + 1}`;
    start += part.sentences;
  }
  return `${dataset.name}, sentence ${index + 1}`;
}

function listed(names: readonly string[]): string {
  return names.map((n) => JSON.stringify(n)).join(', ');
}

/**
 * `dataset` with exactly the model's tasks, in the model's order and schemes; throws ContinueError
 * when a dataset task is not one of the model's (it would need weights the archive does not have).
 */
export function alignDatasetToModel(dataset: Dataset, model: { tasks: readonly TaskSpec[] }, modelName: string): Dataset {
  const modelTasks = model.tasks.map((t) => t.name);
  for (const task of dataset.tasks) {
    if (!modelTasks.includes(task.name)) {
      throw new ContinueError(
        `${dataset.name} has the task "${task.name}", which ${modelName} does not have (its tasks: ${listed(modelTasks)}). ` +
          `Mark that column as not a task in the dataset panel, or load data with the model's tasks.`,
      );
    }
  }
  const sources = model.tasks.map((task) => dataset.tasks.findIndex((d) => d.name === task.name));
  if (sources.every((k) => k < 0)) {
    throw new ContinueError(`${dataset.name} has none of the tasks of ${modelName} (${listed(modelTasks)}): there is nothing to train on.`);
  }
  const sentences: Sentence[] = dataset.sentences.map((sentence) => ({
    words: sentence.words,
    tags: model.tasks.map((task, t) => {
      const k = sources[t]!;
      const gold = k < 0 ? null : sentence.tags[k];
      if (!gold) return null;
      const from = dataset.tasks[k]!.scheme;
      return from !== task.scheme && from !== 'plain' && task.scheme !== 'plain' ? convertTags(gold, from as ChunkScheme, task.scheme as ChunkScheme) : gold;
    }),
  }));
  return { ...dataset, tasks: model.tasks.map((t) => ({ ...t })), sentences };
}

/**
 * Throws ContinueError at the first gold tag of a training sentence that is not in the model's tag
 * set (the model has no output for it), naming file, sentence, token, task and tag. `aligned` is
 * the output of alignDatasetToModel and `train` its training split (the same sentence objects).
 * Dev sentences are not checked: as in any run, a dev tag the model never learned just counts as
 * an error when scoring, so continuing on the very data a model was trained on works.
 */
export function checkTrainingTags(
  aligned: Dataset,
  train: readonly Sentence[],
  model: { vocabularies: Pick<Vocabularies, 'tags'> },
  modelName: string,
): void {
  const training = new Set(train);
  aligned.sentences.forEach((sentence, index) => {
    if (!training.has(sentence)) return;
    sentence.tags.forEach((tags, t) => {
      if (!tags) return;
      const tagSet = model.vocabularies.tags[t]!;
      const unknown = tags.findIndex((tag) => tagSet.id(tag) < 0);
      if (unknown < 0) return;
      throw new ContinueError(
        `${whereIs(aligned, index)}, token ${unknown + 1} ("${sentence.words[unknown]}"): the ${aligned.tasks[t]!.name} tag "${tags[unknown]}" ` +
          `is not in the tag set of ${modelName} (${listed(tagSet.tags)}).`,
      );
    });
  });
}
