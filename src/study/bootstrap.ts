/**
 * Is a configuration's test score different from the baseline's by more than the test set's
 * sampling noise? A paired bootstrap over test sentences (Koehn 2004; Berg-Kirkpatrick et al. 2012):
 * draw the test set's sentences with replacement, score both systems on the same draw, and count
 * the draws in which the difference does not have the sign observed on the whole test set. With
 * several seeds per configuration each side's score on a draw is the mean over its seeds, so the
 * test asks about the table's mean, not one lucky seed.
 *
 * Scores are sums of per-sentence counts (conlleval's chunk counts are additive over sentences,
 * since a sentence boundary ends every chunk), so a draw costs one pass of additions.
 */
import { convertTags } from '../data/index.ts';
import type { TagScheme } from '../data/types.ts';
import { scoreSequences } from '../metrics/conlleval.ts';
import { createRng } from '../data/prng.ts';

/**
 * Per-sentence counts of one task, flattened `[sentence · 3 + j]`: for F1 (chunk schemes)
 * j = correct chunks, guessed chunks, gold chunks; for accuracy (plain tags) j = correct tags,
 * tokens, 0. A sentence without the task's gold labels counts zeros.
 */
export interface SentenceCounts {
  metric: 'f1' | 'accuracy';
  sentences: number;
  counts: Float64Array;
}

export function sentenceCounts(scheme: TagScheme, gold: readonly (readonly string[] | null)[], pred: readonly (readonly string[])[]): SentenceCounts {
  if (gold.length !== pred.length) throw new RangeError(`sentenceCounts: ${gold.length} gold sentences but ${pred.length} predicted`);
  const counts = new Float64Array(gold.length * 3);
  const metric = scheme === 'plain' ? 'accuracy' : 'f1';
  // conlleval misreads S-/E- runs, so IOBES is scored as IOB2 (as src/train/taskScoring.ts does).
  const toIob2 = (tags: readonly string[]) => (scheme === 'IOBES' ? convertTags(tags, 'IOBES', 'IOB2') : tags);
  gold.forEach((g, s) => {
    const p = pred[s]!;
    if (!g) return;
    if (g.length !== p.length) throw new RangeError(`sentenceCounts: sentence ${s} has ${g.length} gold tags but ${p.length} predicted`);
    if (metric === 'accuracy') {
      let correct = 0;
      for (let t = 0; t < g.length; t++) if (g[t] === p[t]) correct++;
      counts[s * 3] = correct;
      counts[s * 3 + 1] = g.length;
    } else {
      const r = scoreSequences([toIob2(g)], [toIob2(p)]);
      counts[s * 3] = r.correctChunks;
      counts[s * 3 + 1] = r.foundGuessed;
      counts[s * 3 + 2] = r.foundCorrect;
    }
  });
  return { metric, sentences: gold.length, counts };
}

/** The score (percent) from summed counts: conlleval's FB1, or token accuracy. */
export function scoreOfCounts(metric: 'f1' | 'accuracy', a: number, b: number, c: number): number {
  if (metric === 'accuracy') return b > 0 ? (100 * a) / b : 0;
  const precision = b > 0 ? (100 * a) / b : 0;
  const recall = c > 0 ? (100 * a) / c : 0;
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}

/** One side's score on a draw `indices` (every sentence once when null): mean over its seeds. */
function meanScore(seeds: readonly SentenceCounts[], indices: Int32Array | null): number {
  let total = 0;
  for (const { metric, counts, sentences } of seeds) {
    let a = 0;
    let b = 0;
    let c = 0;
    const n = indices ? indices.length : sentences;
    for (let i = 0; i < n; i++) {
      const s = (indices ? indices[i]! : i) * 3;
      a += counts[s]!;
      b += counts[s + 1]!;
      c += counts[s + 2]!;
    }
    total += scoreOfCounts(metric, a, b, c);
  }
  return total / seeds.length;
}

export interface BootstrapResult {
  /** Configuration minus baseline on the whole test set (mean over seeds, percent points). */
  delta: number;
  /** Share of draws whose difference does not have the observed sign (≤ 0 when delta > 0, ≥ 0 when < 0; 1 when delta = 0). */
  p: number;
  samples: number;
}

/**
 * Paired bootstrap of `system` (one SentenceCounts per seed) against `baseline`, on the same test
 * sentences: `samples` draws of as many sentence indices with replacement, from a seeded PRNG.
 */
export function pairedBootstrap(
  system: readonly SentenceCounts[],
  baseline: readonly SentenceCounts[],
  opts: { samples?: number; seed?: number } = {},
): BootstrapResult {
  const samples = opts.samples ?? 1000;
  if (system.length === 0 || baseline.length === 0) throw new RangeError('pairedBootstrap: each side needs at least one seed');
  const n = system[0]!.sentences;
  for (const side of [...system, ...baseline]) {
    if (side.sentences !== n) throw new RangeError(`pairedBootstrap: ${side.sentences} sentences against ${n}: both sides must be scored on the same test set`);
  }
  const delta = meanScore(system, null) - meanScore(baseline, null);
  if (delta === 0) return { delta, p: 1, samples };
  const rng = createRng(opts.seed ?? 1);
  const indices = new Int32Array(n);
  let against = 0;
  for (let r = 0; r < samples; r++) {
    for (let i = 0; i < n; i++) indices[i] = Math.floor(rng() * n);
    const d = meanScore(system, indices) - meanScore(baseline, indices);
    if (delta > 0 ? d <= 0 : d >= 0) against++;
  }
  return { delta, p: against / samples, samples };
}
