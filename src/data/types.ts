/**
 * The data contract shared by every floor above `src/data` (DESIGN.md §4). Pure types.
 */

/** Tag schemes we detect and convert between. `plain` means tags without chunk prefixes (POS). */
export type TagScheme = 'IOB1' | 'IOB2' | 'IOBES' | 'plain';

export type FileFormat = 'conll' | 'conllu';

/** One sentence as read from a file, column-major: `cells[column][token]`. */
export interface RawSentence {
  /** 1-based line number of the sentence's first token line in its file. */
  line: number;
  cells: string[][];
}

/** A file as parsed, before deciding which column is which task. */
export interface ParsedFile {
  fileName: string;
  format: FileFormat;
  /** Number of columns per token line (CoNLL-U: the 10 standard columns). */
  columnCount: number;
  /** Known column names (CoNLL-U: ID FORM LEMMA UPOS XPOS FEATS HEAD DEPREL DEPS MISC); absent for CoNLL. */
  columnNames?: string[];
  sentences: RawSentence[];
  /** `-DOCSTART-` lines skipped. */
  docStarts: number;
  /** Real tokens (DOCSTART lines, multiword-token and empty-node lines excluded). */
  tokenCount: number;
  /** CoNLL-U only: multiword-token lines (`3-4`) skipped. */
  multiwordTokens?: number;
  /** CoNLL-U only: empty-node lines (`8.1`) skipped. */
  emptyNodes?: number;
}

/** What column detection concluded about one column. */
export interface ColumnGuess {
  index: number;
  role: 'word' | 'tag' | 'other';
  /** Guessed name: FORM/word, POS, chunk, NER, UPOS, XPOS, DEPREL, or `col<N>`. */
  name: string;
  scheme: TagScheme;
  /** Tag inventory sorted by descending frequency (tag columns only). */
  tags: string[];
  /** Frequency of each entry of `tags`. */
  counts: number[];
  /** Number of distinct values in the column (all roles; for tag columns it equals `tags.length`). */
  distinct?: number;
}

/** A task the model is trained on: one tag column of the data. */
export interface TaskSpec {
  name: string;
  /** Column index in the source file. */
  column: number;
  /** Scheme detected in the source file (scores are reported in it, as conlleval would). */
  scheme: TagScheme;
}

/** A sentence ready for training: words plus one tag sequence per task (null: no labels for that task). */
export interface Sentence {
  words: string[];
  tags: (string[] | null)[];
  /** Frozen word features (BERT, issue 17): [words.length × dim] row-major, when the model reads them. */
  features?: Float32Array;
}

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
  /** Set when several files were merged (`mergeDatasets`): each file, in the order added. */
  parts?: DatasetPart[];
}

/** One file of a merged dataset, as the page lists it. */
export interface DatasetPart {
  name: string;
  format: FileFormat;
  sentences: number;
  tokens: number;
  /** The tasks this file carries labels for. */
  tasks: string[];
}
