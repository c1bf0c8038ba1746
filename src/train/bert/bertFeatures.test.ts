/**
 * The tfjs BERT encoder and the word features against the independent float64 computation
 * (src/model/bert/bertReference.ts) of the same tiny random checkpoint.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bertHiddenStates, createBertEncoder, disposeBertEncoder, type BertEncoder } from '../../model/bert/bertEncoder.ts';
import { referenceHiddenStates } from '../../model/bert/bertReference.ts';
import { computeWordFeatures } from '../../model/bert/wordFeatures.ts';
import { countKernels } from '../../model/kernelCount.ts';
import { assignWordsToWindows, pieceWindows, piecesOfWords } from '../../model/bert/wordPieces.ts';
import { loadBertCheckpoint, type BertCheckpoint } from './bertCheckpoint.ts';
import { TINY_VOCAB, randomBertFiles } from './bertFixture.ts';

const TOL = 2e-4;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

for (const backend of ['cpu', 'wasm']) {
  describe(`BERT encoder and word features (${backend})`, () => {
    let ckpt: BertCheckpoint;
    let enc: BertEncoder;
    beforeAll(async () => {
      await tf.setBackend(backend);
      ckpt = loadBertCheckpoint(randomBertFiles());
      enc = createBertEncoder(ckpt.arch, ckpt.weights);
    });
    afterAll(() => disposeBertEncoder(enc));

    it('every hidden state of a padded batch equals the float64 reference of each sequence alone', () => {
      const seqs = [
        [2, 6, 15, 16, 17, 18, 19, 20, 44, 3],
        [2, 21, 22, 3],
        [2, 28, 35, 1, 45, 13, 3],
      ];
      const length = 10;
      const ids = new Int32Array(seqs.length * length);
      const mask = new Float32Array(seqs.length * length);
      seqs.forEach((s, b) => {
        ids.set(s, b * length);
        mask.fill(1, b * length, b * length + s.length);
      });
      const layers = [0, 1, 2];
      const before = tf.memory().numTensors;
      const states = bertHiddenStates(enc, ids, mask, seqs.length, length, layers);
      const values = states.map((s) => s.arraySync());
      states.forEach((s) => s.dispose());
      expect(tf.memory().numTensors).toBe(before);
      seqs.forEach((s, b) => {
        const ref = referenceHiddenStates(ckpt.arch, ckpt.weights, s);
        for (const l of layers) {
          const got = values[l]![b]!.slice(0, s.length).flat();
          expect(maxAbsDiff(got, ref[l]!.flat()), `sequence ${b} layer ${l}`).toBeLessThan(TOL);
        }
      });
      // The layers differ from each other (the check above is not vacuous).
      expect(maxAbsDiff(values[1]![0]!.flat(), values[2]![0]!.flat())).toBeGreaterThan(0.1);
    });

    it('runs the same kernels whatever the batch and length (no loop over heads or tokens)', async () => {
      const run = (batch: number, length: number) => () =>
        bertHiddenStates(enc, new Int32Array(batch * length).fill(5), new Float32Array(batch * length).fill(1), batch, length, [2]);
      const small = await countKernels(run(1, 4));
      const large = await countKernels(run(6, 16));
      expect(large.total).toBe(small.total);
      expect(large.byName).toEqual(small.byName);
      // A budget, not a measurement: the embeddings plus at most 60 kernels per layer (two here), views
      // such as Reshape included (they dispatch nothing); a loop over the 4 heads would pass it by far.
      expect(small.total).toBeLessThanOrEqual(16 + 2 * 60);
    });

    it('word features: first piece and mean of pieces, words split into several pieces and unknown characters', async () => {
      const tok = ckpt.tokenizer;
      const words = ['The', 'Londons', 'played', '€', '\u0000', 'Gerb', '.'];
      const pieceNames = words.map((w) => tok.encodeWord(w).map((id) => TINY_VOCAB[id]));
      expect(pieceNames).toEqual([['The'], ['Lon', '##don', '##s'], ['play', '##ed'], ['[UNK]'], [], ['Ger', '##b'], ['.']]);
      const p = piecesOfWords(words, (w) => tok.encodeWord(w), tok.unkId, 7);
      expect(Array.from(p.start)).toEqual([0, 1, 4, 6, 7, 8, 10]);
      expect(Array.from(p.end)).toEqual([1, 4, 6, 7, 8, 10, 11]);
      const ids = [tok.clsId, ...p.ids, tok.sepId];
      const ref = referenceHiddenStates(ckpt.arch, ckpt.weights, ids);
      const h = ckpt.arch.hiddenSize;
      for (const pooling of ['first', 'mean'] as const) {
        const before = tf.memory().numTensors;
        const [features] = await computeWordFeatures(enc, tok, [words], { layers: [2, 1], pooling });
        expect(tf.memory().numTensors).toBe(before);
        expect(features!.length).toBe(words.length * 2 * h);
        words.forEach((_, i) => {
          for (const [slot, layer] of [[0, 2], [1, 1]] as const) {
            const rows = ref[layer]!.slice(1 + p.start[i]!, 1 + (pooling === 'first' ? p.start[i]! + 1 : p.end[i]!));
            const expected = rows[0]!.map((_, j) => rows.reduce((a, r) => a + r[j]!, 0) / rows.length);
            const got = features!.subarray((i * 2 + slot) * h, (i * 2 + slot + 1) * h);
            expect(maxAbsDiff(got, expected), `${pooling} word ${i} layer ${layer}`).toBeLessThan(TOL);
          }
        });
      }
    });

    it('windows an over-long sentence: each word gets its vector from the window where it is most central', async () => {
      const tok = ckpt.tokenizer;
      // 30 words, 39 pieces, model length 16 → windows of 14 pieces, 7 apart, the last one ending at the end.
      const base = ['The', 'Germans', 'rejects', 'British', 'lamb', 'played', 'in', 'London', 'on', 'Thursday'];
      const words = [...base, ...base, ...base];
      const p = piecesOfWords(words, (w) => tok.encodeWord(w), tok.unkId, 7);
      expect(p.ids.length).toBe(39);
      const windows = pieceWindows(p.ids.length, 14);
      expect(windows).toEqual([0, 7, 14, 21, 25].map((s) => ({ start: s, end: s + 14 })));
      const owner = assignWordsToWindows(p, windows);
      const features = (await computeWordFeatures(enc, tok, [words, base], { layers: [2], pooling: 'first', batchWindows: 3 }))[0]!;
      const refs = windows.map((w) => referenceHiddenStates(ckpt.arch, ckpt.weights, [tok.clsId, ...p.ids.subarray(w.start, w.end), tok.sepId])[2]!);
      const h = ckpt.arch.hiddenSize;
      words.forEach((_, i) => {
        const w = windows[owner[i]!]!;
        // Most central: no other window holding the word has more context on its nearer side.
        const centre = (p.start[i]! + p.end[i]!) / 2;
        const margin = (x: { start: number; end: number }) => Math.min(centre - x.start, x.end - centre);
        for (const other of windows) if (p.start[i]! >= other.start && p.end[i]! <= other.end) expect(margin(other)).toBeLessThanOrEqual(margin(w));
        const expected = refs[owner[i]!]![1 + p.start[i]! - w.start]!;
        expect(maxAbsDiff(features.subarray(i * h, (i + 1) * h), expected), `word ${i}`).toBeLessThan(TOL);
      });
    });
  });
}

describe('word pieces and windows', () => {
  it('covers any length with windows half a window apart, every short word whole in one', () => {
    for (const total of [1, 13, 14, 15, 28, 29, 100]) {
      const windows = pieceWindows(total, 14);
      expect(windows[0]!.start).toBe(0);
      expect(windows.at(-1)!.end).toBe(total);
      for (const w of windows) expect(w.end - w.start).toBe(Math.min(14, total));
      for (let i = 1; i < windows.length; i++) expect(windows[i]!.start - windows[i - 1]!.start).toBeLessThanOrEqual(7);
    }
  });

  it('cuts words to half a window so that each lies whole in some window', () => {
    const p = piecesOfWords(['a', 'long', 'b'], (w) => (w === 'long' ? Array.from({ length: 20 }, (_, i) => 10 + i) : [5]), 1, 7);
    expect(Array.from(p.end)).toEqual([1, 8, 9]);
    expect(() => assignWordsToWindows(p, pieceWindows(p.ids.length, 8))).not.toThrow();
  });
});
