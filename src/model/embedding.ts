/**
 * The "basic" embedding layer (DESIGN.md §2; paper §III-A-1 with the BERT part replaced by word + char):
 *
 *   word ids  [B,T]    → shared word table [V,dw]                       → [B,T,dw]
 *   char ids  [B,T,W]  → shared char table [C,dc] → conv1d (width w, 'same', F filters) → activation
 *                        → max over the word's real characters           → [B,T,F]
 *   concat [B,T,dw+F] → dropout (optional) → per-task dense [dw+F → k]   → x^t [B,T,k]  (k = 128 paper)
 *
 * Char id 0 is the padding character: its embedding is zeroed before the convolution (so the 'same'
 * padding at word edges sees zeros, as in a zero-padded conv) and its positions are excluded from the
 * max-pool; a word with no characters at all (padding tokens) gets a zero char feature.
 * The convolution is written as im2col + one 2-D matMul ([B·T·W, w·dc] × [w·dc, F]) — fast on WASM,
 * and WASM has no Conv2DBackpropFilter kernel for tf.conv1d's gradient.
 *
 * Table lookups use `embeddingLookup`: a tf.customGrad gather whose gradient is a dense [V,d] tensor
 * built with tf.scatterND (duplicate ids accumulate), because tf.gather's stock gradient needs
 * UnsortedSegmentSum (missing on WASM) and is pathologically slow on CPU.
 *
 * The per-task dense layers run as one matMul with their kernels concatenated, then split.
 *
 * Parameters (keys of `EmbeddingParams.variables`):
 *   embed.word                [V, dw]       uniform ±√(3/dw), or `wordInit` (e.g. pretrainedVectors.buildWordTable)
 *   embed.char                [C, dc]       uniform ±√(3/dc)                 } absent when
 *   embed.charConv.kernel     [w, dc, F]    Glorot uniform (fan_in = w·dc,   } charFilters = 0
 *                                           fan_out = w·F)                   }
 *   embed.charConv.bias       [F]           zeros                            }
 *   embed.<task>.dense.kernel [dw+F, k]     Glorot uniform
 *   embed.<task>.dense.bias   [k]           zeros
 * Lookup tables get a variance-1/d uniform instead of Glorot: Glorot over [V,d] would shrink the rows
 * with the vocabulary size (±0.017 for V = 20k), making word features negligible next to char features.
 */
import * as tf from '@tensorflow/tfjs';
import { isHostMemoryBackend } from './hostMemory.ts';
import { affine } from './dense.ts';
import { seedFor } from './initializers.ts';
import { toFloat } from './toFloat.ts';
import { createBertMix, mixBertFeatures, type BertMixOptions, type BertMixParams } from './bert/bertMix.ts';

export type Activation = 'linear' | 'relu' | 'tanh';

export interface EmbeddingOptions {
  vocabSize: number;
  wordDim: number;
  charVocabSize: number;
  charDim: number;
  /** Number of char-CNN filters F; 0 disables the character encoder (no char variables, x^t from words only). */
  charFilters: number;
  /** Convolution width over characters (default 3; even widths pad one more on the right). */
  charWindow?: number;
  /** After the convolution, before max-pooling (default 'tanh'). */
  charActivation?: Activation;
  tasks: readonly string[];
  /** k: width of x^t (default 128). */
  outDim?: number;
  /** After the per-task dense layer (default 'linear', the paper's "simple dense layer"). */
  outActivation?: Activation;
  seed: number;
  /** Row-major [vocabSize, wordDim] initial word table (pre-trained vectors). */
  wordInit?: Float32Array;
  /** Frozen BERT word features entering the dense layer (bert/bertMix.ts). */
  bert?: BertMixOptions;
}

export interface EmbeddingParams {
  tasks: readonly string[];
  wordDim: number;
  charFilters: number;
  charWindow: number;
  outDim: number;
  charActivation: Activation;
  outActivation: Activation;
  word: tf.Variable;
  /** null when charFilters = 0 (likewise charKernel, charBias). */
  char: tf.Variable | null;
  charKernel: tf.Variable | null;
  charBias: tf.Variable | null;
  dense: Record<string, { kernel: tf.Variable; bias: tf.Variable }>;
  /** null without BERT features. */
  bert: BertMixParams | null;
  /** name → variable, names as documented above. */
  variables: Record<string, tf.Variable>;
}

