/**
 * Linear-chain CRF decoder, one per task (paper §III-D, eq. 10–11; DESIGN.md §2 "decoder").
 *
 * Tags are 0..L−1; the CRF has no pad tag. Padding is described by a float mask [B,T] with 1 for real
 * tokens, which must be a prefix mask (each row 1…1 0…0). A sentence of length n scores
 *
 *   score(y) = start[y_0] + Σ_{i<n} E[i, y_i] + Σ_{1≤i<n} trans[y_{i−1}, y_i] + end[y_{n−1}]
 *
 * and L_t = −log p(y|x) = log Z − score(y), with log Z from the forward algorithm in log space.
 *
 * Parameters (names are the keys of `CrfParams.variables`; `<task>` is the task name):
 *   crf.<task>.transitions  [L, L]  transitions[i][j] = score of tag i followed by tag j   (Glorot uniform)
 *   crf.<task>.start        [L]     score of starting a sentence with tag j                 (zeros)
 *   crf.<task>.end          [L]     score of ending a sentence with tag j                   (zeros)
 *
 * Speed: the forward recursion runs in "scaled exp space" so each of the T−1 steps is one 2-D matMul
 * [B,L]×[L,L] plus a handful of small elementwise ops (10 kernels per step, no [B,L,L] tensors):
 *   α_t = log( exp(α_{t−1} − m) · exp(trans − max trans) ) + m + max trans + E_t,   m = max_j α_{t−1}[j]
 * Viterbi decoding reads the emissions back once and runs on the CPU in plain JS
 * (B·T·L² ≈ 6.4M multiply-adds for B=64, T=40, L=50; a few milliseconds).
 * That is the `steps` CRF plan (`kernelPlan.ts`). On WebGPU the `fused` plan runs log Z, its gradient
 * and Viterbi as single programs with the time loop inside (`webgpu/crfFused.ts`): a few dispatches
 * whatever T (tag sets up to `MAX_FUSED_CRF_LABELS`; larger ones take the steps). Every function
 * taking a `plan` defaults to the active backend's.
 */
import * as tf from '@tensorflow/tfjs';
import { unstack } from './unstack.ts';
import { seedFor } from './initializers.ts';
import { toFloat } from './toFloat.ts';
import { defaultKernelPlan, type CrfStrategy } from './kernelPlan.ts';
import type { CrfWeights } from './crfWeights.ts';
import { crfLogPartitionFused, crfNegLogLikelihoodFused, crfViterbiFused } from './webgpu/crfFused.ts';
import { MAX_FUSED_CRF_LABELS } from './webgpu/crfPrograms.ts';


export type { CrfWeights };

export interface CrfParams extends CrfWeights {
  numTags: number;
  transitions: tf.Variable;
  start: tf.Variable;
  end: tf.Variable;
  /** name → variable, names as documented above. */
  variables: Record<string, tf.Variable>;
}

/** Creates the CRF variables of one task (seeded Glorot-uniform transitions, zero start/end). */
export function createCrfParams(task: string, numTags: number, seed: number): CrfParams {
  if (!Number.isInteger(numTags) || numTags < 1) throw new Error(`CRF for task "${task}": numTags must be ≥ 1, got ${numTags}`);
  const p = `crf.${task}`;
  const limit = Math.sqrt(6 / (2 * numTags));
  const transitions = tf.tidy(() =>
    tf.variable(tf.randomUniform([numTags, numTags], -limit, limit, 'float32', seedFor(seed, `${p}.transitions`)), true),
  );
  const start = tf.variable(tf.zeros([numTags]), true);
  const end = tf.variable(tf.zeros([numTags]), true);
  return {
    numTags,
    transitions,
    start,
    end,
    variables: { [`${p}.transitions`]: transitions, [`${p}.start`]: start, [`${p}.end`]: end },
  };
}

/** The active backend's CRF plan. */
function crfPlan(): CrfStrategy {
  return defaultKernelPlan().crf ?? 'steps';
}

