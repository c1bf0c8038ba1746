/**
 * Partial labels (issue #6, item 8): several files become one training set whose tasks are the
 * union of theirs, matched by task name. A sentence keeps `null` for every task its file does not
 * carry, so the model skips that task's loss for it and evaluation scores the task only where it
 * has labels. Typical use: a NER-only file plus a POS-only file, or CoNLL-2003 plus CoNLL-2000 chunks.
 *
 * The first dataset is the primary one: its columns are the ones the page lets the user edit, its
 * format is the one reported, and its tag scheme wins when two files tag the same chunk task in
 * different schemes (the other file's tags are converted, as `alignTo` does for dev files).
 */
import { DataError } from './dataError.ts';
import { convertTags, type ChunkScheme } from './tagSchemes.ts';
import type { Dataset, DatasetPart, Sentence, TaskSpec } from './types.ts';

export type { DatasetPart } from './types.ts';

/** The parts of a dataset: itself alone when it was not merged. */
export function datasetParts(dataset: Dataset): DatasetPart[] {
  return dataset.parts ?? [partOf(dataset)];
}

function partOf(dataset: Dataset): DatasetPart {
  return {
    name: dataset.name,
    format: dataset.format,
    sentences: dataset.stats.sentences,
    tokens: dataset.stats.tokens,
    tasks: dataset.tasks.map((t) => t.name),
  };
}

/**
 * Merges `datasets` (the first is the primary one) into one training set. Throws DataError naming
 * the offending file when a file adds no task, or when a task name means plain tags in one file and
 * chunk tags in another (they cannot be one task: rename one of the columns).
 */
export function mergeDatasets(datasets: readonly Dataset[]): Dataset {
  const [primary, ...rest] = datasets;
  if (!primary) throw new RangeError('mergeDatasets: no datasets given');
  if (rest.length === 0) return primary;

  const tasks: TaskSpec[] = [];
  const owner: string[] = [];
  for (const dataset of datasets) {
    if (dataset.tasks.length === 0) {
      throw new DataError({
        kind: 'bad-column',
        file: dataset.fileName,
        reason: 'has no tag columns, so it adds no labels to the training data; mark at least one column as a task',
      });
    }
    for (const task of dataset.tasks) {
      const known = tasks.findIndex((t) => t.name === task.name);
      if (known < 0) {
        tasks.push({ ...task });
        owner.push(dataset.name);
        continue;
      }
      const first = tasks[known]!;
      if ((first.scheme === 'plain') !== (task.scheme === 'plain')) {
        throw new DataError({
          kind: 'bad-column',
          file: dataset.fileName,
          reason:
            `its task "${task.name}" has ${describeScheme(task.scheme)} but "${task.name}" in ${owner[known]} has ` +
            `${describeScheme(first.scheme)}; they cannot be trained as one task, so rename one of the two columns`,
        });
      }
    }
  }

  const sentences: Sentence[] = [];
  for (const dataset of datasets) {
    // Where each merged task sits in this file (−1: the file has no labels for it), and whether
    // its chunk tags need converting to the merged task's scheme.
    const from = tasks.map((task) => dataset.tasks.findIndex((t) => t.name === task.name));
    for (const sentence of dataset.sentences) {
      sentences.push({
        words: sentence.words,
        tags: tasks.map((task, k) => {
          const own = from[k]!;
          const tags = own < 0 ? null : (sentence.tags[own] ?? null);
          if (!tags) return null;
          const scheme = dataset.tasks[own]!.scheme;
          return scheme !== task.scheme && scheme !== 'plain' && task.scheme !== 'plain'
            ? convertTags(tags, scheme as ChunkScheme, task.scheme as ChunkScheme)
            : tags;
        }),
      });
    }
  }

  const parts = datasets.flatMap((d) => datasetParts(d));
  const sum = (pick: (d: Dataset) => number) => datasets.reduce((total, d) => total + pick(d), 0);
  return {
    name: parts.map((p) => p.name).join(' + '),
    fileName: primary.fileName,
    format: primary.format,
    columnCount: primary.columnCount,
    wordColumn: primary.wordColumn,
    columns: primary.columns,
    tasks,
    sentences,
    stats: {
      sentences: sum((d) => d.stats.sentences),
      tokens: sum((d) => d.stats.tokens),
      docStarts: sum((d) => d.stats.docStarts),
      multiwordTokens: sum((d) => d.stats.multiwordTokens),
      emptyNodes: sum((d) => d.stats.emptyNodes),
      maxSentenceLength: Math.max(...datasets.map((d) => d.stats.maxSentenceLength)),
    },
    parts,
  };
}

function describeScheme(scheme: TaskSpec['scheme']): string {
  return scheme === 'plain' ? 'plain tags (like POS)' : `${scheme} chunk tags`;
}
