/** The public API of `src/data` (floor 1: pure TypeScript, no tfjs, no DOM). */
export type * from './types.ts';
export { DataError, isDataError, type DataErrorKind, type DataErrorInit } from './dataError.ts';
export { DEFAULT_MAX_BYTES, type ReadOptions } from './textInput.ts';
export { readConll, DOCSTART } from './conllReader.ts';
export { readConllu, CONLLU_COLUMNS, CONLLU_COLUMN, type ConlluColumn } from './conlluReader.ts';
export { readCorpus, sniffFormat, type ReadCorpusOptions } from './readCorpus.ts';
export { writeConll, writeParsedFile, writeColumns, type WriteOptions } from './conllWriter.ts';
export { detectColumns, columnStats, looksLikeWords, type ColumnStats } from './columnDetection.ts';
export { planColumns, type ColumnOverride, type ColumnPlan } from './columnPlan.ts';
export {
  splitTag,
  extractChunks,
  conllevalChunks,
  iobesChunks,
  chunksToTags,
  convertTags,
  detectScheme,
  type Chunk,
  type ChunkScheme,
} from './tagSchemes.ts';
export {
  Vocab,
  TagSet,
  PAD,
  UNK,
  PAD_ID,
  UNK_ID,
  buildWordVocab,
  buildCharVocab,
  buildTagSet,
  buildVocabularies,
  vocabulariesToJSON,
  vocabulariesFromJSON,
  type Normalization,
  type VocabJSON,
  type TagSetJSON,
  type Vocabularies,
  type VocabulariesJSON,
  type VocabularyOptions,
  type WordVocabOptions,
  type CharVocabOptions,
} from './vocab.ts';
export { splitTrainDev, type Split, type SplitOptions } from './split.ts';
export {
  planBatches,
  encodeBatch,
  splitBatch,
  partitionBatch,
  groupBatches,
  makeBatches,
  paddingRatio,
  planPaddingRatio,
  type Batch,
  type BatchEncoders,
  type BatchOptions,
} from './batches.ts';
export {
  loadDataset,
  datasetFromParsed,
  DEFAULT_MAX_SENTENCE_TOKENS,
  summarizeDataset,
  type Dataset,
  type DatasetOptions,
  type DatasetStats,
  type DatasetSummary,
  type TaskSummary,
} from './dataset.ts';
export { createRng, shuffleInPlace } from './prng.ts';
export { mergeDatasets, datasetParts, type DatasetPart } from './mergeDatasets.ts';
