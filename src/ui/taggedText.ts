/**
 * Tagged text as a CoNLL file: one token per line, the word then one predicted tag per task
 * (space-separated, in the model's task order, as CoNLL-2003 lays out its columns), a blank line
 * after each sentence. A comment line first names the columns. Pure.
 */
import type { SentenceInspection } from '../protocol.ts';

export function taggedConll(sentences: readonly SentenceInspection[]): string {
  const tasks = sentences[0]?.tasks.map((t) => t.task) ?? [];
  const out = [`# columns: word ${tasks.join(' ')}`];
  for (const sentence of sentences) {
    sentence.words.forEach((word, i) => {
      out.push([word, ...sentence.tasks.map((t) => t.predicted[i] ?? 'O')].join(' '));
    });
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