function uniformVar(name: string, shape: number[], limit: number, seed: number): tf.Variable {
  return tf.tidy(() => tf.variable(tf.randomUniform(shape, -limit, limit, 'float32', seedFor(seed, name)), true));
}

/** Creates the embedding variables (shared tables and char CNN, one dense layer per task). */
export function createEmbeddingParams(opts: EmbeddingOptions): EmbeddingParams {
  const width = opts.charWindow ?? 3;
  const outDim = opts.outDim ?? 128;
  const { vocabSize: v, wordDim: dw, charVocabSize: c, charDim: dc, charFilters: f, seed } = opts;
  const useChars = f > 0;
  const sizes = useChars
    ? { vocabSize: v, wordDim: dw, charVocabSize: c, charDim: dc, charFilters: f, charWindow: width, outDim }
    : { vocabSize: v, wordDim: dw, outDim };
  for (const [k, x] of Object.entries(sizes)) {
    if (!Number.isInteger(x) || x < 1) throw new Error(`embedding: ${k} must be a positive integer, got ${x}`);
  }
  if (!Number.isInteger(f) || f < 0) throw new Error(`embedding: charFilters must be a non-negative integer, got ${f}`);
  const variables: Record<string, tf.Variable> = {};
  let word: tf.Variable;
  if (opts.wordInit) {
    if (opts.wordInit.length !== v * dw) {
      throw new Error(`embedding: wordInit has ${opts.wordInit.length} values, expected vocabSize·wordDim = ${v}·${dw} = ${v * dw}`);
    }
    const init = opts.wordInit;
    word = tf.tidy(() => tf.variable(tf.tensor2d(init, [v, dw]), true));
  } else {
    word = uniformVar('embed.word', [v, dw], Math.sqrt(3 / dw), seed);
  }
  variables['embed.word'] = word;
  let char: tf.Variable | null = null;
  let charKernel: tf.Variable | null = null;
  let charBias: tf.Variable | null = null;
  if (useChars) {
    char = uniformVar('embed.char', [c, dc], Math.sqrt(3 / dc), seed);
    charKernel = uniformVar('embed.charConv.kernel', [width, dc, f], Math.sqrt(6 / (width * dc + width * f)), seed);
    charBias = tf.variable(tf.zeros([f]), true);
    variables['embed.char'] = char;
    variables['embed.charConv.kernel'] = charKernel;
    variables['embed.charConv.bias'] = charBias;
  }
  const bert = opts.bert ? createBertMix(opts.bert) : null;
  if (bert) Object.assign(variables, bert.variables);
  // The dense layer reads [word; char], [word; char; bert] (concat) or the BERT features alone (replace).
  const denseIn = bert ? (bert.mode === 'replace' ? bert.hiddenSize : dw + f + bert.hiddenSize) : dw + f;
  const dense: EmbeddingParams['dense'] = {};
  for (const task of opts.tasks) {
    if (dense[task]) throw new Error(`embedding: duplicate task "${task}"`);
    const kernel = uniformVar(`embed.${task}.dense.kernel`, [denseIn, outDim], Math.sqrt(6 / (denseIn + outDim)), seed);
    const bias = tf.variable(tf.zeros([outDim]), true);
    dense[task] = { kernel, bias };
    variables[`embed.${task}.dense.kernel`] = kernel;
    variables[`embed.${task}.dense.bias`] = bias;
  }
  return {
    tasks: [...opts.tasks],
    wordDim: dw,
    charFilters: f,
    charWindow: width,
    outDim,
    charActivation: opts.charActivation ?? 'tanh',
    outActivation: opts.outActivation ?? 'linear',
    word,
    char,
    charKernel,
    charBias,
    dense,
    bert,
    variables,
  };
}

function activate(x: tf.Tensor, a: Activation): tf.Tensor {
  return a === 'relu' ? tf.relu(x) : a === 'tanh' ? tf.tanh(x) : x;
}

/**
 * Row lookup with a scatterND gradient: table [V,d], ids int32 (any shape S) → [...S, d].
 * The gradient w.r.t. the table is a dense [V,d] tensor (duplicate ids summed); ids get none.
 */
