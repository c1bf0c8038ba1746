/**
 * A label confusion matrix over tokens (gold × predicted counts), with per-label precision/recall/F1
 * and the most frequent confusions: what the workbench shows to explain an accuracy or F1 number.
 * Percentages (0–100), like the other metrics; a ratio with a zero denominator is 0.
 */

export interface ConfusionMatrix {
  /** Row and column order: the given labels first, then unseen ones in order of appearance. */
  labels: string[];
  /** `counts[g][p]`: tokens with gold label `labels[g]` predicted as `labels[p]`. */
  counts: number[][];
  /** Tokens counted (the sum of all cells). */
  total: number;
}

export interface ConfusionOptions {
  /** Fixed label order (e.g. the task's vocabulary); labels met but not listed are appended. */
  labels?: readonly string[];
  /** Per sentence, per position: truthy where the token is real. */
  masks?: readonly ArrayLike<number | boolean>[];
}

/** Counts gold/predicted label pairs over the real tokens of every sentence. */
export function confusionMatrix(
  gold: readonly ArrayLike<string>[],
  pred: readonly ArrayLike<string>[],
  options: ConfusionOptions = {},
): ConfusionMatrix {
  if (gold.length !== pred.length) {
    throw new RangeError(`confusionMatrix: ${gold.length} gold sentences but ${pred.length} predicted`);
  }
  const labels = [...new Set(options.labels ?? [])];
  const index = new Map(labels.map((label, i) => [label, i]));
  const counts: number[][] = labels.map(() => labels.map(() => 0));
  const indexOf = (label: string): number => {
    let i = index.get(label);
    if (i === undefined) {
      i = labels.length;
      index.set(label, i);
      labels.push(label);
      for (const row of counts) row.push(0);
      counts.push(labels.map(() => 0));
    }
    return i;
  };
  let total = 0;
  for (let s = 0; s < gold.length; s++) {
    const goldTags = gold[s] as ArrayLike<string>;
    const predTags = pred[s] as ArrayLike<string>;
    if (goldTags.length !== predTags.length) {
      throw new RangeError(
        `confusionMatrix: sentence ${s} has ${goldTags.length} gold labels but ${predTags.length} predicted`,
      );
    }
    const mask = options.masks?.[s];
    for (let t = 0; t < goldTags.length; t++) {
      if (mask && !mask[t]) continue;
      const g = indexOf(goldTags[t] as string);
      const p = indexOf(predTags[t] as string);
      counts[g][p]++;
      total++;
    }
  }
  return { labels, counts, total };
}

export interface LabelScore {
  label: string;
  /** Gold tokens with this label (row sum). */
  support: number;
  /** Tokens predicted with this label (column sum). */
  predicted: number;
  /** Tokens with this label in both. */
  correct: number;
  precision: number;
  recall: number;
  f1: number;
}

/** Per-label token precision, recall and F1, in the matrix's label order. */
export function perLabelScores(matrix: ConfusionMatrix): LabelScore[] {
  const { labels, counts } = matrix;
  return labels.map((label, i) => {
    const row = counts[i] as number[];
    const support = row.reduce((sum, n) => sum + n, 0);
    const predicted = counts.reduce((sum, r) => sum + (r[i] as number), 0);
    const correct = row[i] as number;
    const precision = predicted > 0 ? (100 * correct) / predicted : 0;
    const recall = support > 0 ? (100 * correct) / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, support, predicted, correct, precision, recall, f1 };
  });
}

export interface Confusion {
  gold: string;
  pred: string;
  count: number;
  /** Share of the gold label's tokens that went to `pred` (percentage). */
  ofGold: number;
}

/** The off-diagonal cells with the most tokens, largest first (ties in label order). */
export function mostConfusedPairs(matrix: ConfusionMatrix, limit = 10): Confusion[] {
  const pairs: Confusion[] = [];
  matrix.counts.forEach((row, g) => {
    const support = row.reduce((sum, n) => sum + n, 0);
    row.forEach((count, p) => {
      if (g === p || count === 0) return;
      pairs.push({
        gold: matrix.labels[g] as string,
        pred: matrix.labels[p] as string,
        count,
        ofGold: (100 * count) / support,
      });
    });
  });
  // Array.prototype.sort is stable, so equal counts keep row-major label order.
  return pairs.sort((a, b) => b.count - a.count).slice(0, Math.max(0, limit));
}
