/**
 * The forward pass of a tagger (MTAA, its ablations, the single-task base and the iterative
 * tagger) over one batch, and decoding. Call it inside `tf.tidy` / `tf.variableGrads`: the
 * intermediates belong to the caller's scope.
 *
 * MTAA (DESIGN.md §2), for tasks T and pairs P:
 *   x^t = dense_t([word; charCNN])                               [B, T, k]
 *   h^t = BiLSTM_t(x^t)                                          [B, T, 2kh]   (all tasks in one call)
 *   s^t_α = BiLSTM_α(h^t) for t ∈ α (x^t for E-ADV)              [B, T, 2ks]   (all pairs × members in one call)
 *   L_adv = Σ_α CE(D_α(meanpool(GRL(s^t_α))), t);  L_o = Σ_t ‖Σ_α (I^t)ᵀ S^t_α‖²
 *   ē^t = fuse(h^t, s^t_α …);  emissions = ē^t W_t + b_t           [B, T, L_t]   → CRF_t
 */
import * as tf from '@tensorflow/tfjs';
import { unstack } from './unstack.ts';
import type { OrthogonalityMode, ReversalReach } from '../core/config.ts';
import { adversarialLoss } from './adversary.ts';
import type { BatchTensors } from './batchTensors.ts';
import { crfNegLogLikelihood, crfViterbi } from './crf.ts';
import { dropout } from './dropout.ts';
import { embed } from './embedding.ts';
import { emissions, maskedSoftmaxCrossEntropy } from './emission.ts';
import { fuse } from './fusion.ts';
import { biLstm, biLstmTwin, sequenceLayout, type SequenceLayout } from './lstm.ts';
import { orthogonalityLoss } from './orthogonality.ts';
import { safeName, type TaggerParams } from './taggerParams.ts';

export interface ForwardOptions {
  training: boolean;
  /** Seed of this step's dropout masks (vary it per step). */
  seed: number;
  /** Multiplier of the reversed gradient into the shared encoders (the λ1 ramp, as a fraction of λ1). */
  reversalScale: number;
  reversalReach: ReversalReach;
  orthogonalityMode: OrthogonalityMode;
  /** Skip the losses (decoding needs only emissions and β). */
  lossesNeeded: boolean;
}

export interface ForwardOutput {
  /** Per task, `[B, T, L_t]`: the final emissions the CRF reads. */
  emissions: tf.Tensor3D[];
  /** Per task: its loss (CRF NLL; the iterative tagger adds each iteration's), 0 without labels. */
  taskLosses: tf.Scalar[];
  /** L_adv (0 without discriminators). */
  adversarial: tf.Scalar;
  /** L_o (0 without shared encoders). */
  orthogonality: tf.Scalar;
  /** Per pair (params.pairs order): discriminator accuracy on this batch; empty without discriminators. */
  discriminatorAccuracy: tf.Scalar[];
  /** Per task `[B, T, R]` attention weights over its representations, or null (no fusion / concat). */
  beta: (tf.Tensor3D | null)[];
}

/** Names of the representations a task's β ranges over: `individual`, then `shared:<other task>`. */
export function representationNames(params: TaggerParams, task: number): string[] {
  if (params.config.architecture !== 'mtaa') return ['individual'];
  const names = params.dims.tasks.map((t) => t.name);
  return [
    'individual',
    ...params.pairs.filter((p) => p.a === task || p.b === task).map((p) => `shared:${names[p.a === task ? p.b : p.a]}`),
  ];
}

/** The forward pass of decoding and evaluation: no dropout and no gradient reversal. */
export function inferenceForward(
  params: TaggerParams,
  batch: BatchTensors,
  opts: Pick<ForwardOptions, 'orthogonalityMode' | 'lossesNeeded'>,
): ForwardOutput {
  return forward(params, batch, { training: false, seed: 0, reversalScale: 0, reversalReach: 'full', ...opts });
}

export function forward(params: TaggerParams, batch: BatchTensors, opts: ForwardOptions): ForwardOutput {
  const layout = sequenceLayout(batch.lengths, batch.maxLen);
  const xs = embedTasks(params, batch);
  return params.config.architecture === 'iterative'
    ? iterativeForward(params, batch, layout, xs, opts)
    : mtaaForward(params, batch, layout, xs, opts);
}

/** x^t for every task, `[B, T, k]` each. */
function embedTasks(params: TaggerParams, batch: BatchTensors): tf.Tensor3D[] {
  const names = params.dims.tasks.map((t) => safeName(t.name));
  if (params.config.architecture === 'base') {
    return params.embeddings.map((e, t) => embed(e, batch.words, batch.chars, {}, batch.features ?? null)[names[t]!]!);
  }
  const all = embed(params.embeddings[0]!, batch.words, batch.chars, {}, batch.features ?? null);
  return names.map((name) => all[name]!);
}

function dropper(rate: number, opts: ForwardOptions) {
  let salt = 0;
  return <T extends tf.Tensor>(x: T): T =>
    opts.training && rate > 0 ? dropout(x, rate, opts.seed * 7919 + ++salt) : x;
}

