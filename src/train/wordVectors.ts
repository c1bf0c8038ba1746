/**
 * Pre-trained word vectors in the workbench (issue #6, item 7): their coverage of a dataset, and
 * the initial word table of a run built from them. No tfjs: the table is plain floats the Trainer
 * turns into its word embedding (`wordInit`).
 */
import { buildVocabularies, type Vocabularies } from '../data/index.ts';
import type { Sentence } from '../data/types.ts';
import type { RunConfig } from '../core/config.ts';
import { buildWordTable, vocabularyCoverage, type Coverage, type WordVectors } from '../data/pretrainedVectors.ts';
import type { RunVectors, VectorsCoverage } from '../core/events.ts';
import type { TrainingData } from './trainer.ts';

/** `<pad>` (0) and `<unk>` (1) are not words: they are never counted as covered or missing. */
const SPECIAL_ROWS = new Set([0, 1]);
const MISSING_LISTED = 20;

export function toVectorsCoverage(coverage: Coverage): VectorsCoverage {
  return {
    words: coverage.total,
    exact: coverage.exact,
    lowercase: coverage.lowercase,
    missing: coverage.missing,
    percent: 100 * coverage.coverage,
    missingExamples: coverage.missingWords,
  };
}

/** Coverage of every word type of `sentences` (as a run with minWordFreq 1 would see them). */
export function datasetCoverage(vectors: WordVectors, sentences: readonly Sentence[]): VectorsCoverage {
  const words = buildVocabularies(sentences, 0, { words: { minCount: 1 } }).words.tokens;
  return toVectorsCoverage(vocabularyCoverage(words, vectors, { skip: SPECIAL_ROWS, maxMissingListed: MISSING_LISTED }));
}

export interface PretrainedStart {
  /** What the run records: file, dimension, coverage of its vocabulary. */
  info: RunVectors;
  /** The run's vocabularies (built exactly as the Trainer would) and its initial word table. */
  vocabularies: Vocabularies;
  wordInit: Float32Array;
}

/**
 * The word table a run on `data` starts from: pre-trained rows for the words of its vocabulary
 * that have a vector (exact, else lowercased), seeded random rows for the rest, a zero `<pad>` row.
 * `config.model.embedding.wordDim` must already be the vectors' dimension.
 */
export function pretrainedStart(vectors: WordVectors, fileName: string, data: TrainingData, config: RunConfig): PretrainedStart {
  if (config.model.embedding.wordDim !== vectors.dim) {
    throw new Error(`${fileName}: the vectors have ${vectors.dim} dimensions but the run's word table has ${config.model.embedding.wordDim}`);
  }
  const vocabularies = buildVocabularies(data.train, data.tasks.length, { words: { minCount: config.model.embedding.minWordFreq } });
  const words = vocabularies.words.tokens;
  const { table } = buildWordTable(words, vectors, { seed: config.train.seed, zeroRows: [0] });
  const coverage = vocabularyCoverage(words, vectors, { skip: SPECIAL_ROWS, maxMissingListed: MISSING_LISTED });
  return { info: { fileName, dim: vectors.dim, coverage: toVectorsCoverage(coverage) }, vocabularies, wordInit: table };
}
