import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { writeConll } from './conllWriter.ts';
import { readConll } from './conllReader.ts';
import { DataError } from './dataError.ts';
import type { ParsedFile } from './types.ts';

const shared = new URL('../../../shared/data/', import.meta.url);
const load = (path: string) => new Uint8Array(readFileSync(new URL(path, shared)));
const utf8 = (s: string) => new TextEncoder().encode(s);

function catchDataError(run: () => unknown): DataError {
  try {
    run();
  } catch (error) {
    if (error instanceof DataError) return error;
    throw error;
  }
  throw new Error('expected a DataError');
}

function inventory(file: ParsedFile, column: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of file.sentences) for (const tag of s.cells[column]) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  return counts;
}

describe('readConll on the shared data (counts from data/README.md)', () => {
  it('conll2003/eng.train', () => {
    const file = readConll('eng.train', load('conll2003/eng.train'));
    expect(file.format).toBe('conll');
    expect(file.columnCount).toBe(4);
    expect(file.sentences.length).toBe(14_041);
    expect(file.tokenCount).toBe(203_621);
    expect(file.docStarts).toBe(946);
    expect(inventory(file, 1).size).toBe(45);
    expect(inventory(file, 1).get('"')).toBe(2_178);
    expect(inventory(file, 1).get("''")).toBe(35);
    expect(inventory(file, 1).has('NN|SYM')).toBe(true);
    expect(inventory(file, 2).size).toBe(17);
    const ner = inventory(file, 3);
    expect([...ner.keys()].sort()).toEqual(['B-LOC', 'B-MISC', 'B-ORG', 'I-LOC', 'I-MISC', 'I-ORG', 'I-PER', 'O']);
    const bTags = [...ner].filter(([t]) => t.startsWith('B-')).reduce((sum, [, n]) => sum + n, 0);
    expect(bTags).toBe(72);
    expect(file.sentences[0].line).toBe(3);
    expect(file.sentences[0].cells[0].slice(0, 3)).toEqual(['EU', 'rejects', 'German']);
  });

  it('conll2003/eng.testa', () => {
    const file = readConll('eng.testa', load('conll2003/eng.testa'));
    expect([file.sentences.length, file.tokenCount, file.docStarts]).toEqual([3_250, 51_362, 216]);
    const ner = inventory(file, 3);
    expect(ner.get('B-MISC')).toBe(4);
    expect([...ner.keys()].filter((t) => t.startsWith('B-'))).toEqual(['B-MISC']);
    // Dev uses no tag that is missing from train.
    const train = readConll('eng.train', load('conll2003/eng.train'));
    for (const column of [1, 2, 3]) {
      const trainTags = inventory(train, column);
      for (const tag of inventory(file, column).keys()) expect(trainTags.has(tag), tag).toBe(true);
    }
  });

  it('conll2000/train.txt and test.txt', () => {
    const train = readConll('train.txt', load('conll2000/train.txt'));
    expect([train.columnCount, train.sentences.length, train.tokenCount, train.docStarts]).toEqual([3, 8_936, 211_727, 0]);
    expect(inventory(train, 1).size).toBe(44);
    expect(inventory(train, 2).size).toBe(22);
    const test = readConll('test.txt', load('conll2000/test.txt'));
    expect([test.sentences.length, test.tokenCount]).toEqual([2_012, 47_377]);
    expect(inventory(test, 1).size).toBe(43);
    expect(inventory(test, 1).has('SYM')).toBe(false);
    expect(inventory(test, 2).size).toBe(19);
    expect(inventory(test, 2).get('I-LST')).toBe(2);
    const union = new Set([...inventory(train, 2).keys(), ...inventory(test, 2).keys()]);
    expect(union.size).toBe(23);
  });
});