export function embeddingLookup(table: tf.Tensor, ids: tf.Tensor): tf.Tensor {
  const [v, d] = table.shape as [number, number];
  const n = ids.size;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const tab = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    const flat = tf.reshape(tf.cast(ids, 'int32'), [n, 1]);
    save([flat]); // kept by the engine for the backward pass (outer tf.tidy scopes would dispose a closure)
    const value = tf.reshape(tf.gather(tab, tf.reshape(flat, [n])), [...ids.shape, d]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.scatterND(saved[0], tf.reshape(dy, [n, d]), [v, d]),
    };
  });
  return tf.tidy(() => op(table));
}

/**
 * max over axis 1 of x [n,W,F] → [n,F], with the gradient split evenly between tied maxima.
 * (tf.max's own gradient gives the full gradient to every tied position, which multiplies it by the
 * number of ties — common here: repeated character trigrams as in "1000000" or "----".)
 *
 * `gradient`: `kernel` builds it from tfjs ops (any backend); `host` reads x, max and dy back and
 * loops in JS, for backends whose memory is host memory (default on wasm and cpu). WASM's broadcast
 * Equal `[n,W,F]` vs `[n,1,F]` alone took 50–90 ms a step for 704 words (the host loop: ~2 ms).
 */
export function maxOverAxis1(x: tf.Tensor, gradient: 'kernel' | 'host' = isHostMemoryBackend() ? 'host' : 'kernel'): tf.Tensor {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const input = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    const value = tf.max(input, 1);
    save([input, value]);
    return { value, gradFunc: (dy: tf.Tensor, [xs, ys]: tf.Tensor[]) => (gradient === 'host' ? tieSplitHost : tieSplitKernel)(xs!, ys!, dy) };
  });
  return op(x);
}

/** dx of max over axis 1: x [n,W,F], max [n,F], dy [n,F] → dy / #ties at each tied position, from tfjs ops. */
function tieSplitKernel(xs: tf.Tensor, ys: tf.Tensor, dy: tf.Tensor): tf.Tensor {
  const [n, , f] = xs.shape as [number, number, number];
  const ties = toFloat(tf.equal(xs, tf.reshape(ys, [n, 1, f]))); // [n,W,F]
  const share = tf.div(tf.reshape(dy, [n, 1, f]), tf.sum(ties, 1, true)); // dy / #ties
  return tf.mul(ties, share);
}

/** The same split computed on the host (same values). */
function tieSplitHost(xs: tf.Tensor, ys: tf.Tensor, dy: tf.Tensor): tf.Tensor {
  const [n, w, f] = xs.shape as [number, number, number];
  const xv = xs.dataSync();
  const yv = ys.dataSync();
  const dyv = dy.dataSync();
  const out = new Float32Array(n * w * f);
  const ties = new Int32Array(f);
  for (let r = 0; r < n; r++) {
    ties.fill(0);
    const base = r * w * f;
    for (let k = 0; k < w; k++) for (let j = 0; j < f; j++) if (xv[base + k * f + j] === yv[r * f + j]) ties[j]++;
    for (let k = 0; k < w; k++) {
      for (let j = 0; j < f; j++) {
        const at = base + k * f + j;
        if (xv[at] === yv[r * f + j]) out[at] = dyv[r * f + j] / ties[j];
      }
    }
  }
  return tf.tensor(out, xs.shape, 'float32');
}

/**
 * Character CNN: charIds [B,T,W] int32 (0 = pad) → [B,T,F] (max over real characters; 0 for empty words).
 */