/** `fused` for a tag set the fused programs take (`MAX_FUSED_CRF_LABELS`); else `steps`. */
function fits(plan: CrfStrategy, labels: number): boolean {
  return plan === 'fused' && labels <= MAX_FUSED_CRF_LABELS;
}

function dims(emissions: tf.Tensor): [number, number, number] {
  if (emissions.rank !== 3) throw new Error(`CRF: emissions must be [B,T,L], got [${emissions.shape.join(',')}]`);
  const [b, t, l] = emissions.shape as [number, number, number];
  if (t < 1) throw new Error('CRF: emissions need T ≥ 1');
  return [b, t, l];
}

/**
 * x [T, ...] → T tensors x[i]. Time-major input because unstacking a middle axis is ~10× slower on cpu.
 * Two levels (split into ~√T chunks, then unstack each) because tfjs-backend-wasm's Slice reads back its
 * whole input for every slice, which makes a plain unstack O(T·size) (7 ms vs 2.7 ms at T=40, 63 ms vs
 * 6 ms at T=100 for [T,64,50]); the backward pass (concat of stacks) gains likewise.
 */
function unstackTime(x: tf.Tensor): tf.Tensor[] {
  const t = x.shape[0];
  if (t <= 8) return unstack(x);
  const chunk = Math.ceil(Math.sqrt(t));
  const sizes: number[] = [];
  for (let i = 0; i < t; i += chunk) sizes.push(Math.min(chunk, t - i));
  return tf.split(x, sizes, 0).flatMap((c) => unstack(c));
}

/**
 * log Z per sentence by the forward algorithm.
 * emissions [B,T,L] float, mask [B,T] float prefix mask → [B].
 * Padded steps leave α unchanged, so `end` is added after each sentence's true last token.
 * (A sentence with an all-zero mask gets log Z of its first step; the NLL functions zero it out.)
 */
export function crfLogPartition(emissions: tf.Tensor, mask: tf.Tensor, w: CrfWeights, plan: CrfStrategy = crfPlan()): tf.Tensor1D {
  const [b, t, l] = dims(emissions);
  if (fits(plan, l)) return crfLogPartitionFused(emissions, mask, w);
  return tf.tidy(() => {
    const maxTrans = tf.max(w.transitions); // scalar
    const expTrans = tf.exp(tf.sub(w.transitions, maxTrans)); // [L,L], entries in (0,1]
    const steps = unstackTime(tf.transpose(emissions, [1, 0, 2])); // T × [B,L]
    const keep = unstackTime(tf.reshape(tf.cast(tf.transpose(mask), 'bool'), [t, b, 1])); // T × [B,1]
    let alpha: tf.Tensor = tf.add(tf.reshape(w.start, [1, l]), steps[0]); // [B,L]
    for (let i = 1; i < t; i++) {
      const m = tf.max(alpha, 1, true); // [B,1]
      const p = tf.matMul(tf.exp(tf.sub(alpha, m)), expTrans); // [B,L]
      const next = tf.add(tf.add(tf.log(tf.maximum(p, 1e-30)), tf.add(m, maxTrans)), steps[i]);
      alpha = tf.where(keep[i], next, alpha);
    }
    return tf.logSumExp(tf.add(alpha, tf.reshape(w.end, [1, l])), 1) as tf.Tensor1D;
  });
}

/**
 * Score of the gold path per sentence (start + emissions + transitions + end at the true last token).
 * emissions [B,T,L], tags [B,T] int32 (values at padded positions are ignored), mask [B,T] → [B].
 * Built from one-hot products (no gather), so its gradient is cheap on every backend.
 */
