/**
 * Word features of whole sentences from a frozen BERT encoder: pieces per word (wordPieces.ts),
 * windows at the model's length, windows batched by length, then per word the first piece's vector
 * or the mean of its pieces, of one or several hidden layers (concatenated in the order asked).
 *
 * Per batch of windows: one encoder pass (bertEncoder.ts), one gather of every pooled row and one
 * read-back; pooling never loops over words or pieces on the device.
 */
import * as tf from '@tensorflow/tfjs';
import { bertHiddenStates, type BertEncoder } from './bertEncoder.ts';
import { assignWordsToWindows, pieceWindows, piecesOfWords, type PieceWindow, type WordPieces } from './wordPieces.ts';

export type WordPooling = 'first' | 'mean';

/** The ids a word-piece tokenizer contributes (src/train/bert/bertTokenizer.ts makes one). */
export interface WordPieceTokenizer {
  clsId: number;
  sepId: number;
  padId: number;
  unkId: number;
  /** Piece ids of one word, without special tokens. */
  encodeWord(word: string): number[];
}

export interface WordFeatureOptions {
  /** hidden_states indices (0 = embedding output … N = last layer), concatenated in this order. */
  layers: readonly number[];
  pooling: WordPooling;
  /** Pieces per window without [CLS]/[SEP] (default: max_position_embeddings − 2). */
  windowPieces?: number;
  /** Windows per encoder pass (default 16). */
  batchWindows?: number;
}

export interface FeatureProgress {
  sentencesDone: number;
  sentences: number;
}

interface WindowJob {
  sentence: number;
  window: PieceWindow;
  /** Words of the sentence whose vector comes from this window. */
  words: number[];
}

/** Word features per sentence: [words, layers.length · H] row-major float32. */
export async function computeWordFeatures(
  enc: BertEncoder,
  tokenizer: WordPieceTokenizer,
  sentences: readonly (readonly string[])[],
  opts: WordFeatureOptions,
  onProgress?: (p: FeatureProgress) => void,
): Promise<Float32Array[]> {
  const h = enc.arch.hiddenSize;
  const dim = opts.layers.length * h;
  const windowPieces = opts.windowPieces ?? enc.arch.maxPositions - 2;
  if (windowPieces + 2 > enc.arch.maxPositions) throw new Error(`windowPieces ${windowPieces} + 2 exceeds max_position_embeddings ${enc.arch.maxPositions}`);
  const batchWindows = opts.batchWindows ?? 16;
  const cache = new Map<string, number[]>();
  const encodeWord = (w: string) => {
    let ids = cache.get(w);
    if (!ids) cache.set(w, (ids = tokenizer.encodeWord(w)));
    return ids;
  };
  const pieces: WordPieces[] = [];
  const jobs: WindowJob[] = [];
  sentences.forEach((words, s) => {
    const p = piecesOfWords(words, encodeWord, tokenizer.unkId, Math.max(1, Math.floor(windowPieces / 2)));
    pieces.push(p);
    const windows = pieceWindows(p.ids.length, windowPieces);
    const owner = assignWordsToWindows(p, windows);
    const perWindow = windows.map((window) => ({ sentence: s, window, words: [] as number[] }));
    owner.forEach((k, i) => perWindow[k]!.words.push(i));
    for (const job of perWindow) if (job.words.length > 0) jobs.push(job);
  });
  const out = sentences.map((words) => new Float32Array(words.length * dim));
  const windowsLeft = new Int32Array(sentences.length);
  for (const job of jobs) windowsLeft[job.sentence]!++;
  let sentencesDone = sentences.filter((_, s) => windowsLeft[s] === 0).length;
  // Similar lengths together: less padding.
  jobs.sort((a, b) => a.window.end - a.window.start - (b.window.end - b.window.start));
  for (let at = 0; at < jobs.length; at += batchWindows) {
    const batch = jobs.slice(at, at + batchWindows);
    const rows = await poolBatch(enc, tokenizer, pieces, batch, opts);
    let row = 0;
    for (const job of batch) {
      for (const word of job.words) {
        out[job.sentence]!.set(rows.subarray(row * dim, (row + 1) * dim), word * dim);
        row++;
      }
      if (--windowsLeft[job.sentence]! === 0) sentencesDone++;
    }
    onProgress?.({ sentencesDone, sentences: sentences.length });
  }
  return out;
}

/** One encoder pass over a batch of windows → pooled rows [Σ words, layers·H] in job order. */
async function poolBatch(enc: BertEncoder, tokenizer: WordPieceTokenizer, pieces: readonly WordPieces[], batch: readonly WindowJob[], opts: WordFeatureOptions): Promise<Float32Array> {
  const h = enc.arch.hiddenSize;
  const length = 2 + Math.max(...batch.map((j) => j.window.end - j.window.start));
  const ids = new Int32Array(batch.length * length).fill(tokenizer.padId);
  const mask = new Float32Array(batch.length * length);
  batch.forEach((job, b) => {
    const { start, end } = job.window;
    const base = b * length;
    ids[base] = tokenizer.clsId;
    ids.set(pieces[job.sentence]!.ids.subarray(start, end), base + 1);
    ids[base + 1 + end - start] = tokenizer.sepId;
    mask.fill(1, base, base + end - start + 2);
  });
  // Gather rows: per word, K piece rows (first: K = 1); missing pieces point at an appended zero row.
  const spans = batch.flatMap((job, b) =>
    job.words.map((w) => {
      const p = pieces[job.sentence]!;
      const first = b * length + 1 + p.start[w]! - job.window.start;
      return { first, count: opts.pooling === 'first' ? 1 : p.end[w]! - p.start[w]! };
    }),
  );
  const k = Math.max(...spans.map((s) => s.count));
  const zeroRow = batch.length * length;
  const index = new Int32Array(spans.length * k).fill(zeroRow);
  const weight = new Float32Array(spans.length);
  spans.forEach(({ first, count }, i) => {
    for (let j = 0; j < count; j++) index[i * k + j] = first + j;
    weight[i] = 1 / count;
  });
  const states = bertHiddenStates(enc, ids, mask, batch.length, length, opts.layers);
  const pooled = tf.tidy(() => {
    const parts = states.map((s) => {
      const flat = tf.concat([tf.reshape(s, [zeroRow, h]), tf.zeros([1, h])], 0);
      const rows = tf.reshape(tf.gather(flat, tf.tensor1d(index, 'int32')), [spans.length, k, h]);
      return k === 1 ? tf.reshape(rows, [spans.length, h]) : tf.mul(tf.sum(rows, 1), tf.tensor2d(weight, [spans.length, 1]));
    });
    return parts.length === 1 ? parts[0]! : tf.concat(parts, 1);
  });
  for (const s of states) s.dispose();
  const values = (await pooled.data()) as Float32Array;
  pooled.dispose();
  return values;
}
