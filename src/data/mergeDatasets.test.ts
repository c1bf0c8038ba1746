import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DataError } from './dataError.ts';
import { loadDataset, summarizeDataset } from './dataset.ts';
import { datasetParts, mergeDatasets } from './mergeDatasets.ts';
import { extractChunks } from './tagSchemes.ts';

const shared = new URL('../../../shared/data/', import.meta.url);
const load = (path: string) => new Uint8Array(readFileSync(new URL(path, shared)));

const nerOnly = loadDataset('ner.conll', 'John B-PER\nlives O\nin O\nParis B-LOC\n\nMary B-PER\nleft O\n');
const posOnly = loadDataset('pos.conll', 'the DT\ncat NN\nsat VBD\n\na DT\ndog NN\nran VBD\nhome NN\n\nwe PRP\nran VBD\n');

describe('mergeDatasets', () => {
  it('a NER-only file and a POS-only file: union of tasks, null where a file has no labels', () => {
    expect(nerOnly.tasks.map((t) => t.name)).toEqual(['NER']);
    expect(posOnly.tasks.map((t) => t.name)).toEqual(['POS']);
    const merged = mergeDatasets([nerOnly, posOnly]);
    expect(merged.name).toBe('ner.conll + pos.conll');
    expect(merged.tasks.map((t) => `${t.name}:${t.scheme}`)).toEqual(['NER:IOB2', 'POS:plain']);
    expect(merged.sentences.map((s) => s.tags.map((t) => t?.join(' ') ?? null))).toEqual([
      ['B-PER O O B-LOC', null],
      ['B-PER O', null],
      [null, 'DT NN VBD'],
      [null, 'DT NN VBD NN'],
      [null, 'PRP VBD'],
    ]);
    expect(merged.stats).toMatchObject({ sentences: 5, tokens: 15, maxSentenceLength: 4 });
    // What the page shows: per task, how many sentences carry its labels; per file, its tasks.
    const summary = summarizeDataset(merged);
    expect(summary.tasks.map((t) => [t.name, t.labeledSentences])).toEqual([
      ['NER', 2],
      ['POS', 3],
    ]);
    expect(summary.parts).toEqual([
      { name: 'ner.conll', format: 'conll', sentences: 2, tokens: 6, tasks: ['NER'] },
      { name: 'pos.conll', format: 'conll', sentences: 3, tokens: 9, tasks: ['POS'] },
    ]);
  });

  it('merging is associative over added files: a third file extends the list of parts', () => {
    const third = loadDataset('more-ner.conll', 'Berlin B-LOC\nwins O\n');
    const stepwise = mergeDatasets([mergeDatasets([nerOnly, posOnly]), third]);
    const once = mergeDatasets([nerOnly, posOnly, third]);
    expect(stepwise.sentences).toEqual(once.sentences);
    expect(datasetParts(stepwise).map((p) => p.name)).toEqual(['ner.conll', 'pos.conll', 'more-ner.conll']);
  });

  it('one dataset alone is returned as it is, with itself as its only part', () => {
    expect(mergeDatasets([posOnly])).toBe(posOnly);
    expect(summarizeDataset(posOnly).parts).toEqual([{ name: 'pos.conll', format: 'conll', sentences: 3, tokens: 9, tasks: ['POS'] }]);
  });

  it('CoNLL-2003 (IOB1 chunks, NER) + CoNLL-2000 (IOB2 chunks): shared tasks by name, chunks converted to the first file\'s scheme', () => {
    const conll03 = loadDataset('eng.testa', load('conll2003/eng.testa'));
    const conll00 = loadDataset('test.txt', load('conll2000/test.txt'));
    expect(conll00.tasks.map((t) => `${t.name}:${t.scheme}`)).toEqual(['POS:plain', 'chunk:IOB2']);
    const merged = mergeDatasets([conll03, conll00]);
    expect(merged.tasks.map((t) => `${t.name}:${t.scheme}`)).toEqual(['POS:plain', 'chunk:IOB1', 'NER:IOB1']);
    expect(merged.sentences).toHaveLength(conll03.sentences.length + conll00.sentences.length);
    const summary = summarizeDataset(merged);
    expect(summary.tasks.map((t) => t.labeledSentences)).toEqual([
      conll03.sentences.length + conll00.sentences.length,
      conll03.sentences.length + conll00.sentences.length,
      conll03.sentences.length,
    ]);
    // Every CoNLL-2000 sentence: same words, no NER, and the same chunks read in IOB1 as in IOB2.
    conll00.sentences.forEach((original, i) => {
      const s = merged.sentences[conll03.sentences.length + i]!;
      expect(s.words).toBe(original.words);
      expect(s.tags[2]).toBeNull();
      expect(s.tags[0]).toEqual(original.tags[0]);
      expect(extractChunks(s.tags[1]!, 'IOB1')).toEqual(extractChunks(original.tags[1]!, 'IOB2'));
    });
  });

  it('refuses a file whose task of the same name has plain tags where the other has chunks, naming both files', () => {
    const posAsChunks = loadDataset('odd.conll', 'the B-NP\ncat I-NP\n', { overrides: [{ column: 1, name: 'POS' }] });
    expect(posAsChunks.tasks[0]!.scheme).not.toBe('plain');
    let error: unknown;
    try {
      mergeDatasets([posOnly, posAsChunks]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).file).toBe('odd.conll');
    expect((error as DataError).message).toMatch(/^odd\.conll: its task "POS" has IOB2 chunk tags but "POS" in pos\.conll has plain tags .*rename one of the two columns$/);
  });

  it('refuses a file without any task column', () => {
    const wordsOnly = loadDataset('words.txt', 'the x\ncat x\n', { overrides: [{ column: 1, role: 'other' }] });
    expect(wordsOnly.tasks).toEqual([]);
    expect(() => mergeDatasets([posOnly, wordsOnly])).toThrow(/^words\.txt: has no tag columns/);
  });
});
