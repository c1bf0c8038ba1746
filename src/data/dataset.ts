/**
 * The glue from a dropped file to a training-ready dataset: read → detect columns → apply the
 * user's choices → sentences with one tag sequence per task. All or nothing: it returns a new
 * Dataset or throws DataError and touches nothing else, so callers keep their previous dataset.
 */
import { detectColumns } from './columnDetection.ts';
import { DataError } from './dataError.ts';
import { planColumns, type ColumnOverride } from './columnPlan.ts';
import { readCorpus, type ReadCorpusOptions } from './readCorpus.ts';
import { datasetParts } from './mergeDatasets.ts';
import { convertTags, type ChunkScheme } from './tagSchemes.ts';
import type { Dataset, DatasetPart, FileFormat, ParsedFile, Sentence, TaskSpec } from './types.ts';

export type { Dataset, DatasetStats } from './types.ts';

/**
 * Sentences longer than this are refused: a recurrent encoder walks a sentence one token at a time,
 * so one runaway "sentence" (a file without blank lines) would stall training for minutes. Real
 * treebanks stay far below it (CoNLL-2003: 124 tokens, UD EWT: 159).
 */
export const DEFAULT_MAX_SENTENCE_TOKENS = 2000;

export interface DatasetOptions extends ReadCorpusOptions {
  /** Refuse sentences with more tokens than this (default DEFAULT_MAX_SENTENCE_TOKENS). */
  maxSentenceTokens?: number;
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

export function datasetFromParsed(file: ParsedFile, options: Pick<DatasetOptions, 'overrides' | 'alignTo' | 'maxSentenceTokens'> = {}): Dataset {
  checkSentenceLengths(file, options.maxSentenceTokens ?? DEFAULT_MAX_SENTENCE_TOKENS);
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

function checkSentenceLengths(file: ParsedFile, limit: number): void {
  for (const sentence of file.sentences) {
    const length = sentence.cells[0]?.length ?? 0;
    if (length > limit) {
      throw new DataError({
        kind: 'sentence-too-long',
        file: file.fileName,
        line: sentence.line,
        reason: `the sentence starting here has ${length} tokens, over the ${limit}-token limit; are the blank lines between sentences missing?`,
      });
    }
  }
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
  /** The files behind the dataset (one unless files were added to it: partial labels). */
  parts: DatasetPart[];
}

export function summarizeDataset(dataset: Dataset): DatasetSummary {
  return {
    name: dataset.name,
    format: dataset.format,
    sentences: dataset.stats.sentences,
    tokens: dataset.stats.tokens,
    docStarts: dataset.stats.docStarts,
    parts: datasetParts(dataset),
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
