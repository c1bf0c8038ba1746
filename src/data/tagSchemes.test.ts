import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readConll } from './conllReader.ts';
import { createRng, randomInt } from './prng.ts';
import {
  chunksToTags,
  conllevalChunks,
  convertTags,
  detectScheme,
  extractChunks,
  iobesChunks,
  splitTag,
  type Chunk,
  type ChunkScheme,
} from './tagSchemes.ts';

const shared = new URL('../../../shared/data/', import.meta.url);
const column = (path: string, index: number) =>
  readConll(path, new Uint8Array(readFileSync(new URL(path, shared)))).sentences.map((s) => s.cells[index]);

function countByType(sequences: readonly (readonly string[])[], scheme: ChunkScheme): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const tags of sequences) for (const c of extractChunks(tags, scheme)) counts[c.type] = (counts[c.type] ?? 0) + 1;
  return counts;
}
const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

describe('splitTag', () => {
  it('splits at the first hyphen like conlleval', () => {
    expect(splitTag('B-NP')).toEqual(['B', 'NP']);
    expect(splitTag('I-X-Y')).toEqual(['I', 'X-Y']);
    expect(splitTag('O')).toEqual(['O', '']);
    expect(splitTag('-LRB-')).toEqual(['', 'LRB-']);
  });
});

describe('conllevalChunks', () => {
  it('reads IOB1 and IOB2', () => {
    expect(conllevalChunks(['I-PER', 'I-PER', 'B-PER', 'O', 'I-LOC', 'I-ORG'])).toEqual([
      { type: 'PER', start: 0, end: 2 },
      { type: 'PER', start: 2, end: 3 },
      { type: 'LOC', start: 4, end: 5 },
      { type: 'ORG', start: 5, end: 6 },
    ]);
    expect(conllevalChunks(['B-NP', 'I-NP', 'B-NP', 'B-VP', 'I-VP'])).toEqual([
      { type: 'NP', start: 0, end: 2 },
      { type: 'NP', start: 2, end: 3 },
      { type: 'VP', start: 3, end: 5 },
    ]);
  });

  it('treats B- after O as a start (the two B-MISC quirks of eng.train)', () => {
    expect(conllevalChunks(['O', 'B-MISC', 'O'])).toEqual([{ type: 'MISC', start: 1, end: 2 }]);
  });

  it('counts the entities and chunks of data/README.md exactly', () => {
    const train = countByType(column('conll2003/eng.train', 3), 'IOB1');
    expect(train).toEqual({ LOC: 7_140, MISC: 3_438, ORG: 6_321, PER: 6_600 });
    expect(total(train)).toBe(23_499);
    expect(countByType(column('conll2003/eng.testa', 3), 'IOB1')).toEqual({ LOC: 1_837, MISC: 922, ORG: 1_341, PER: 1_842 });
    expect(total(countByType(column('conll2000/train.txt', 2), 'IOB2'))).toBe(106_978);
    expect(total(countByType(column('conll2000/test.txt', 2), 'IOB2'))).toBe(23_852);
  });
});

describe('iobesChunks', () => {
  it('reads S- as single chunks and E- as an end', () => {
    expect(iobesChunks(['S-X', 'S-X', 'B-X', 'I-X', 'E-X', 'O', 'B-Y', 'E-Y'])).toEqual([
      { type: 'X', start: 0, end: 1 },
      { type: 'X', start: 1, end: 2 },
      { type: 'X', start: 2, end: 5 },
      { type: 'Y', start: 6, end: 8 },
    ]);
  });
});