export function crfGoldScore(emissions: tf.Tensor, tags: tf.Tensor, mask: tf.Tensor, w: CrfWeights): tf.Tensor1D {
  const [b, t, l] = dims(emissions);
  return tf.tidy(() => {
    // Everything is derived from the small [B,T] tags/mask tensors: padded tags become −1, whose one-hot
    // row is all zeros, so no [B,T,L] tensor is ever sliced or masked by broadcasting (both slow on cpu;
    // a slice's gradient is a full-size pad). oneHot in int32 then cast: tfjs-backend-wasm 4.22 writes
    // int bit patterns for oneHot(…, 'float32').
    const oneHot = (x: tf.Tensor) => toFloat(tf.oneHot(x, l));
    const real = tf.cast(mask, 'bool');
    const tagsM = tf.where(real, tf.cast(tags, 'int32'), tf.fill([b, t], -1, 'int32')); // [B,T], −1 at padding
    const emit = tf.sum(tf.mul(emissions, oneHot(tagsM)), [1, 2]); // [B]
    const first = oneHot(tf.reshape(tf.slice(tagsM, [0, 0], [b, 1]), [b])); // [B,L] (zeros if empty)
    const startScore = tf.sum(tf.mul(first, tf.reshape(w.start, [1, l])), 1);
    // last real tag: the mask_i − mask_{i+1} indicator (1 exactly at the last real token of a prefix mask)
    const nextMask = tf.concat([tf.slice(mask, [0, 1], [b, t - 1]), tf.zeros([b, 1])], 1);
    const isLast = tf.cast(tf.sub(mask, nextMask), 'bool');
    const lastTag = tf.max(tf.where(isLast, tagsM, tf.fill([b, t], -1, 'int32')), 1); // [B], −1 if empty
    const endScore = tf.sum(tf.mul(oneHot(lastTag), tf.reshape(w.end, [1, l])), 1);
    let score = tf.add(tf.add(emit, startScore), endScore);
    if (t > 1) {
      // Σ_i trans[y_{i−1}, y_i] = Σ (onehot_{i−1} · trans) ⊙ onehot_i, with one 2-D matMul;
      // onehot_i is zero where token i is padding, which removes the pair.
      const prev = oneHot(tf.reshape(tf.slice(tagsM, [0, 0], [b, t - 1]), [b * (t - 1)])); // [B(T−1),L]
      const next = oneHot(tf.reshape(tf.slice(tagsM, [0, 1], [b, t - 1]), [b * (t - 1)]));
      score = tf.add(score, tf.sum(tf.reshape(tf.mul(tf.matMul(prev, w.transitions), next), [b, (t - 1) * l]), 1));
    }
    return score as tf.Tensor1D;
  });
}

/**
 * −log p(tags | emissions) per sentence: log Z − gold score. [B]; 0 for sentences with an all-zero mask.
 * emissions [B,T,L], tags [B,T] int32, mask [B,T] float prefix mask.
 */
export function crfNegLogLikelihoodPerSentence(
  emissions: tf.Tensor,
  tags: tf.Tensor,
  mask: tf.Tensor,
  w: CrfWeights,
  plan: CrfStrategy = crfPlan(),
): tf.Tensor1D {
  const [b, , l] = dims(emissions);
  // The fused plan scores the gold path inside the forward algorithm's program (and its gradient
  // inside the marginals'): one dispatch forward instead of ~30 kernels.
  if (fits(plan, l)) return crfNegLogLikelihoodFused(emissions, tags, mask, w);
  return tf.tidy(() => {
    const nonEmpty = tf.reshape(tf.slice(mask, [0, 0], [b, 1]), [b]); // prefix mask: 1 iff length ≥ 1
    const nll = tf.sub(crfLogPartition(emissions, mask, w, plan), crfGoldScore(emissions, tags, mask, w));
    return tf.mul(nll, nonEmpty) as tf.Tensor1D;
  });
}

/** Mean NLL over the non-empty sentences of the batch (scalar). Same arguments as the per-sentence form. */
export function crfNegLogLikelihood(
  emissions: tf.Tensor,
  tags: tf.Tensor,
  mask: tf.Tensor,
  w: CrfWeights,
  plan: CrfStrategy = crfPlan(),
): tf.Scalar {
  const [b] = dims(emissions);
  return tf.tidy(() => {
    const count = tf.maximum(tf.sum(tf.slice(mask, [0, 0], [b, 1])), 1);
    return tf.div(tf.sum(crfNegLogLikelihoodPerSentence(emissions, tags, mask, w, plan)), count) as tf.Scalar;
  });
}

