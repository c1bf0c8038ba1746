/**
 * Reader for CoNLL column files (CoNLL-2000, CoNLL-2003 and the like): one token per line,
 * whitespace-separated columns, a blank line between sentences, `-DOCSTART-` lines ignored.
 */
import { DataError } from './dataError.ts';
import { decodeInput, isSpaceCode, type ReadOptions } from './textInput.ts';
import type { ParsedFile, RawSentence } from './types.ts';

export const DOCSTART = '-DOCSTART-';

/**
 * Parses a CoNLL column file. Throws DataError for empty, binary, non-UTF-8, too large, ragged
 * (a token line with a different column count than the first one) and sentence-less input.
 */
export function readConll(fileName: string, input: Uint8Array | string, options: ReadOptions = {}): ParsedFile {
  const text = decodeInput(fileName, input, options);
  return parseConllText(fileName, text);
}

/**
 * The parsing half of `readConll`, for text that `decodeInput` has already checked. One pass over
 * the characters, cutting fields straight out of the text (no per-line strings, no regex), since
 * this runs on every file a researcher drops and must stay fast on 100 MB corpora.
 */
export function parseConllText(fileName: string, input: string): ParsedFile {
  // Classic-Mac files break lines with CR alone; everything else has LF (CRLF's CR is whitespace).
  const text = input.indexOf('\n') < 0 && input.indexOf('\r') >= 0 ? input.replace(/\r/g, '\n') : input;
  const sentences: RawSentence[] = [];
  let columnCount = -1;
  let docStarts = 0;
  let tokenCount = 0;
  let current: string[][] | null = null;
  let currentLine = 0;
  const fields: string[] = [];
  const n = text.length;
  let i = 0;
  let lineNumber = 0;

  while (i < n) {
    lineNumber++;
    fields.length = 0;
    let j = i;
    while (j < n) {
      const code = text.charCodeAt(j);
      if (code === 0x0a) break;
      if (isSpaceCode(code)) {
        j++;
        continue;
      }
      const start = j;
      while (j < n && !isSpaceCode(text.charCodeAt(j))) j++;
      fields.push(text.slice(start, j));
    }
    i = j + 1;

    if (fields.length === 0) {
      if (current) sentences.push({ line: currentLine, cells: current });
      current = null;
      continue;
    }
    // A DOCSTART line is a document boundary, never a token, whatever its other columns say.
    if (fields[0] === DOCSTART) {
      docStarts++;
      if (current) sentences.push({ line: currentLine, cells: current });
      current = null;
      continue;
    }
    if (columnCount < 0) {
      columnCount = fields.length;
    } else if (fields.length !== columnCount) {
      throw new DataError({
        kind: 'ragged',
        file: fileName,
        line: lineNumber,
        reason: `expected ${columnCount} ${plural(columnCount, 'column')} like the lines before, found ${fields.length}`,
      });
    }
    if (!current) {
      current = [];
      for (let c = 0; c < columnCount; c++) current.push([]);
      currentLine = lineNumber;
    }
    for (let c = 0; c < columnCount; c++) current[c].push(fields[c]);
    tokenCount++;
  }
  if (current) sentences.push({ line: currentLine, cells: current });

  if (sentences.length === 0) {
    throw new DataError({
      kind: 'no-sentences',
      file: fileName,
      reason:
        docStarts > 0
          ? `the file has ${docStarts} -DOCSTART- ${plural(docStarts, 'line')} but no sentences`
          : 'the file has no sentences',
    });
  }
  return { fileName, format: 'conll', columnCount, sentences, docStarts, tokenCount };
}

/** Splits on runs of ASCII whitespace; an all-blank line gives no fields. */
export function splitFields(line: string): string[] {
  const fields: string[] = [];
  const n = line.length;
  let i = 0;
  while (i < n) {
    while (i < n && isSpaceCode(line.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && !isSpaceCode(line.charCodeAt(i))) i++;
    fields.push(line.slice(start, i));
  }
  return fields;
}

export function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}
