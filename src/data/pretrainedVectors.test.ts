import { describe, expect, it } from 'vitest';
import {
  WordVectorsError,
  buildWordTable,
  lookupWord,
  parseWordVectors,
  parseWordVectorsAsync,
  vectorOf,
  vocabularyCoverage,
} from './pretrainedVectors.ts';

const glove = ['the 0.1 0.2 -0.3', 'cat 1 2 3', 'paris -1.5e-1 0 2.25', ''].join('\n');

describe('parseWordVectors', () => {
  it('parses GloVe text', () => {
    const v = parseWordVectors(glove);
    expect(v.dim).toBe(3);
    expect(v.count).toBe(3);
    expect(v.header).toBeNull();
    expect(v.words).toEqual(['the', 'cat', 'paris']);
    expect(Array.from(vectorOf(v, 'paris')!)).toEqual([Math.fround(-0.15), 0, 2.25]);
    expect(v.warnings).toEqual([]);
  });

  it('parses word2vec text with a header, CRLF, BOM, tabs and trailing spaces, from bytes', () => {
    const text = '\uFEFF3 2\r\nfoo 0.5 1 \r\nbar\t-1\t2\r\n\r\nbaz 3 4\r\n';
    const v = parseWordVectors(new TextEncoder().encode(text));
    expect(v.header).toEqual({ count: 3, dim: 2 });
    expect(v.words).toEqual(['foo', 'bar', 'baz']);
    expect(Array.from(v.data)).toEqual([0.5, 1, -1, 2, 3, 4]);
    const s = parseWordVectors(text); // same as a string with the BOM
    expect(s.words).toEqual(['foo', 'bar', 'baz']);
    const ab = new TextEncoder().encode(text);
    expect(parseWordVectors(ab.buffer.slice(ab.byteOffset, ab.byteOffset + ab.byteLength)).count).toBe(3);
  });

  it('reads words containing spaces, keeps the first of duplicates and warns about header counts', () => {
    const v = parseWordVectors('4 2\n. . . 1 2\nx 3 4\nx 5 6\n');
    expect(v.words).toEqual(['. . .', 'x']);
    expect(Array.from(vectorOf(v, 'x')!)).toEqual([3, 4]);
    expect(v.duplicates).toBe(1);
    expect(v.warnings.join(' ')).toMatch(/duplicate/);
    const w = parseWordVectors('5 2\na 1 2\n');
    expect(w.warnings.join(' ')).toMatch(/declares 5 vectors, found 1/);
  });

  it('rejects ragged lines with the line number', () => {
    const bad = 'a 1 2 3\nb 1 2 3\n\nc 1 2\n';
    expect(() => parseWordVectors(bad, { sourceName: 'glove.txt' })).toThrow(WordVectorsError);
    try {
      parseWordVectors(bad, { sourceName: 'glove.txt' });
    } catch (e) {
      expect((e as WordVectorsError).line).toBe(4);
      expect((e as Error).message).toBe('glove.txt:4: expected a word and 3 values (dimension set by line 1), found 2 values');
    }
    expect(() => parseWordVectors('2 3\na 1 2 3\nb 1 2 3 4\n')).toThrow(/:3: expected a word and 3 values \(dimension set by the header on line 1\), found 4/);
    expect(() => parseWordVectors('a 1 2\nb 1 zz\n')).toThrow(/vectors:2: value 2 of "b" is not a finite number: "zz"/);
    expect(() => parseWordVectors('\n\n')).toThrow(/no vectors/);
    expect(() => parseWordVectors('lonely\n')).toThrow(/vectors:1:/);
  });

  it('stops at maxWords', () => {
    expect(parseWordVectors(glove, { maxWords: 2 }).words).toEqual(['the', 'cat']);
  });
});