describe('detectScheme', () => {
  it('detects the schemes of the shared data', () => {
    expect(detectScheme(column('conll2003/eng.testa', 1))).toBe('plain');
    expect(detectScheme(column('conll2003/eng.testa', 2))).toBe('IOB1');
    expect(detectScheme(column('conll2003/eng.testa', 3))).toBe('IOB1');
    expect(detectScheme(column('conll2000/test.txt', 2))).toBe('IOB2');
  });

  it('detects small cases', () => {
    expect(detectScheme([['B-PER', 'I-PER', 'O', 'B-LOC']])).toBe('IOB2');
    expect(detectScheme([['I-PER', 'I-PER', 'O', 'I-LOC', 'B-LOC']])).toBe('IOB1');
    expect(detectScheme([['B-PER', 'E-PER', 'O', 'S-LOC']])).toBe('IOBES');
    expect(detectScheme([['NN', 'VBZ', '-LRB-', 'DT']])).toBe('plain');
    expect(detectScheme([['O', 'O'], null])).toBe('IOB2');
    expect(detectScheme([])).toBe('plain');
  });
});

describe('conversion', () => {
  it('converts IOB1 to IOB2 and IOBES', () => {
    const iob1 = ['I-PER', 'I-PER', 'B-PER', 'O', 'I-LOC'];
    expect(convertTags(iob1, 'IOB1', 'IOB2')).toEqual(['B-PER', 'I-PER', 'B-PER', 'O', 'B-LOC']);
    expect(convertTags(iob1, 'IOB1', 'IOBES')).toEqual(['B-PER', 'E-PER', 'S-PER', 'O', 'S-LOC']);
    expect(convertTags(['B-PER', 'I-PER', 'B-PER', 'O', 'B-LOC'], 'IOB2', 'IOB1')).toEqual(iob1);
  });

  it('keeps every chunk of the real data through IOB1 → IOB2 → IOBES → IOB1', () => {
    for (const tags of column('conll2003/eng.testa', 3)) {
      const iob2 = convertTags(tags, 'IOB1', 'IOB2');
      const iobes = convertTags(iob2, 'IOB2', 'IOBES');
      expect(extractChunks(iob2, 'IOB2')).toEqual(extractChunks(tags, 'IOB1'));
      expect(extractChunks(iobes, 'IOBES')).toEqual(extractChunks(tags, 'IOB1'));
      // eng.testa is valid IOB1, so the tags themselves come back too.
      expect(convertTags(iobes, 'IOBES', 'IOB1')).toEqual(tags);
    }
  });

  it('property: conversions between all schemes keep the chunks (random sequences, seeded)', () => {
    const rng = createRng(2024);
    const schemes: ChunkScheme[] = ['IOB1', 'IOB2', 'IOBES'];
    const types = ['PER', 'LOC', 'X-Y'];
    const prefixes: Record<ChunkScheme, string[]> = { IOB1: ['B', 'I'], IOB2: ['B', 'I'], IOBES: ['B', 'I', 'E', 'S'] };
    for (let trial = 0; trial < 3000; trial++) {
      const from = schemes[randomInt(rng, 3)];
      const to = schemes[randomInt(rng, 3)];
      const length = randomInt(rng, 16);
      // Random, often ill-formed, sequences: the chunks as read must survive, not the tags.
      const tags = Array.from({ length }, () =>
        rng() < 0.3 ? 'O' : `${prefixes[from][randomInt(rng, prefixes[from].length)]}-${types[randomInt(rng, types.length)]}`,
      );
      const chunks = extractChunks(tags, from);
      const converted = convertTags(tags, from, to);
      expect(converted.length).toBe(length);
      expect(extractChunks(converted, to), `${from}→${to} ${tags.join(' ')}`).toEqual(chunks);
      expect(extractChunks(convertTags(converted, to, from), from)).toEqual(chunks);
      // Written tags are canonical: converting them again changes nothing.
      expect(convertTags(convertTags(converted, to, from), from, to)).toEqual(converted);
    }
  });

  it('chunksToTags writes IOB1 B- only between touching chunks of one type', () => {
    const chunks: Chunk[] = [
      { type: 'A', start: 0, end: 1 },
      { type: 'A', start: 1, end: 2 },
      { type: 'B', start: 2, end: 3 },
      { type: 'A', start: 4, end: 5 },
    ];
    expect(chunksToTags(chunks, 5, 'IOB1')).toEqual(['I-A', 'B-A', 'I-B', 'O', 'I-A']);
  });
});
