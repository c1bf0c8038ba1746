/**
 * Per-sentence inspection: every task's predicted tags, the gold tags when known, and the attention
 * weights β of each token over the task's representations (what the workbench's inspector shows).
 */
import type { Sentence } from '../data/types.ts';
import { decode, representationNames } from '../model/tagger.ts';
import type { SentenceInspection } from '../core/inspection.ts';
import { toBatchTensors, disposeBatchTensors } from '../model/batchTensors.ts';
import { evaluationBatches } from './evaluate.ts';
import type { TaggerModel } from './taggerModel.ts';

/** Splits typed text into one sentence of whitespace-separated tokens. */
export function sentenceFromText(text: string, taskCount: number): Sentence {
  const words = text.trim().split(/\s+/).filter((w) => w.length > 0);
  return { words, tags: Array.from({ length: taskCount }, () => null) };
}

export async function inspectSentences(model: TaggerModel, sentences: readonly Sentence[]): Promise<SentenceInspection[]> {
  const out: SentenceInspection[] = sentences.map((s) => ({ words: [...s.words], tasks: [] }));
  const names = model.tasks.map((_, t) => representationNames(model.params, t));
  const nonEmpty = sentences.flatMap((s, i) => (s.words.length > 0 ? [i] : []));
  const batches = evaluationBatches(model, nonEmpty.map((i) => sentences[i]!), 64);
  const perTask = model.tasks.map(() => new Map<number, { predicted: string[]; beta: number[][] | null }>());
  for (const batch of batches) {
    const tensors = toBatchTensors(batch, model.config.model.embedding.charFilters > 0);
    let decoded: Awaited<ReturnType<typeof decode>>;
    try {
      decoded = await decode(model.params, tensors);
    } finally {
      disposeBatchTensors(tensors);
    }
    const { maxLen } = batch;
    decoded.paths.forEach((paths, t) => {
      const r = names[t]!.length;
      const beta = decoded.beta[t];
      paths.forEach((path, row) => {
        const index = nonEmpty[batch.sentenceIndex[row]!]!;
        const rows = beta
          ? path.map((_, i) => Array.from(beta.subarray((row * maxLen + i) * r, (row * maxLen + i + 1) * r)))
          : null;
        perTask[t]!.set(index, { predicted: path.map((id) => model.vocabularies.tags[t]!.tag(id)), beta: rows });
      });
    });
  }
  sentences.forEach((sentence, i) => {
    out[i]!.tasks = model.tasks.map((task, t) => {
      const found = perTask[t]!.get(i);
      return {
        task: task.name,
        predicted: found?.predicted ?? [],
        gold: sentence.tags[t] ? [...sentence.tags[t]!] : null,
        representations: names[t]!,
        beta: found?.beta ?? null,
      };
    });
  });
  return out;
}