export interface ViterbiResult {
  /** Best tag sequence per sentence, each of the sentence's true length. */
  paths: number[][];
  /** Score of each best path (−Infinity never occurs; 0 for empty sentences). */
  scores: Float64Array;
}

/**
 * Viterbi on plain arrays (pure JS, no tfjs): emissions row-major [B,T,L], lengths[b] ∈ [0,T],
 * transitions row-major [L,L] (from, to), start [L], end [L]. Ties go to the lowest tag index.
 */
export function viterbiDecode(
  emissions: ArrayLike<number>,
  lengths: ArrayLike<number>,
  shape: readonly [number, number, number],
  transitions: ArrayLike<number>,
  start: ArrayLike<number>,
  end: ArrayLike<number>,
): ViterbiResult {
  const [b, t, l] = shape;
  // transT[j*L + i] = trans[i, j]: the inner loop over predecessors i then reads contiguous memory
  const transT = new Float64Array(l * l);
  for (let i = 0; i < l; i++) for (let j = 0; j < l; j++) transT[j * l + i] = transitions[i * l + j];
  let delta = new Float64Array(l);
  let nextDelta = new Float64Array(l);
  const back = new Int32Array(t * l);
  const paths: number[][] = [];
  const scores = new Float64Array(b);
  for (let s = 0; s < b; s++) {
    const n = lengths[s];
    if (n <= 0) {
      paths.push([]);
      continue;
    }
    const base = s * t * l;
    for (let j = 0; j < l; j++) delta[j] = start[j] + emissions[base + j];
    for (let i = 1; i < n; i++) {
      const eOff = base + i * l;
      for (let j = 0; j < l; j++) {
        const col = j * l;
        let best = -Infinity;
        let arg = 0;
        for (let k = 0; k < l; k++) {
          const v = delta[k] + transT[col + k];
          if (v > best) {
            best = v;
            arg = k;
          }
        }
        nextDelta[j] = best + emissions[eOff + j];
        back[i * l + j] = arg;
      }
      const tmp = delta;
      delta = nextDelta;
      nextDelta = tmp;
    }
    let best = -Infinity;
    let last = 0;
    for (let j = 0; j < l; j++) {
      const v = delta[j] + end[j];
      if (v > best) {
        best = v;
        last = j;
      }
    }
    const path = new Array<number>(n);
    path[n - 1] = last;
    for (let i = n - 1; i > 0; i--) path[i - 1] = back[i * l + path[i]];
    paths.push(path);
    scores[s] = best;
  }
  return { paths, scores };
}

/** Sentence lengths from a prefix mask [B,T] read back as a flat array. */
function lengthsFromMask(mask: ArrayLike<number>, b: number, t: number): Int32Array {
  const lengths = new Int32Array(b);
  for (let s = 0; s < b; s++) {
    let n = 0;
    for (let i = 0; i < t; i++) if (mask[s * t + i] > 0.5) n++;
    lengths[s] = n;
  }
  return lengths;
}

/**
 * Best path per sentence: emissions [B,T,L], mask [B,T] → paths (number[][], each of its sentence's length).
 * `steps`: one readback of emissions, mask and the CRF weights; the dynamic programme runs on the CPU.
 * `fused`: on the GPU, one readback of the paths.
 */
export async function crfViterbi(emissions: tf.Tensor, mask: tf.Tensor, w: CrfWeights, plan: CrfStrategy = crfPlan()): Promise<number[][]> {
  if (fits(plan, dims(emissions)[2])) return crfViterbiFused(emissions, mask, w);
  return (await crfViterbiWithScores(emissions, mask, w)).paths;
}

/** crfViterbi, also returning the best path scores. */
export async function crfViterbiWithScores(emissions: tf.Tensor, mask: tf.Tensor, w: CrfWeights): Promise<ViterbiResult> {
  const shape = dims(emissions);
  const [e, m, tr, st, en] = await Promise.all([
    emissions.data(),
    mask.data(),
    w.transitions.data(),
    w.start.data(),
    w.end.data(),
  ]);
  return viterbiDecode(e, lengthsFromMask(m, shape[0], shape[1]), shape, tr, st, en);
}

