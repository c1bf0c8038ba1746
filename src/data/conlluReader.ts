/**
 * Reader for CoNLL-U (Universal Dependencies): 10 tab-separated columns, `#` comment lines,
 * multiword-token lines (`3-4`) and empty-node lines (`8.1`) skipped, since a tagger labels the
 * syntactic words. The ID column is checked so a shifted or corrupted file is caught early.
 */
import { DataError } from './dataError.ts';
import { plural } from './conllReader.ts';
import { decodeInput, forEachLine, isSpaceCode, type ReadOptions } from './textInput.ts';
import type { ParsedFile, RawSentence } from './types.ts';

export const CONLLU_COLUMNS = ['ID', 'FORM', 'LEMMA', 'UPOS', 'XPOS', 'FEATS', 'HEAD', 'DEPREL', 'DEPS', 'MISC'] as const;
export type ConlluColumn = (typeof CONLLU_COLUMNS)[number];
export const CONLLU_COLUMN = Object.fromEntries(CONLLU_COLUMNS.map((name, index) => [name, index])) as Record<
  ConlluColumn,
  number
>;

/** Parses CoNLL-U; throws DataError (kind 'bad-conllu' for format violations). */
export function readConllu(fileName: string, input: Uint8Array | string, options: ReadOptions = {}): ParsedFile {
  const text = decodeInput(fileName, input, options);
  return parseConlluText(fileName, text);
}

export function parseConlluText(fileName: string, text: string): ParsedFile {
  const sentences: RawSentence[] = [];
  let tokenCount = 0;
  let multiwordTokens = 0;
  let emptyNodes = 0;
  let current: string[][] | null = null;
  let currentLine = 0;
  /** The ID the next word line must carry. */
  let nextId = 1;

  const flush = () => {
    if (current) sentences.push({ line: currentLine, cells: current });
    current = null;
    nextId = 1;
  };
  const fail = (line: number, reason: string): never => {
    throw new DataError({ kind: 'bad-conllu', file: fileName, line, reason });
  };

  forEachLine(text, (line, lineNumber) => {
    if (isBlank(line)) {
      flush();
      return;
    }
    if (line.charCodeAt(0) === 0x23 /* # */) return;
    const fields = line.split('\t');
    if (fields.length !== CONLLU_COLUMNS.length) {
      const hint = fields.length === 1 && line.includes(' ') ? ' (CoNLL-U columns are separated by tabs, not spaces)' : '';
      fail(lineNumber, `expected 10 tab-separated columns, found ${fields.length}${hint}`);
    }
    for (let c = 0; c < fields.length; c++) {
      if (fields[c] === '') fail(lineNumber, `column ${c + 1} (${CONLLU_COLUMNS[c]}) is empty; CoNLL-U writes _ for no value`);
    }
    const id = fields[0];
    const range = /^(\d+)-(\d+)$/.exec(id);
    if (range) {
      const from = Number(range[1]);
      const to = Number(range[2]);
      if (from !== nextId || to <= from) {
        fail(lineNumber, `multiword token ID ${id} should be a range starting at word ${nextId}`);
      }
      multiwordTokens++;
      return;
    }
    const decimal = /^(\d+)\.(\d+)$/.exec(id);
    if (decimal) {
      if (Number(decimal[1]) !== nextId - 1 || Number(decimal[2]) === 0) {
        fail(lineNumber, `empty node ID ${id} should be ${nextId - 1}.1, ${nextId - 1}.2, … (after word ${nextId - 1})`);
      }
      emptyNodes++;
      return;
    }
    if (!/^\d+$/.test(id)) {
      fail(lineNumber, `ID '${id}' is not a word number, a range like 3-4 or an empty node like 8.1`);
    }
    if (Number(id) !== nextId) fail(lineNumber, `expected word ID ${nextId}, found ${id}`);
    nextId++;
    if (!current) {
      current = CONLLU_COLUMNS.map(() => []);
      currentLine = lineNumber;
    }
    for (let c = 0; c < fields.length; c++) current[c].push(fields[c]);
    tokenCount++;
  });
  flush();

  if (sentences.length === 0) {
    throw new DataError({
      kind: 'no-sentences',
      file: fileName,
      reason:
        multiwordTokens + emptyNodes > 0
          ? `the file has no word lines (only ${multiwordTokens + emptyNodes} multiword-token or empty-node ${plural(multiwordTokens + emptyNodes, 'line')})`
          : 'the file has no sentences (only comments and blank lines)',
    });
  }
  return {
    fileName,
    format: 'conllu',
    columnCount: CONLLU_COLUMNS.length,
    columnNames: [...CONLLU_COLUMNS],
    sentences,
    docStarts: 0,
    tokenCount,
    multiwordTokens,
    emptyNodes,
  };
}

function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) if (!isSpaceCode(line.charCodeAt(i))) return false;
  return true;
}