function layerDropout(rate: number, opts: ForwardOptions, salt: number) {
  return opts.training && rate > 0 ? { dropout: { rate, seed: opts.seed * 104729 + salt } } : {};
}

/** Runs every task's individual encoder in one stacked call. @returns per task `[B, T, 2kh]` */
function individualEncoders(params: TaggerParams, inputs: tf.Tensor3D[], layout: SequenceLayout, opts: ForwardOptions): tf.Tensor3D[] {
  const layers = params.individual[0]!.map((_, l) => params.individual.map((task) => task[l]!));
  const out = biLstm(tf.stack(inputs) as tf.Tensor4D, layers, layout, layerDropout(params.config.dropout, opts, 1));
  return unstack(out) as tf.Tensor3D[];
}

function taskLoss(emission: tf.Tensor3D, batch: BatchTensors, task: number, params: TaggerParams): tf.Scalar {
  const tags = batch.tags[task];
  const mask = batch.taskMask[task];
  return tags && mask ? crfNegLogLikelihood(emission, tags, mask, params.crf[task]!) : tf.scalar(0);
}

function mtaaForward(
  params: TaggerParams,
  batch: BatchTensors,
  layout: SequenceLayout,
  xs: tf.Tensor3D[],
  opts: ForwardOptions,
): ForwardOutput {
  const { config, pairs } = params;
  const drop = dropper(config.dropout, opts);
  const hs = individualEncoders(params, xs, layout, opts);
  const hDropped = hs.map((h) => drop(h));
  const zero = () => tf.scalar(0);

  if (config.architecture === 'base' || pairs.length === 0) {
    const em = hDropped.map((h, t) => emissions(params.emission[t]!, h));
    return {
      emissions: em,
      taskLosses: opts.lossesNeeded ? em.map((e, t) => taskLoss(e, batch, t, params)) : [],
      adversarial: zero(),
      orthogonality: zero(),
      discriminatorAccuracy: [],
      beta: hs.map(() => null),
    };
  }

  // Shared encoders: pair α runs on both member inputs, stacked along the batch ([2B] rows). When the
  // reversed gradient must stop at the shared encoder's input, the discriminators read a gradient-cut
  // twin of the output (`biLstmTwin`: the same values from the same forward pass, one dropout mask):
  // the adversarial gradient then reaches θ_s and θ_d only (eq. 6), never the individual encoders.
  const source = config.adversary === 'embedding' ? xs : hDropped;
  const detached = opts.lossesNeeded && params.adversary !== null && opts.reversalReach === 'sharedEncoder';
  const lengths = new Int32Array(2 * batch.size);
  for (let c = 0; c < 2; c++) lengths.set(batch.lengths, c * batch.size);
  const sharedLayout = sequenceLayout(lengths, batch.maxLen);
  const sharedLayers = params.shared[0]!.map((_, l) => params.shared.map((pair) => pair[l]!));
  // [P, 2B, T, F]: pair p's rows are task a's batch then task b's. One Pack of the 2P member inputs
  // (a reshape makes the pairs), not a Concat per pair and a Pack of those: fewer kernels both ways.
  const [b0, t0, f0] = source[0]!.shape;
  const stacked = tf.stack(pairs.flatMap(({ a, b }) => [source[a]!, source[b]!])).reshape([pairs.length, 2 * b0, t0, f0]) as tf.Tensor4D;
  const sharedDropout = layerDropout(config.dropout, opts, 2);
  const channels = detached ? biLstmTwin(stacked, sharedLayers, sharedLayout, sharedDropout) : [biLstm(stacked, sharedLayers, sharedLayout, sharedDropout)];
  /** s[p][c]: pair p's output for copy c (0: task a, 1: task b, 2/3: their gradient-cut twins). */
  // Each channel's [P, 2B, T, 2h] viewed as [2P, B, T, 2h] (pair p's member m at 2p + m): one Unpack
  // per channel gives every s^t_α, not an Unpack and then a Split per pair.
  const perChannel = channels.map((out) => {
    const [p, rows, time, width] = out.shape;
    return unstack(out.reshape([2 * p, rows / 2, time, width])) as tf.Tensor3D[];
  });
  const s = pairs.map((_, p) => perChannel.flatMap((outs) => [outs[2 * p]!, outs[2 * p + 1]!]));
  /** s^t_α for each pair α ∋ t, in pair order. */
  const sharedOf = (t: number, copy: 0 | 2) =>
    pairs.flatMap((p, i) => (p.a === t ? [s[i]![copy]!] : p.b === t ? [s[i]![copy + 1]!] : []));

  let adversarial = zero();
  let discriminatorAccuracy: tf.Scalar[] = [];
  if (params.adversary && opts.lossesNeeded) {
    const advCopy = detached ? 2 : 0;
    const out = adversarialLoss(
      params.adversary,
      pairs.map((p, i) => ({ pair: p.name, shared: [s[i]![advCopy]!, s[i]![advCopy + 1]!] })),
      batch.mask,
      opts.reversalScale,
    );
    adversarial = out.loss;
    discriminatorAccuracy = pairs.map((p) => out.perPair[p.name]!.accuracy);
  }

  const orthogonality = opts.lossesNeeded
    ? orthogonalityLoss(
        hs.map((h, t) => ({ individual: h, shared: sharedOf(t, 0) })),
        batch.mask,
        { mode: opts.orthogonalityMode },
      )
    : zero();

  const fused = hs.map((_, t) => fuse(params.fusion[t]!, [hDropped[t]!, ...sharedOf(t, 0).map((x) => drop(x))]));
  const em = fused.map((f, t) => emissions(params.emission[t]!, f.fused));
  return {
    emissions: em,
    taskLosses: opts.lossesNeeded ? em.map((e, t) => taskLoss(e, batch, t, params)) : [],
    adversarial,
    orthogonality,
    discriminatorAccuracy,
    beta: fused.map((f) => f.beta),
  };
}

