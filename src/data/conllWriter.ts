/**
 * Writes sentences back as CoNLL text: for exporting predictions, and for the reader round-trip
 * tests (write, re-read, compare).
 */
import type { ParsedFile, RawSentence } from './types.ts';

export interface WriteOptions {
  /** Column separator; default a single space for CoNLL, a tab for CoNLL-U. */
  separator?: string;
}

/** One line per token, a blank line after every sentence (the CoNLL-2000/2003 layout). */
export function writeConll(sentences: readonly RawSentence[], options: WriteOptions = {}): string {
  return writeColumns(
    sentences.map((s) => s.cells),
    options.separator ?? ' ',
  );
}

/** Writes a parsed file in its own format (CoNLL-U: the 10 columns of the word lines, tab-separated). */
export function writeParsedFile(file: ParsedFile): string {
  return writeColumns(
    file.sentences.map((s) => s.cells),
    file.format === 'conllu' ? '\t' : ' ',
  );
}

/** `columns[sentence][column][token]` → text. */
export function writeColumns(sentences: readonly (readonly (readonly string[])[])[], separator = ' '): string {
  const parts: string[] = [];
  for (const columns of sentences) {
    const length = columns[0]?.length ?? 0;
    for (let t = 0; t < length; t++) {
      parts.push(columns.map((column) => column[t]).join(separator), '\n');
    }
    parts.push('\n');
  }
  return parts.join('');
}
