import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DatasetStore } from './datasetStore.ts';

/** The research corpora, read in place (never copied into the repository). */
const shared = new URL('../../../../shared/data/', import.meta.url);
const load = (path: string) => new Uint8Array(readFileSync(new URL(path, shared)));

const bytes = (text: string) => new TextEncoder().encode(text);
const NER = bytes('John B-PER\nlives O\nin O\nParis B-LOC\n\nMary B-PER\nleft O\n');
const POS = bytes('the DT\ncat NN\nsat VBD\n\na DT\ndog NN\nran VBD\n');

describe('DatasetStore.addFile (partial labels)', () => {
  it('merges an added file by task name; the summary counts labelled sentences per task and lists the files', () => {
    const store = new DatasetStore();
    expect(store.load('ner.conll', NER).ok).toBe(true);
    const result = store.addFile('pos.conll', POS);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.dataset.name).toBe('ner.conll + pos.conll');
    expect(result.dataset.sentences).toBe(4);
    expect(result.dataset.sizeBytes).toBe(NER.byteLength + POS.byteLength);
    expect(result.dataset.tasks.map((t) => [t.name, t.labeledSentences])).toEqual([
      ['NER', 2],
      ['POS', 2],
    ]);
    expect(result.dataset.parts.map((p) => [p.name, p.tasks])).toEqual([
      ['ner.conll', ['NER']],
      ['pos.conll', ['POS']],
    ]);
    expect(store.current!.sentences.map((s) => s.tags.map((t) => t !== null))).toEqual([
      [true, false],
      [true, false],
      [false, true],
      [false, true],
    ]);
  });

  it('a bad added file names file, line and problem, and changes nothing', () => {
    const store = new DatasetStore();
    store.load('ner.conll', NER);
    store.addFile('pos.conll', POS);
    const before = store.current;
    const result = store.addFile('bad.conll', bytes('the DT\ncat NN\nsat\n'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.file).toBe('bad.conll');
    expect(result.error.line).toBe(3);
    expect(result.error.message).toMatch(/^bad\.conll: line 3: /);
    expect(store.current).toBe(before);
  });

  it('column choices re-plan the primary file and keep the added ones; a new load drops them', () => {
    const store = new DatasetStore();
    store.load('ner.conll', NER);
    store.addFile('pos.conll', POS);
    const renamed = store.applyOverrides([{ column: 1, name: 'entities' }]);
    if (!renamed.ok) throw new Error(renamed.error.message);
    expect(renamed.dataset.tasks.map((t) => t.name)).toEqual(['entities', 'POS']);
    const fresh = store.load('pos.conll', POS);
    if (!fresh.ok) throw new Error(fresh.error.message);
    expect(fresh.dataset.parts.map((p) => p.name)).toEqual(['pos.conll']);
  });

  it('adding before any dataset is loaded is refused plainly', () => {
    const result = new DatasetStore().addFile('pos.conll', POS);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toBe('pos.conll: load a dataset first; this file is added to it.');
  });
});

describe('DatasetStore.loadTest (a test file aligned to the training tasks)', () => {
  const BOTH = bytes('John NNP B-PER\nlives VBZ O\nin IN O\nParis NNP B-LOC\n\nMary NNP B-PER\nleft VBD O\n');

  it('aligns by task name: tasks the file lacks get null tags and count 0 labelled sentences', () => {
    const store = new DatasetStore();
    const train = store.load('both.conll', BOTH);
    if (!train.ok) throw new Error(train.error.message);
    const names = train.dataset.tasks.map((t) => t.name);
    expect(names).toContain('NER');
    const result = store.loadTest('ner-test.conll', bytes('Anna B-PER\nsang O\n\nin O\nRome B-LOC\n.  O\n\nok O\n'));
    if (!result.ok) throw new Error(result.error.message);
    expect(result.test).toEqual({
      name: 'ner-test.conll',
      sentences: 3,
      tokens: 6,
      tasks: names.map((name) => ({ name, labeledSentences: name === 'NER' ? 3 : 0 })),
    });
    const ner = names.indexOf('NER');
    expect(store.test!.tasks.map((t) => t.name)).toEqual(names);
    expect(store.test!.sentences[1]!.tags[ner]).toEqual(['O', 'B-LOC', 'O']);
    expect(store.test!.sentences.every((s) => s.tags.every((t, k) => (k === ner ? t !== null : t === null)))).toBe(true);
  });

  it('a bad test file names file, line and problem and keeps the previous test file', () => {
    const store = new DatasetStore();
    store.load('ner.conll', NER);
    expect(store.loadTest('good.conll', NER).ok).toBe(true);
    const before = store.test;
    const result = store.loadTest('bad.conll', bytes('Anna B-PER\nsang O\nhere\n'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.file).toBe('bad.conll');
    expect(result.error.line).toBe(3);
    expect(result.error.message).toMatch(/^bad\.conll: line 3: /);
    expect(store.test).toBe(before);
  });

  it('a file that labels none of the training tasks is refused, naming them', () => {
    const store = new DatasetStore();
    store.load('ner.conll', NER);
    const result = store.loadTest('pos.conll', POS);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toBe('pos.conll: labels none of the training tasks (NER); its tag columns must be named like the training file\'s.');
    expect(store.test).toBeNull();
  });

  it('is refused before any training data, and dropped by a new load, an added file or new column choices', () => {
    const store = new DatasetStore();
    const early = store.loadTest('ner.conll', NER);
    expect(early.ok ? '' : early.error.message).toMatch(/load the training data first/);
    store.load('ner.conll', NER);
    for (const change of [() => store.load('ner2.conll', NER), () => store.addFile('pos.conll', POS), () => store.applyOverrides([{ column: 1, name: 'entities' }])]) {
      expect(store.loadTest('test.conll', NER).ok).toBe(true);
      expect(store.test).not.toBeNull();
      expect(change().ok).toBe(true);
      expect(store.test).toBeNull();
      expect(store.testSummary).toBeNull();
    }
  });

  it('real corpora: CoNLL-2000 test against CoNLL-2003 training tasks labels POS and chunk (IOB2 → IOB1), not NER', () => {
    const store = new DatasetStore();
    const train = store.load('eng.testa', load('conll2003/eng.testa'));
    if (!train.ok) throw new Error(train.error.message);
    expect(train.dataset.tasks.map((t) => [t.name, t.scheme])).toEqual([
      ['POS', 'plain'],
      ['chunk', 'IOB1'],
      ['NER', 'IOB1'],
    ]);
    const result = store.loadTest('test.txt', load('conll2000/test.txt'));
    if (!result.ok) throw new Error(result.error.message);
    expect(result.test).toEqual({
      name: 'test.txt',
      sentences: 2012,
      tokens: 47377,
      tasks: [
        { name: 'POS', labeledSentences: 2012 },
        { name: 'chunk', labeledSentences: 2012 },
        { name: 'NER', labeledSentences: 0 },
      ],
    });
    // "Rockwell International Corp. 's Tulsa unit" is B-NP I-NP I-NP B-NP I-NP I-NP in the file (IOB2);
    // in IOB1, the training scheme, only the B- that follows a chunk of the same type stays.
    expect(store.test!.sentences[0]!.tags[1]!.slice(0, 6)).toEqual(['I-NP', 'I-NP', 'I-NP', 'B-NP', 'I-NP', 'I-NP']);
  });
});