describe('coverage and the initial word table', () => {
  const vectors = parseWordVectors(glove);
  const vocab = ['<pad>', '<unk>', 'the', 'Cat', 'PARIS', 'zebra'];

  it('reports coverage with lowercase fallback', () => {
    expect(lookupWord(vectors, 'Cat')).toEqual({ row: 1, match: 'lowercase' });
    expect(lookupWord(vectors, 'Cat', false)).toBeNull();
    const c = vocabularyCoverage(vocab, vectors, { skip: new Set([0, 1]) });
    expect(c).toEqual({ total: 4, exact: 1, lowercase: 2, missing: 1, coverage: 0.75, missingWords: ['zebra'] });
    const strict = vocabularyCoverage(vocab, vectors, { lowercaseFallback: false, skip: new Set([0, 1]) });
    expect(strict.exact).toBe(1);
    expect(strict.missing).toBe(3);
  });

  it('builds the table: pretrained rows, seeded random rows, zero pad row', () => {
    const a = buildWordTable(vocab, vectors, { seed: 5, zeroRows: [0] });
    const b = buildWordTable(vocab, vectors, { seed: 5, zeroRows: [0] });
    const row = (i: number) => Array.from(a.table.subarray(i * 3, i * 3 + 3));
    expect(a.dim).toBe(3);
    expect(row(0)).toEqual([0, 0, 0]);
    expect(row(2)).toEqual(Array.from(vectorOf(vectors, 'the')!));
    expect(row(3)).toEqual([1, 2, 3]);
    expect(row(4)).toEqual(Array.from(vectorOf(vectors, 'paris')!));
    expect(row(5).some((v) => v !== 0)).toBe(true);
    expect(Array.from(a.table)).toEqual(Array.from(b.table));
    const c = buildWordTable(vocab, vectors, { seed: 6, zeroRows: [0] });
    expect(Array.from(c.table.subarray(15, 18))).not.toEqual(row(5));
    expect(a.coverage.total).toBe(5); // <unk> counted, <pad> skipped
    const bounded = buildWordTable(vocab, vectors, { seed: 5, randomRange: 0.01 });
    expect(Array.from(bounded.table.subarray(15, 18)).every((v) => Math.abs(v) <= 0.01)).toBe(true);
  });
});

describe('parseWordVectorsAsync', () => {
  it('gives the same vectors as the synchronous parse, with rising progress ending at 1 and a pause after each report', async () => {
    const lines = Array.from({ length: 25 }, (_, i) => `w${i} ${i} ${-i} ${i / 4}`);
    const text = `${lines.join('\n')}\n`;
    const progress: number[] = [];
    let pauses = 0;
    const parsed = await parseWordVectorsAsync(new TextEncoder().encode(text), {
      progressLines: 10,
      onProgress: (f) => progress.push(f),
      pause: async () => {
        pauses++;
      },
    });
    const reference = parseWordVectors(text);
    expect(parsed.words).toEqual(reference.words);
    expect(Array.from(parsed.data)).toEqual(Array.from(reference.data));
    // Reports after lines 10 and 20, then the final 1.
    expect(progress).toHaveLength(3);
    expect(progress[0]).toBeCloseTo(text.indexOf('w10') / text.length, 10);
    expect(progress[1]).toBeCloseTo(text.indexOf('w20') / text.length, 10);
    expect(progress[2]).toBe(1);
    expect(pauses).toBe(2);
  });

  it('decodes bytes slice by slice: lines and multi-byte characters cut at slice ends read the same', () => {
    const text = '\ufeff3 2\r\ncafé 1 2\r\n日本 3 4\n\nüber -1 0.5\n';
    const whole = parseWordVectors(text);
    for (const sliceBytes of [1, 2, 3, 5, 7, 64]) {
      const sliced = parseWordVectors(new TextEncoder().encode(text), { sliceBytes });
      expect(sliced.words).toEqual(['café', '日本', 'über']);
      expect(sliced.words).toEqual(whole.words);
      expect(Array.from(sliced.data)).toEqual(Array.from(whole.data));
    }
    // Line numbers count across slices.
    expect(() => parseWordVectors(new TextEncoder().encode('a 1 2\nb 1 2\nc 1\n'), { sliceBytes: 4, sourceName: 'v.txt' })).toThrow(/^v\.txt:3: /);
  });

  it('rejects a bad line with its number, as the synchronous parse does', async () => {
    await expect(parseWordVectorsAsync('a 1 2\nb 1\n', { sourceName: 'glove.txt', progressLines: 1 })).rejects.toThrow(
      /^glove\.txt:2: expected a word and 2 values/,
    );
  });
});
