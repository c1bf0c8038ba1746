/**
 * The one error type `src/data` throws for bad input. Callers (UI, CLI, trainer) catch exactly this
 * and show `message`, which always names the file, the line when one is known, and the problem in
 * plain words, so a researcher can open the file and fix it.
 */

/** What went wrong, as a closed set so callers can branch on it without parsing messages. */
export type DataErrorKind =
  /** The file has no bytes, or only blank lines. */
  | 'empty'
  /** NUL bytes or many control characters: not a text file. */
  | 'binary'
  /** Not valid UTF-8. */
  | 'encoding'
  /** A token line has a different number of columns than the lines before it. */
  | 'ragged'
  /** Only `-DOCSTART-` lines, comments or blank lines: nothing to train on. */
  | 'no-sentences'
  /** A column chosen as a task has so many distinct values that it must be words, not tags. */
  | 'tag-looks-like-words'
  /** Over the configured size limit. */
  | 'too-large'
  /** A CoNLL-U line breaks the format (column count, ID column, empty field). */
  | 'bad-conllu'
  /** A column choice that does not fit the file (out of range, duplicate name, two word columns). */
  | 'bad-column'
  /** A serialised vocabulary (e.g. from a checkpoint) that does not have the expected shape. */
  | 'bad-vocab'
  /** A sentence longer than the limit (usually a file without blank lines between sentences). */
  | 'sentence-too-long';

export interface DataErrorInit {
  kind: DataErrorKind;
  /** The file name as the user knows it (browser `File.name`, CLI path). */
  file: string;
  /** 1-based line number, when the problem sits on one line. */
  line?: number;
  /** The problem in plain words, without file or line (they are added to `message`). */
  reason: string;
}

export class DataError extends Error {
  readonly kind: DataErrorKind;
  readonly file: string;
  readonly line?: number;
  readonly reason: string;

  constructor(init: DataErrorInit) {
    super(formatDataErrorMessage(init));
    this.name = 'DataError';
    this.kind = init.kind;
    this.file = init.file;
    this.reason = init.reason;
    if (init.line !== undefined) this.line = init.line;
  }
}

/** `eng.bad: line 17: expected 4 columns like the lines before, found 3`. */
export function formatDataErrorMessage({ file, line, reason }: DataErrorInit): string {
  return line === undefined ? `${file}: ${reason}` : `${file}: line ${line}: ${reason}`;
}

export function isDataError(value: unknown): value is DataError {
  return value instanceof DataError;
}
