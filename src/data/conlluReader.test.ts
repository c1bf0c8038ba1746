import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { writeParsedFile } from './conllWriter.ts';
import { CONLLU_COLUMN, readConllu } from './conlluReader.ts';
import { DataError } from './dataError.ts';
import type { ParsedFile } from './types.ts';

const shared = new URL('../../../shared/data/', import.meta.url);
const load = (path: string) => new Uint8Array(readFileSync(new URL(path, shared)));

function catchDataError(run: () => unknown): DataError {
  try {
    run();
  } catch (error) {
    if (error instanceof DataError) return error;
    throw error;
  }
  throw new Error('expected a DataError');
}

const distinct = (file: ParsedFile, column: number) => new Set(file.sentences.flatMap((s) => s.cells[column])).size;

const row = (id: string, form: string, upos = 'NOUN') => [id, form, form, upos, 'NN', '_', '0', 'root', '_', '_'].join('\t');

describe('readConllu on UD English-EWT (counts from data/README.md)', () => {
  it('dev', () => {
    const file = readConllu('en_ewt-ud-dev.conllu', load('ud-ewt/en_ewt-ud-dev.conllu'));
    expect(file.format).toBe('conllu');
    expect(file.columnCount).toBe(10);
    expect(file.columnNames).toEqual(['ID', 'FORM', 'LEMMA', 'UPOS', 'XPOS', 'FEATS', 'HEAD', 'DEPREL', 'DEPS', 'MISC']);
    expect(file.sentences.length).toBe(2_001);
    expect(file.tokenCount).toBe(25_147);
    expect(file.multiwordTokens).toBe(359);
    expect(file.emptyNodes).toBe(4);
    expect(distinct(file, CONLLU_COLUMN.UPOS)).toBe(17);
    expect(distinct(file, CONLLU_COLUMN.XPOS)).toBe(49);
    expect(file.sentences[0].cells[CONLLU_COLUMN.FORM]).toEqual(['From', 'the', 'AP', 'comes', 'this', 'story', ':']);
    expect(file.sentences[0].line).toBe(5);
  });

  it('test', () => {
    const file = readConllu('en_ewt-ud-test.conllu', load('ud-ewt/en_ewt-ud-test.conllu'));
    expect([file.sentences.length, file.tokenCount, file.multiwordTokens, file.emptyNodes]).toEqual([2_077, 25_094, 354, 2]);
    expect(distinct(file, CONLLU_COLUMN.UPOS)).toBe(17);
    expect(distinct(file, CONLLU_COLUMN.XPOS)).toBe(48);
  });

  it('round-trips the word lines', () => {
    const original = readConllu('dev', load('ud-ewt/en_ewt-ud-dev.conllu'));
    const again = readConllu('dev.out', writeParsedFile(original));
    expect(again.sentences.map((s) => s.cells)).toEqual(original.sentences.map((s) => s.cells));
  });
});

describe('readConllu structure', () => {
  it('skips comments, multiword tokens and empty nodes; accepts CRLF and a BOM', () => {
    const text = ['\uFEFF# sent_id = 1', '# text = Don\'t go', '1-2\tDon\'t\t_\t_\t_\t_\t_\t_\t_\t_', row('1', 'Do'), row('2', "n't"), row('2.1', 'x'), row('3', 'go'), '', '', ''].join('\r\n');
    const file = readConllu('t.conllu', text);
    expect(file.sentences.length).toBe(1);
    expect(file.sentences[0].cells[1]).toEqual(['Do', "n't", 'go']);
    expect(file.sentences[0].line).toBe(4);
    expect([file.tokenCount, file.multiwordTokens, file.emptyNodes]).toEqual([3, 1, 1]);
  });
});

describe('readConllu errors', () => {
  it('a bad ID names the line', () => {
    const error = catchDataError(() => readConllu('bad.conllu', ['# c', row('1', 'a'), row('x', 'b')].join('\n')));
    expect(error.kind).toBe('bad-conllu');
    expect(error.line).toBe(3);
    expect(error.message).toBe("bad.conllu: line 3: ID 'x' is not a word number, a range like 3-4 or an empty node like 8.1");
  });

  it('IDs out of sequence', () => {
    const error = catchDataError(() => readConllu('gap.conllu', [row('1', 'a'), row('3', 'b')].join('\n')));
    expect(error.kind).toBe('bad-conllu');
    expect(error.message).toBe('gap.conllu: line 2: expected word ID 2, found 3');
  });

  it('IDs restart after a blank line', () => {
    expect(readConllu('ok.conllu', [row('1', 'a'), '', row('1', 'b')].join('\n')).sentences.length).toBe(2);
  });

  it('a multiword range that does not start at the next word', () => {
    const error = catchDataError(() => readConllu('mwt.conllu', [row('1', 'a'), '3-4\tx\t_\t_\t_\t_\t_\t_\t_\t_'].join('\n')));
    expect(error.kind).toBe('bad-conllu');
    expect(error.line).toBe(2);
  });

  it('wrong column count, with a hint for space-separated files', () => {
    const error = catchDataError(() => readConllu('sp.conllu', '1 a a NOUN NN _ 0 root _ _\n'));
    expect(error.kind).toBe('bad-conllu');
    expect(error.message).toBe('sp.conllu: line 1: expected 10 tab-separated columns, found 1 (CoNLL-U columns are separated by tabs, not spaces)');
  });

  it('an empty field', () => {
    const error = catchDataError(() => readConllu('e.conllu', '1\ta\ta\t\tNN\t_\t0\troot\t_\t_\n'));
    expect(error.message).toBe('e.conllu: line 1: column 4 (UPOS) is empty; CoNLL-U writes _ for no value');
  });

  it('only comments', () => {
    expect(catchDataError(() => readConllu('c.conllu', '# a\n# b\n\n')).kind).toBe('no-sentences');
  });
});
