import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCorpus, sniffFormat } from './readCorpus.ts';

const shared = new URL('../../../shared/data/', import.meta.url);
const load = (path: string) => new Uint8Array(readFileSync(new URL(path, shared)));
const row = (id: string, form: string) => [id, form, form, 'NOUN', 'NN', '_', '0', 'root', '_', '_'].join('\t');

describe('sniffFormat', () => {
  it('trusts the .conllu extension', () => {
    expect(sniffFormat('x.CONLLU', 'a b c\n')).toBe('conllu');
  });
  it('recognises CoNLL-U content under another name', () => {
    expect(sniffFormat('treebank.txt', ['# sent_id = 1', row('1', 'a'), '1-2\tab\t_\t_\t_\t_\t_\t_\t_\t_', row('2', 'b')].join('\n'))).toBe('conllu');
  });
  it('keeps CoNLL for column files, including ones with # tokens (the pound sign)', () => {
    expect(sniffFormat('train.txt', '# # B-NP\n1 CD I-NP\n')).toBe('conll');
    expect(sniffFormat('eng.train', '-DOCSTART- -X- O O\n\nEU NNP B-NP B-ORG\n')).toBe('conll');
    // Ten tab-separated columns but no numeric IDs: CoNLL.
    expect(sniffFormat('wide.tsv', ['w', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].join('\t'))).toBe('conll');
  });
});

describe('readCorpus', () => {
  it('dispatches on the format', () => {
    expect(readCorpus('en_ewt-ud-dev.conllu', load('ud-ewt/en_ewt-ud-dev.conllu')).tokenCount).toBe(25_147);
    expect(readCorpus('eng.testa', load('conll2003/eng.testa')).tokenCount).toBe(51_362);
    expect(readCorpus('dev.txt', load('ud-ewt/en_ewt-ud-dev.conllu')).format).toBe('conllu');
  });
  it('honours an explicit format', () => {
    const text = [row('1', 'a'), row('2', 'b')].join('\n');
    expect(readCorpus('t.txt', text, { format: 'conll' }).format).toBe('conll');
  });
});
