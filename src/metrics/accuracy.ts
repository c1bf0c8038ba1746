/**
 * Token accuracy for tasks scored per token (POS), over real tokens only: padding is excluded by a
 * mask or by sentence lengths, so batched, padded predictions can be scored without slicing.
 *
 * The percentage is `100 * correct / total`, the same expression conlleval uses for its accuracy
 * line, so the two agree to the printed digit on the same tokens.
 */

/** Correct and total token counts; `accuracy` is a percentage (0 when there are no tokens). */
export interface TokenAccuracy {
  correct: number;
  total: number;
  accuracy: number;
}

/** Which positions count. Without options every position of every gold sequence counts. */
export interface TokenAccuracyOptions<L> {
  /** Per sentence, per position: truthy where the token is real. */
  masks?: readonly ArrayLike<number | boolean>[];
  /** Per sentence: the number of real tokens at the front of the (padded) sequence. */
  lengths?: ArrayLike<number>;
  /** Gold labels that are not scored (e.g. a padding id). */
  ignoreLabels?: Iterable<L>;
}

/** Builds the result from counts, with the zero-token case defined as 0. */
export function accuracyOf(correct: number, total: number): TokenAccuracy {
  return { correct, total, accuracy: total > 0 ? (100 * correct) / total : 0 };
}

/** Sums counts from several batches or files. */
export function mergeAccuracy(...parts: readonly TokenAccuracy[]): TokenAccuracy {
  let correct = 0;
  let total = 0;
  for (const part of parts) {
    correct += part.correct;
    total += part.total;
  }
  return accuracyOf(correct, total);
}

/**
 * Fraction of real tokens whose predicted label equals the gold one, as a percentage. Labels may be
 * strings or ids (typed arrays work). A predicted sequence shorter than its gold sequence counts its
 * missing positions as wrong; the lengths of gold and predicted sentence lists must agree.
 */
export function tokenAccuracy<L>(
  gold: readonly ArrayLike<L>[],
  pred: readonly ArrayLike<L>[],
  options: TokenAccuracyOptions<L> = {},
): TokenAccuracy {
  if (gold.length !== pred.length) {
    throw new RangeError(`tokenAccuracy: ${gold.length} gold sentences but ${pred.length} predicted`);
  }
  const { masks, lengths } = options;
  if (masks && masks.length !== gold.length) {
    throw new RangeError(`tokenAccuracy: ${masks.length} masks for ${gold.length} sentences`);
  }
  if (lengths && lengths.length !== gold.length) {
    throw new RangeError(`tokenAccuracy: ${lengths.length} lengths for ${gold.length} sentences`);
  }
  const ignored = new Set(options.ignoreLabels ?? []);
  let correct = 0;
  let total = 0;
  for (let s = 0; s < gold.length; s++) {
    const goldTags = gold[s] as ArrayLike<L>;
    const predTags = pred[s] as ArrayLike<L>;
    const mask = masks?.[s];
    const length = Math.min(goldTags.length, lengths ? (lengths[s] as number) : goldTags.length);
    for (let t = 0; t < length; t++) {
      if (mask && !mask[t]) continue;
      const label = goldTags[t] as L;
      if (ignored.has(label)) continue;
      total++;
      if (t < predTags.length && predTags[t] === label) correct++;
    }
  }
  return accuracyOf(correct, total);
}
