/**
 * Rewriting a dataset in an imported model's terms (pure): tasks by name in the model's order,
 * chunk schemes converted, missing tasks unlabelled; refusals name the task, or the file, sentence,
 * token and tag (the file of a merged dataset, with the sentence's number in it).
 */
import { describe, expect, it } from 'vitest';
import { TagSet, type Dataset } from '../../data/index.ts';
import type { TaskSpec } from '../../data/types.ts';
import { alignDatasetToModel, checkTrainingTags } from './continueData.ts';

const model = {
  tasks: [
    { name: 'NER', column: 3, scheme: 'IOB2' },
    { name: 'POS', column: 1, scheme: 'plain' },
    { name: 'chunk', column: 2, scheme: 'IOB2' },
  ] as TaskSpec[],
  vocabularies: { tags: [new TagSet(['O', 'B-PER', 'I-PER']), new TagSet(['NNP', 'VBD']), new TagSet(['B-NP', 'I-NP', 'O'])] },
};

function dataset(over: Partial<Dataset> = {}): Dataset {
  return {
    name: 'a.conll',
    fileName: 'data/a.conll',
    tasks: [
      { name: 'POS', column: 1, scheme: 'plain' },
      { name: 'NER', column: 2, scheme: 'IOB1' },
    ],
    sentences: [
      { words: ['Ann', 'Lee', 'sang'], tags: [['NNP', 'NNP', 'VBD'], ['I-PER', 'I-PER', 'O']] },
      { words: ['Bo', 'sang'], tags: [['NNP', 'VBD'], null] },
    ],
    ...over,
  } as Dataset;
}

describe('alignDatasetToModel', () => {
  it("puts the tasks in the model's order and scheme; a task the data lacks gets no labels", () => {
    const aligned = alignDatasetToModel(dataset(), model, 'model.zip');
    expect(aligned.tasks.map((t) => t.name)).toEqual(['NER', 'POS', 'chunk']);
    expect(aligned.sentences[0]!.tags).toEqual([['B-PER', 'I-PER', 'O'], ['NNP', 'NNP', 'VBD'], null]);
    expect(aligned.sentences[1]!.tags).toEqual([null, ['NNP', 'VBD'], null]);
    expect(() => checkTrainingTags(aligned, aligned.sentences, model, 'model.zip')).not.toThrow();
  });

  it('refuses a task the model does not have, and data with none of its tasks', () => {
    const extra = dataset({ tasks: [...dataset().tasks, { name: 'lemma', column: 4, scheme: 'plain' }] });
    expect(() => alignDatasetToModel(extra, model, 'model.zip')).toThrow('a.conll has the task "lemma", which model.zip does not have (its tasks: "NER", "POS", "chunk")');
    const none = dataset({ tasks: [], sentences: [{ words: ['x'], tags: [] }] });
    expect(() => alignDatasetToModel(none, model, 'model.zip')).toThrow('a.conll has none of the tasks of model.zip');
  });

  it('names the file and the sentence in it of an unknown training tag in a merged dataset; dev sentences are not checked', () => {
    const merged = dataset({
      parts: [
        { name: 'first.conll', format: 'conll', sentences: 1, tokens: 3, tasks: ['POS', 'NER'] },
        { name: 'second.conll', format: 'conll', sentences: 1, tokens: 2, tasks: ['POS'] },
      ],
    });
    merged.sentences[1] = { words: ['Bo', 'sang'], tags: [['NNP', 'VBZ'], null] };
    const aligned = alignDatasetToModel(merged, model, 'model.zip');
    expect(() => checkTrainingTags(aligned, aligned.sentences, model, 'model.zip')).toThrow(
      'second.conll, sentence 1, token 2 ("sang"): the POS tag "VBZ" is not in the tag set of model.zip ("NNP", "VBD")',
    );
    expect(() => checkTrainingTags(aligned, aligned.sentences.slice(0, 1), model, 'model.zip')).not.toThrow();
  });
});
