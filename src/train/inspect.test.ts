import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../data/index.ts';
import { resolveConfig } from '../core/config.ts';
import { evaluate } from './evaluate.ts';
import { inspectSentences, sentenceFromText } from './inspect.ts';
import { disposeTaggerModel } from './taggerModel.ts';
import { Trainer } from './trainer.ts';

const dataset = loadDataset(
  'en_ewt-ud-sample.conllu',
  readFileSync(new URL('../../public/samples/en_ewt-ud-sample.conllu', import.meta.url)),
);
const sentences = dataset.sentences.slice(0, 10);
const trainer = new Trainer({ runId: 'inspect', config: resolveConfig('tiny'), data: { tasks: dataset.tasks, train: sentences, dev: sentences } });
afterAll(() => {
  trainer.dispose();
  disposeTaggerModel(trainer.model);
});

describe('inspectSentences', () => {
  it('gives every task its predictions, gold tags and a β row per token that sums to 1', async () => {
    const [inspection] = await inspectSentences(trainer.model, [sentences[3]!]);
    const words = sentences[3]!.words;
    expect(inspection!.words).toEqual(words);
    expect(inspection!.tasks.map((t) => t.task)).toEqual(['UPOS', 'XPOS', 'DEPREL']);
    for (const [t, task] of inspection!.tasks.entries()) {
      expect(task.predicted).toHaveLength(words.length);
      expect(task.gold).toEqual(sentences[3]!.tags[t]);
      expect(task.representations).toHaveLength(3);
      expect(task.representations[0]).toBe('individual');
      expect(task.beta).toHaveLength(words.length);
      for (const row of task.beta!) {
        expect(row).toHaveLength(3);
        expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      }
    }
  });

  it('predicts what evaluation predicts, in input order, and handles typed text and empty input', async () => {
    const { predictions } = await evaluate(trainer.model, sentences);
    const inspections = await inspectSentences(trainer.model, sentences);
    inspections.forEach((inspection, i) => inspection.tasks.forEach((task, t) => expect(task.predicted).toEqual(predictions[t]![i])));

    const typed = await inspectSentences(trainer.model, [sentenceFromText('  The cat sat .  ', 3), sentenceFromText('   ', 3)]);
    expect(typed[0]!.words).toEqual(['The', 'cat', 'sat', '.']);
    expect(typed[0]!.tasks[0]!.gold).toBeNull();
    expect(typed[0]!.tasks[0]!.predicted).toHaveLength(4);
    expect(typed[1]!.words).toEqual([]);
    expect(typed[1]!.tasks[0]!.predicted).toEqual([]);
  });
});
