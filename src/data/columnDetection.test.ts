import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectColumns, looksLikeWords, columnStats } from './columnDetection.ts';
import { readCorpus } from './readCorpus.ts';
import { readConll } from './conllReader.ts';

const shared = new URL('../../../shared/data/', import.meta.url);
const read = (path: string) => readCorpus(path, new Uint8Array(readFileSync(new URL(path, shared))));
const summary = (path: string) => detectColumns(read(path)).map((c) => [c.role, c.name, c.scheme, c.tags.length]);

describe('detectColumns on the shared data', () => {
  it('eng.testa: word, POS, chunk, NER (IOB1)', () => {
    expect(summary('conll2003/eng.testa')).toEqual([
      ['word', 'word', 'plain', 0],
      ['tag', 'POS', 'plain', 45],
      ['tag', 'chunk', 'IOB1', 16],
      ['tag', 'NER', 'IOB1', 6],
    ]);
  });

  it('eng.train: 45 POS, 17 chunk and 8 NER tags', () => {
    expect(summary('conll2003/eng.train')).toEqual([
      ['word', 'word', 'plain', 0],
      ['tag', 'POS', 'plain', 45],
      ['tag', 'chunk', 'IOB1', 17],
      ['tag', 'NER', 'IOB1', 8],
    ]);
  });

  it('conll2000: word, POS, chunk (IOB2)', () => {
    expect(summary('conll2000/train.txt')).toEqual([
      ['word', 'word', 'plain', 0],
      ['tag', 'POS', 'plain', 44],
      ['tag', 'chunk', 'IOB2', 22],
    ]);
    expect(summary('conll2000/test.txt')).toEqual([
      ['word', 'word', 'plain', 0],
      ['tag', 'POS', 'plain', 43],
      ['tag', 'chunk', 'IOB2', 19],
    ]);
  });

  it('CoNLL-U: FORM is the word; UPOS, XPOS, DEPREL are the tags', () => {
    const columns = detectColumns(read('ud-ewt/en_ewt-ud-dev.conllu'));
    expect(columns.filter((c) => c.role === 'word').map((c) => c.name)).toEqual(['FORM']);
    expect(columns.filter((c) => c.role === 'tag').map((c) => [c.name, c.index, c.scheme, c.tags.length])).toEqual([
      ['UPOS', 3, 'plain', 17],
      ['XPOS', 4, 'plain', 49],
      ['DEPREL', 7, 'plain', 49],
    ]);
    expect(columns.find((c) => c.name === 'XPOS')?.tags.length).toBe(49);
    const test = detectColumns(read('ud-ewt/en_ewt-ud-test.conllu'));
    expect(test.find((c) => c.name === 'XPOS')?.tags.length).toBe(48);
    expect(test.find((c) => c.name === 'UPOS')?.tags.length).toBe(17);
  });

  it('tag inventories come sorted by frequency with their counts', () => {
    const ner = detectColumns(read('conll2003/eng.testa'))[3];
    expect(ner.tags[0]).toBe('O');
    expect(ner.counts[0]).toBe(42_759);
    expect(ner.counts.reduce((a, b) => a + b, 0)).toBe(51_362);
  });
});

describe('detectColumns heuristics', () => {
  it('finds the word column when it is not first, and names generic B-/I- types NER', () => {
    const text = ['B-PER Anna NNP', 'I-PER Smith NNP', 'O visited VBD', 'B-CITY Rome NNP', 'O today NN', 'O and CC', 'O left VBD', 'O . .'].join('\n');
    const guesses = detectColumns(readConll('t', text));
    expect(guesses.map((g) => [g.role, g.name, g.scheme])).toEqual([
      ['tag', 'NER', 'IOB2'],
      ['word', 'word', 'plain'],
      ['tag', 'POS', 'plain'],
    ]);
  });

  it('does not take a second word-like column as a tag column', () => {
    const rows: string[] = [];
    for (let i = 0; i < 3000; i++) rows.push(`w${i} lemma${i} ${i % 2 ? 'NN' : 'VB'}`, ...(i % 10 === 9 ? [''] : []));
    const file = readConll('lemmas', rows.join('\n'));
    expect(looksLikeWords(columnStats(file, 1))).toBe(true);
    expect(detectColumns(file).map((g) => g.role)).toEqual(['word', 'other', 'tag']);
  });

  it('gives columns it cannot name col<N>, and keeps names unique', () => {
    const text = ['a X NN NN', 'b Y VB VB', 'c Z DT DT', 'd X IN IN', 'e Y JJ JJ'].join('\n');
    expect(detectColumns(readConll('t', text)).map((g) => g.name)).toEqual(['word', 'col1', 'POS', 'POS3']);
  });
});
