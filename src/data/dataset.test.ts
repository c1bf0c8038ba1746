import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DataError } from './dataError.ts';
import { loadDataset, summarizeDataset } from './dataset.ts';
import { createRng, randomInt } from './prng.ts';

const shared = new URL('../../../shared/data/', import.meta.url);
const load = (path: string) => new Uint8Array(readFileSync(new URL(path, shared)));

describe('loadDataset', () => {
  it('eng.testa: three tasks with their counts', () => {
    const dataset = loadDataset('data/conll2003/eng.testa', load('conll2003/eng.testa'));
    expect(dataset.name).toBe('eng.testa');
    expect(dataset.tasks.map((t) => `${t.name}:${t.column}:${t.scheme}`)).toEqual(['POS:1:plain', 'chunk:2:IOB1', 'NER:3:IOB1']);
    expect(dataset.stats).toEqual({
      sentences: 3_250,
      tokens: 51_362,
      docStarts: 216,
      multiwordTokens: 0,
      emptyNodes: 0,
      maxSentenceLength: dataset.stats.maxSentenceLength,
    });
    expect(dataset.sentences[0].words[0]).toBe('CRICKET');
    expect(dataset.sentences[0].tags.map((t) => t?.[2])).toEqual(['NNP', 'I-NP', 'I-ORG']);
    const summary = summarizeDataset(dataset);
    expect(summary.tasks.map((t) => [t.name, t.tags.length, t.labeledSentences])).toEqual([
      ['POS', 45, 3_250],
      ['chunk', 16, 3_250],
      ['NER', 6, 3_250],
    ]);
  });

  it('CoNLL-U: UPOS, XPOS, DEPREL over FORM', () => {
    const dataset = loadDataset('en_ewt-ud-test.conllu', load('ud-ewt/en_ewt-ud-test.conllu'));
    expect(dataset.tasks.map((t) => t.name)).toEqual(['UPOS', 'XPOS', 'DEPREL']);
    expect(dataset.stats).toMatchObject({ sentences: 2_077, tokens: 25_094, multiwordTokens: 354, emptyNodes: 2 });
    expect(summarizeDataset(dataset).tasks.map((t) => t.tags.length)).toEqual([17, 48, expect.any(Number)]);
  });

  it('aligns another file to the training tasks: missing tasks get null, schemes are converted', () => {
    const train = loadDataset('eng.testa', load('conll2003/eng.testa'));
    const other = loadDataset('train.txt', load('conll2000/test.txt'), { alignTo: train.tasks });
    expect(other.tasks).toEqual(train.tasks);
    expect(other.sentences[0].tags[2]).toBeNull();
    // CoNLL-2000 chunks are IOB2; aligned to the IOB1 task they are rewritten in IOB1.
    expect(other.sentences[0].tags[1]?.slice(0, 4)).toEqual(['I-NP', 'I-NP', 'I-NP', 'B-NP']);
    expect(summarizeDataset(other).tasks.map((t) => t.labeledSentences)).toEqual([2_012, 2_012, 0]);
  });

  it('applies column overrides', () => {
    const dataset = loadDataset('eng.testa', load('conll2003/eng.testa'), {
      overrides: [{ column: 1, role: 'other' }, { column: 3, name: 'entities' }],
    });
    expect(dataset.tasks.map((t) => t.name)).toEqual(['chunk', 'entities']);
    expect(dataset.sentences[0].tags.length).toBe(2);
  });

  it('throws DataError and nothing else for bad input', () => {
    expect(() => loadDataset('x', '')).toThrow(DataError);
    expect(() => loadDataset('x', 'a b\nc\n')).toThrow(/^x: line 2: expected 2 columns like the lines before, found 1$/);
  });
});

describe('loadDataset never throws anything but DataError (seeded fuzz)', () => {
  const check = (name: string, input: Uint8Array | string) => {
    try {
      const dataset = loadDataset(name, input);
      expect(dataset.sentences.length).toBeGreaterThan(0);
    } catch (error) {
      if (!(error instanceof DataError)) throw new Error(`untyped ${String(error)} for ${JSON.stringify(input)}`, { cause: error });
      expect(error.file).toBe(name);
      expect(error.message.startsWith(`${name}: `)).toBe(true);
    }
  };

  it('random byte strings', () => {
    const rng = createRng(99);
    for (let trial = 0; trial < 2000; trial++) {
      const bytes = Uint8Array.from({ length: randomInt(rng, 200) }, () => randomInt(rng, 256));
      check('random.bin', bytes);
    }
  });

  it('random text built from CoNLL-ish pieces', () => {
    const rng = createRng(100);
    const pieces = ['a', 'B-X', 'I-Y', 'E-X', 'S-Y', 'O', 'NN', ' ', ' ', '\t', '\n', '\n', '\n\n', '\r\n', '#', '1', '2-3', '4.1', '_', '-DOCSTART-', '\uFEFF', 'é'];
    const rare = ['\u0000', '\u0001', '\ud800', '\u001b'];
    for (let trial = 0; trial < 3000; trial++) {
      const parts = Array.from({ length: randomInt(rng, 60) }, () => pieces[randomInt(rng, pieces.length)]);
      if (trial % 10 === 0) parts.splice(randomInt(rng, parts.length + 1), 0, rare[randomInt(rng, rare.length)]);
      const text = parts.join('');
      check(trial % 2 ? 'random.conllu' : 'random.conll', trial % 3 ? new TextEncoder().encode(text) : text);
    }
  });

  it('random CoNLL-U-like lines', () => {
    const rng = createRng(101);
    const ids = ['1', '2', '3', '1-2', '2.1', '0.1', 'x', '', '10'];
    for (let trial = 0; trial < 2000; trial++) {
      const lines = Array.from({ length: randomInt(rng, 8) }, () =>
        rng() < 0.2 ? '' : [ids[randomInt(rng, ids.length)], 'w', 'l', 'NOUN', 'NN', '_', '0', 'root', '_', '_'].slice(0, 8 + randomInt(rng, 3)).join('\t'),
      );
      check('random.conllu', lines.join('\n'));
    }
  });
});