export function charCnn(params: EmbeddingParams, charIds: tf.Tensor): tf.Tensor3D {
  const { char, charKernel, charBias } = params;
  if (!char || !charKernel || !charBias) throw new Error('charCnn: this embedding has no character encoder (charFilters = 0)');
  const [b, t, w] = charIds.shape as [number, number, number];
  const f = params.charFilters;
  const width = params.charWindow;
  const dc = char.shape[1] as number;
  return tf.tidy(() => {
    const n = b * t;
    const ids = tf.reshape(charIds, [n, w]);
    const cmask = tf.reshape(toFloat(tf.greater(ids, 0)), [n, w, 1]);
    const emb = tf.mul(tf.reshape(embeddingLookup(char, ids), [n, w, dc]), cmask); // pad chars → 0
    const left = Math.floor((width - 1) / 2);
    const padded = tf.pad(emb, [
      [0, 0],
      [left, width - 1 - left],
      [0, 0],
    ]); // [n, W+width−1, dc]
    const windows =
      width === 1 ? padded : tf.concat(Array.from({ length: width }, (_, k) => tf.slice(padded, [0, k, 0], [n, w, dc])), 2); // [n,W,width·dc]
    const conv = affine(
      tf.reshape(windows, [n * w, width * dc]) as tf.Tensor2D,
      tf.reshape(charKernel, [width * dc, f]) as tf.Tensor2D,
      charBias as tf.Tensor1D,
    );
    const act = tf.reshape(activate(conv, params.charActivation), [n, w, f]);
    const masked = tf.add(act, tf.mul(tf.sub(cmask, 1), 1e9)); // pad positions → −1e9, never the max
    const hasChars = tf.cast(tf.max(tf.reshape(cmask, [n, w]), 1, true), 'bool'); // [n,1]
    const pooled = tf.where(hasChars, maxOverAxis1(masked), tf.zeros([n, f])); // [n,F]; words without characters → 0
    return tf.reshape(pooled, [b, t, f]) as tf.Tensor3D;
  });
}

export interface EmbedOptions {
  /** Dropout on the concatenated [word; char] features; vary `seed` every step. Omit at evaluation. */
  dropout?: { rate: number; seed: number };
}

/**
 * x^t for every task: wordIds [B,T] int32, charIds [B,T,W] int32 (ignored, may be null, when
 * charFilters = 0) → { task: [B,T,k] } in `params.tasks` order.
 */
export function embed(
  params: EmbeddingParams,
  wordIds: tf.Tensor,
  charIds: tf.Tensor | null,
  opts: EmbedOptions = {},
  features: tf.Tensor3D | null = null,
): Record<string, tf.Tensor3D> {
  const [b, t] = wordIds.shape as [number, number];
  if (params.bert && (!features || features.shape[0] !== b || features.shape[1] !== t)) {
    throw new Error(`embed: BERT features must be [${b},${t},D], got ${features ? `[${features.shape.join(',')}]` : 'none'}`);
  }
  const replace = params.bert?.mode === 'replace';
  const useChars = params.charFilters > 0 && !replace;
  if (useChars && (!charIds || charIds.rank !== 3 || charIds.shape[0] !== b || charIds.shape[1] !== t)) {
    throw new Error(`embed: charIds must be [${b},${t},W], got ${charIds ? `[${charIds.shape.join(',')}]` : 'null'}`);
  }
  return tf.tidy(() => {
    const n = b * t;
    const bert = params.bert && features ? mixBertFeatures(params.bert, features) : null; // [n, H]
    let feats: tf.Tensor; // [n, dw+F], [n, dw+F+H] or [n, H]
    if (replace) feats = bert!;
    else {
      const words = tf.reshape(embeddingLookup(params.word, wordIds), [n, params.wordDim]);
      const parts = [words];
      if (useChars) parts.push(tf.reshape(charCnn(params, charIds as tf.Tensor), [n, params.charFilters]));
      if (bert) parts.push(bert);
      feats = parts.length === 1 ? words : tf.concat(parts, 1);
    }
    if (opts.dropout && opts.dropout.rate > 0) feats = tf.dropout(feats, opts.dropout.rate, undefined, opts.dropout.seed);
    const tasks = params.tasks;
    const out: Record<string, tf.Tensor3D> = {};
    if (tasks.length === 0) return out;
    const kernels = tasks.map((task) => params.dense[task].kernel);
    const biases = tasks.map((task) => params.dense[task].bias);
    const all = affine(
      feats as tf.Tensor2D,
      (tasks.length === 1 ? kernels[0] : tf.concat(kernels, 1)) as tf.Tensor2D,
      (tasks.length === 1 ? biases[0] : tf.concat(biases, 0)) as tf.Tensor1D,
    ); // [n, tasks·k]
    const parts = tasks.length === 1 ? [all] : tf.split(all, tasks.length, 1);
    tasks.forEach((task, i) => {
      out[task] = tf.reshape(activate(parts[i], params.outActivation), [b, t, params.outDim]) as tf.Tensor3D;
    });
    return out;
  });
}