describe('readConll input variants', () => {
  const expected = [
    { words: ['EU', 'rejects'], tags: ['NNP', 'VBZ'] },
    { words: ['Peter'], tags: ['NNP'] },
  ];
  const simplify = (file: ParsedFile) => file.sentences.map((s) => ({ words: s.cells[0], tags: s.cells[1] }));

  it('accepts CRLF, a BOM, tabs, runs of spaces, whitespace-only lines and trailing blank lines', () => {
    const text = '\uFEFF-DOCSTART- -X- O\r\n\r\nEU\tNNP\r\nrejects   VBZ \r\n \t \r\nPeter NNP\r\n\r\n\r\n  \r\n';
    const file = readConll('crlf.conll', utf8(text));
    expect(simplify(file)).toEqual(expected);
    expect(file.docStarts).toBe(1);
    expect(file.sentences.map((s) => s.line)).toEqual([3, 6]);
  });

  it('reads a string the same as its bytes, with no final newline', () => {
    const text = 'EU NNP\nrejects VBZ\n\nPeter NNP';
    expect(simplify(readConll('s', text))).toEqual(expected);
    expect(simplify(readConll('s', utf8(text)))).toEqual(expected);
  });

  it('treats a DOCSTART line without a blank line after it as a boundary, whatever its columns', () => {
    const file = readConll('d', 'EU NNP\n-DOCSTART- -X- -X- O\nrejects VBZ\n-DOCSTART-\n\n');
    expect(file.sentences.map((s) => s.cells[0])).toEqual([['EU'], ['rejects']]);
    expect(file.docStarts).toBe(2);
  });

  it('round-trips: written back and re-read gives the same sentences', () => {
    const original = readConll('eng.testa', load('conll2003/eng.testa'));
    const again = readConll('eng.testa.out', writeConll(original.sentences));
    expect(again.columnCount).toBe(original.columnCount);
    expect(again.tokenCount).toBe(original.tokenCount);
    expect(again.sentences.map((s) => s.cells)).toEqual(original.sentences.map((s) => s.cells));
  });
});

describe('readConll errors', () => {
  it('ragged columns name the line and the counts', () => {
    const error = catchDataError(() => readConll('eng.bad', 'a B C D\ne F G H\n\nI J K\n'));
    expect(error.kind).toBe('ragged');
    expect(error.line).toBe(4);
    expect(error.message).toBe('eng.bad: line 4: expected 4 columns like the lines before, found 3');
  });

  it('empty file', () => {
    const error = catchDataError(() => readConll('empty.conll', new Uint8Array()));
    expect(error.kind).toBe('empty');
    expect(error.message).toBe('empty.conll: the file is empty');
  });

  it('no sentences: only DOCSTART and blank lines', () => {
    const error = catchDataError(() => readConll('docs.conll', '-DOCSTART- -X- O O\n\n-DOCSTART- -X- O O\n\n'));
    expect(error.kind).toBe('no-sentences');
    expect(error.message).toBe('docs.conll: the file has 2 -DOCSTART- lines but no sentences');
  });

  it('binary data', () => {
    const bytes = Uint8Array.from([...utf8('EU NNP\n'), 0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]);
    const error = catchDataError(() => readConll('image.png', bytes));
    expect(error.kind).toBe('binary');
    expect(error.line).toBe(2);
  });

  it('non-UTF-8 bytes', () => {
    const bytes = Uint8Array.from([...utf8('EU NNP\n\nrejects VBZ\nK'), 0xf6, ...utf8('ln NNP\n')]);
    const error = catchDataError(() => readConll('latin1.conll', bytes));
    expect(error.kind).toBe('encoding');
    expect(error.line).toBe(4);
    expect(error.message).toMatch(/^latin1\.conll: line 4: byte 0xf6 at offset 21 is not valid UTF-8/);
  });

  it('over the size limit', () => {
    const error = catchDataError(() => readConll('big.conll', load('conll2003/eng.testa'), { maxBytes: 500_000 }));
    expect(error.kind).toBe('too-large');
    expect(error.file).toBe('big.conll');
  });
});