/**
 * The iterative tagger (seed of Gui et al. 2018): K passes of the per-task encoders; from the second
 * pass on, each task's encoder also reads the other tasks' predicted label distributions of the pass
 * before, embedded (Σ_u p_u E_u). Every pass is trained (softmax cross-entropy), the last through
 * the CRF. Pass 0 reads zeros in the label slot so all passes share one set of weights.
 */
function iterativeForward(
  params: TaggerParams,
  batch: BatchTensors,
  layout: SequenceLayout,
  xs: tf.Tensor3D[],
  opts: ForwardOptions,
): ForwardOutput {
  const { config } = params;
  const drop = dropper(config.dropout, opts);
  const taskCount = xs.length;
  const iterations = config.iterative.iterations;
  const losses: tf.Scalar[] = xs.map(() => tf.scalar(0));
  let labelFeatures: tf.Tensor3D[] = xs.map(() => tf.zeros([batch.size, batch.maxLen, config.iterative.labelDim]) as tf.Tensor3D);
  let em: tf.Tensor3D[] = [];
  for (let k = 0; k < iterations; k++) {
    const inputs = xs.map((x, t) => tf.concat([x, labelFeatures[t]!], 2) as tf.Tensor3D);
    const hs = individualEncoders(params, inputs, layout, opts);
    em = hs.map((h, t) => emissions(params.emission[t]!, drop(h)));
    const last = k === iterations - 1;
    if (opts.lossesNeeded) {
      em.forEach((e, t) => {
        const tags = batch.tags[t];
        const mask = batch.taskMask[t];
        if (!tags || !mask) return;
        const loss = last ? taskLoss(e, batch, t, params) : maskedSoftmaxCrossEntropy(e, tags, mask);
        losses[t] = tf.add(losses[t]!, loss) as tf.Scalar;
      });
    }
    if (!last) {
      // Each task's predicted distribution, embedded; masked so padding carries nothing.
      const embedded = em.map((e, t) => {
        const [b, time, numTags] = e.shape;
        const probs = tf.reshape(tf.softmax(e), [b * time, numTags]);
        return tf.mul(tf.reshape(tf.matMul(probs, params.labelEmbeddings[t]!), [b, time, -1]), tf.expandDims(batch.mask, 2)) as tf.Tensor3D;
      });
      labelFeatures = embedded.map((_, t) => {
        const others = embedded.filter((__, u) => u !== t);
        return (others.length === 0 ? tf.zerosLike(embedded[t]!) : tf.addN(others)) as tf.Tensor3D;
      });
    }
  }
  return {
    emissions: em,
    taskLosses: opts.lossesNeeded ? losses : [],
    adversarial: tf.scalar(0),
    orthogonality: tf.scalar(0),
    discriminatorAccuracy: [],
    beta: Array.from({ length: taskCount }, () => null),
  };
}

export interface Decoded {
  /** Per task, per sentence: tag ids of its real tokens. */
  paths: number[][][];
  /** Per task: `[B, T, R]` β values (row-major) or null. */
  beta: (Float32Array | null)[];
}

/** Viterbi paths and attention weights for a batch (asynchronous readbacks: see `evaluateBatch`). */
export async function decode(params: TaggerParams, batch: BatchTensors): Promise<Decoded> {
  const out = tf.tidy(() => {
    const f = inferenceForward(params, batch, { orthogonalityMode: 'raw', lossesNeeded: false });
    return { emissions: f.emissions, beta: f.beta.map((b) => b ?? tf.zeros([0])) };
  });
  try {
    const [paths, beta] = await Promise.all([
      Promise.all(out.emissions.map((e, t) => crfViterbi(e, batch.mask, params.crf[t]!))),
      Promise.all(out.beta.map(async (b) => (b.size === 0 ? null : ((await b.data()) as Float32Array)))),
    ]);
    return { paths, beta };
  } finally {
    tf.dispose([...out.emissions, ...out.beta]);
  }
}
