/**
 * One entry point for "a file the user dropped": decides CoNLL vs CoNLL-U, then parses.
 */
import { parseConllText, splitFields } from './conllReader.ts';
import { CONLLU_COLUMNS, parseConlluText } from './conlluReader.ts';
import { decodeInput, forEachLine, type ReadOptions } from './textInput.ts';
import type { FileFormat, ParsedFile } from './types.ts';

export interface ReadCorpusOptions extends ReadOptions {
  /** Skip sniffing and read as this format. */
  format?: FileFormat;
}

/** Reads CoNLL or CoNLL-U from bytes or text; throws DataError for anything it cannot use. */
export function readCorpus(fileName: string, input: Uint8Array | string, options: ReadCorpusOptions = {}): ParsedFile {
  const text = decodeInput(fileName, input, options);
  const format = options.format ?? sniffFormat(fileName, text);
  return format === 'conllu' ? parseConlluText(fileName, text) : parseConllText(fileName, text);
}

/** How many token lines sniffing looks at: enough to be sure, few enough to be instant. */
const SNIFF_LINES = 50;

/**
 * `.conllu` files are CoNLL-U. Otherwise the first token lines decide: CoNLL-U if every one has
 * exactly 10 tab-separated columns with a CoNLL-U ID (`3`, `3-4`, `8.1`) first. `#` lines alone do
 * not decide, because `#` is a real token in CoNLL-2000 (the pound sign).
 */
export function sniffFormat(fileName: string, text: string): FileFormat {
  if (/\.conllu$/i.test(fileName)) return 'conllu';
  let seen = 0;
  let conlluLike = true;
  const id = /^\d+([-.]\d+)?$/;
  forEachLine(text, (line) => {
    if (line.startsWith('#') || splitFields(line).length === 0) return true;
    const fields = line.split('\t');
    if (fields.length !== CONLLU_COLUMNS.length || !id.test(fields[0])) conlluLike = false;
    seen++;
    return conlluLike && seen < SNIFF_LINES;
  });
  return seen > 0 && conlluLike ? 'conllu' : 'conll';
}
