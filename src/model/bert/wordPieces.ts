/**
 * Words → word pieces → windows of at most the model's length. Pure TypeScript.
 *
 * Each CoNLL word is tokenized on its own (what Hugging Face does with `is_split_into_words`), so a
 * word's pieces are exactly its span and no piece straddles two words. A word the tokenizer turns into
 * nothing (only control characters, which BERT's normalizer deletes) becomes one [UNK].
 *
 * A sentence longer than a window is covered by windows of `windowPieces` pieces whose starts are
 * `windowPieces / 2` apart (the last one ends at the sentence's end), and each word takes its vector
 * from the window in which its centre lies furthest from the edges (the most context on both sides).
 * Words are cut to `windowPieces / 2` pieces so that every word lies whole inside some window.
 */

export interface WordPieces {
  /** Piece ids of the whole sentence, without [CLS]/[SEP]. */
  ids: Int32Array;
  /** Per word: its pieces are ids[start[i] .. end[i]). */
  start: Int32Array;
  end: Int32Array;
}

export function piecesOfWords(words: readonly string[], encodeWord: (word: string) => readonly number[], unkId: number, maxPiecesPerWord: number): WordPieces {
  const ids: number[] = [];
  const start = new Int32Array(words.length);
  const end = new Int32Array(words.length);
  words.forEach((word, i) => {
    let pieces = encodeWord(word);
    if (pieces.length === 0) pieces = [unkId];
    start[i] = ids.length;
    for (const id of pieces.slice(0, maxPiecesPerWord)) ids.push(id);
    end[i] = ids.length;
  });
  return { ids: Int32Array.from(ids), start, end };
}

/** Piece range [start, end) of one window. */
export interface PieceWindow {
  start: number;
  end: number;
}

/** Windows covering `total` pieces, each at most `windowPieces` long, half a window apart. */
export function pieceWindows(total: number, windowPieces: number): PieceWindow[] {
  if (windowPieces < 2) throw new Error(`windowPieces must be at least 2, got ${windowPieces}`);
  if (total <= windowPieces) return [{ start: 0, end: total }];
  const stride = Math.floor(windowPieces / 2);
  const windows: PieceWindow[] = [];
  for (let s = 0; s + windowPieces < total; s += stride) windows.push({ start: s, end: s + windowPieces });
  windows.push({ start: total - windowPieces, end: total });
  return windows;
}

/** For each word, the index of the window that holds it whole with its centre furthest from that window's edges. */
export function assignWordsToWindows(pieces: WordPieces, windows: readonly PieceWindow[]): Int32Array {
  const out = new Int32Array(pieces.start.length);
  for (let i = 0; i < pieces.start.length; i++) {
    const s = pieces.start[i]!;
    const e = pieces.end[i]!;
    const centre = (s + e) / 2;
    let best = -1;
    let bestMargin = -Infinity;
    windows.forEach((w, k) => {
      if (s < w.start || e > w.end) return;
      const margin = Math.min(centre - w.start, w.end - centre);
      if (margin > bestMargin) {
        bestMargin = margin;
        best = k;
      }
    });
    if (best < 0) throw new Error(`word ${i} (pieces ${s}..${e}) lies in no window`);
    out[i] = best;
  }
  return out;
}
