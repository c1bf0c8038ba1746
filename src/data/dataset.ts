/**
 * The glue from a dropped file to a training-ready dataset: read → detect columns → apply the
 * user's choices → sentences with one tag sequence per task. All or nothing: it returns a new
 * Dataset or throws DataError and touches nothing else, so callers keep their previous dataset.
 */
import { detectColumns } from './columnDetection.ts';
import { planColumns, type ColumnOverride } from './columnPlan.ts';
import { readCorpus, type ReadCorpusOptions } from './readCorpus.ts';
import { convertTags, type ChunkScheme } from './tagSchemes.ts';
import type { ColumnGuess, FileFormat, ParsedFile, Sentence, TaskSpec } from './types.ts';

export interface DatasetStats {
  sentences: number;
  tokens: number;
  docStarts: number;
  multiwordTokens: number;
  emptyNodes: number;
  maxSentenceLength: number;
}

export interface Dataset {
  /** The file name without its folders. */
  name: string;
  fileName: string;
  format: FileFormat;
  columnCount: number;
  wordColumn: number;
  /** Every column, as detected and then overridden by the user. */
  columns: ColumnGuess[];
  tasks: TaskSpec[];
  /** `sentences[i].tags[k]` belongs to `tasks[k]`; null when this file has no labels for it. */
  sentences: Sentence[];
  stats: DatasetStats;
}

export interface DatasetOptions extends ReadCorpusOptions {
  /** The user's column choices (role, name). */
  overrides?: readonly ColumnOverride[];
  /**
   * Align to these tasks (e.g. the training set's when loading dev or test): the result has exactly
   * these tasks, in this order, each matched by name to this file's tag columns; tasks this file
   * lacks get null tags. Chunk tags are converted to the requested scheme when this file uses another.
   */
  alignTo?: readonly TaskSpec[];
}

/** Bytes or text → Dataset; throws DataError on any problem with the input. */
export function loadDataset(fileName: string, input: Uint8Array | string, options: DatasetOptions = {}): Dataset {
  return datasetFromParsed(readCorpus(fileName, input, options), options);
}

export function datasetFromParsed(file: ParsedFile, options: Pick<DatasetOptions, 'overrides' | 'alignTo'> = {}): Dataset {
  const plan = planColumns(file, detectColumns(file), options.overrides);
  const own = plan.tasks;
  const tasks = options.alignTo ? options.alignTo.map((t) => ({ ...t })) : own;
  const sources = tasks.map((task) => own.find((o) => o.name === task.name) ?? null);

  let maxSentenceLength = 0;
  const sentences: Sentence[] = file.sentences.map((raw) => {
    const words = raw.cells[plan.wordColumn];
    maxSentenceLength = Math.max(maxSentenceLength, words.length);
    return {
      words,
      tags: tasks.map((task, k) => {
        const source = sources[k];
        if (!source) return null;
        const tags = raw.cells[source.column];
        return needsConversion(source.scheme, task.scheme)
          ? convertTags(tags, source.scheme as ChunkScheme, task.scheme as ChunkScheme)
          : tags;
      }),
    };
  });
  return {
    name: baseName(file.fileName),
    fileName: file.fileName,
    format: file.format,
    columnCount: file.columnCount,
    wordColumn: plan.wordColumn,
    columns: plan.columns,
    tasks,
    sentences,
    stats: {
      sentences: file.sentences.length,
      tokens: file.tokenCount,
      docStarts: file.docStarts,
      multiwordTokens: file.multiwordTokens ?? 0,
      emptyNodes: file.emptyNodes ?? 0,
      maxSentenceLength,
    },
  };
}

/** IOB1 and IOB2 read the same under conlleval, but the model learns the tags, so convert anyway. */
function needsConversion(from: TaskSpec['scheme'], to: TaskSpec['scheme']): boolean {
  return from !== to && from !== 'plain' && to !== 'plain';
}

export interface TaskSummary {
  name: string;
  column: number;
  scheme: TaskSpec['scheme'];
  /** Sentences that have labels for this task. */
  labeledSentences: number;
  /** Tag inventory, most frequent first (ties in code-unit order). */
  tags: string[];
  counts: number[];
}

export interface DatasetSummary {
  name: string;
  format: FileFormat;
  sentences: number;
  tokens: number;
  docStarts: number;
  tasks: TaskSummary[];
}

export function summarizeDataset(dataset: Dataset): DatasetSummary {
  return {
    name: dataset.name,
    format: dataset.format,
    sentences: dataset.stats.sentences,
    tokens: dataset.stats.tokens,
    docStarts: dataset.stats.docStarts,
    tasks: dataset.tasks.map((task, k) => {
      const counts = new Map<string, number>();
      let labeledSentences = 0;
      for (const sentence of dataset.sentences) {
        const tags = sentence.tags[k];
        if (!tags) continue;
        labeledSentences++;
        for (const tag of tags) counts.set(tag, (counts.get(tag) ?? 0) + 1);
      }
      const entries = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      return {
        name: task.name,
        column: task.column,
        scheme: task.scheme,
        labeledSentences,
        tags: entries.map((e) => e[0]),
        counts: entries.map((e) => e[1]),
      };
    }),
  };
}

function baseName(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut < 0 ? path : path.slice(cut + 1);
}
