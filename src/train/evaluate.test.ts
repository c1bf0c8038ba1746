/**
 * The evaluation report is plain, finite data for every architecture and ablation (it is printed as
 * JSON by the CLI and drawn by the UI): scores in [0, 100], discriminator accuracy only for pairs
 * that have a discriminator, β means that sum to 1 where the model attends.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../data/index.ts';
import { ablations, mergeConfig, resolveConfig, type AblationName } from '../core/config.ts';
import { evaluate } from './evaluate.ts';
import { disposeTaggerModel } from './taggerModel.ts';
import { Trainer } from './trainer.ts';

const dataset = loadDataset(
  'en_ewt-ud-sample.conllu',
  readFileSync(new URL('../../public/samples/en_ewt-ud-sample.conllu', import.meta.url)),
);
const sentences = dataset.sentences.filter((s) => s.words.length <= 8).slice(0, 12);
const trainers: Trainer[] = [];
afterAll(() => {
  for (const t of trainers) {
    t.dispose();
    disposeTaggerModel(t.model);
  }
});

function allNumbersFinite(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(allNumbersFinite);
  if (value && typeof value === 'object') return Object.values(value).every(allNumbersFinite);
  return true;
}

describe('evaluate', () => {
  it.each(Object.keys(ablations) as AblationName[])('reports finite, well-formed figures for %s', async (name) => {
    const config = mergeConfig(resolveConfig('tiny'), { model: ablations[name] });
    const trainer = new Trainer({ runId: name, config, data: { tasks: dataset.tasks, train: sentences, dev: sentences } });
    trainers.push(trainer);
    const { report, predictions } = await evaluate(trainer.model, sentences);

    expect(allNumbersFinite(report)).toBe(true);
    expect(report.scores.map((s) => s.task)).toEqual(['UPOS', 'XPOS', 'DEPREL']);
    for (const score of report.scores) {
      expect(score.value).toBeGreaterThanOrEqual(0);
      expect(score.value).toBeLessThanOrEqual(100);
    }
    const hasDiscriminators = config.model.architecture === 'mtaa' && config.model.adversary !== 'none';
    expect(report.discriminatorAccuracy).toHaveLength(hasDiscriminators ? 3 : 0);
    const attends = config.model.architecture === 'mtaa' && config.model.fusion !== 'concat';
    expect(report.attention).toHaveLength(attends ? 3 : 0);
    for (const row of report.attention) {
      expect(row.representations).toHaveLength(3);
      expect(row.mean.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
    predictions.forEach((perTask) => perTask.forEach((tags, i) => expect(tags).toHaveLength(sentences[i]!.words.length)));
  });
});

describe('evaluate: per-type breakdown', () => {
  it('counts each task on its labelled sentences, agrees with its score, and names error sentences by their index in the input', async () => {
    const config = resolveConfig('tiny');
    // UPOS labels on odd sentences only (partial labels): even ones must not be counted or named.
    const partial = sentences.map((s, i) => (i % 2 === 0 ? { ...s, tags: [null, ...s.tags.slice(1)] } : s));
    const trainer = new Trainer({ runId: 'breakdown', config, data: { tasks: dataset.tasks, train: sentences, dev: sentences } });
    trainers.push(trainer);
    const { report, predictions } = await evaluate(trainer.model, partial);

    expect(report.breakdown?.map((b) => [b.task, b.metric])).toEqual([
      ['UPOS', 'accuracy'],
      ['XPOS', 'accuracy'],
      ['DEPREL', 'accuracy'],
    ]);
    const upos = report.breakdown![0]!;
    const labelledTokens = partial.reduce((n, s) => n + (s.tags[0] ? s.words.length : 0), 0);
    const { labels, counts } = upos.confusion;
    expect(counts.flat().reduce((a, b) => a + b, 0)).toBe(labelledTokens);
    const diagonal = labels.reduce((n, _, i) => n + counts[i]![i]!, 0);
    expect((100 * diagonal) / labelledTokens).toBeCloseTo(report.scores[0]!.accuracy, 9);
    expect(upos.types.reduce((n, t) => n + t.support, 0)).toBe(labelledTokens);
    for (const cell of upos.errors!.cells) {
      for (const s of cell.sentences) {
        expect(s % 2).toBe(1);
        const gold = partial[s]!.tags[0]!;
        expect(gold.some((tag, t) => tag === cell.gold && predictions[0]![s]![t] === cell.pred)).toBe(true);
      }
    }
  });
});
