import * as tf from '@tensorflow/tfjs';

/**
 * Weights of S independent bidirectional LSTM layers ("stacks"), direction 0 = forward, 1 = backward.
 * Gate columns are ordered i, f, g, o (PyTorch's `weight_ih_l0` etc. are the transposes of one
 * direction's slice: `wIh[s, 0]ᵀ` ↔ `weight_ih_l0`, `wIh[s, 1]ᵀ` ↔ `weight_ih_l0_reverse`). `bias` is
 * PyTorch's `bias_ih + bias_hh` folded into one (export it as `bias_ih`, with `bias_hh` = 0).
 */
export interface BiLstmWeights {
  /** `[S, 2, in, 4h]` */
  readonly wIh: tf.Tensor4D;
  /** `[S, 2, h, 4h]` */
  readonly wHh: tf.Tensor4D;
  /** `[S, 2, 4h]` */
  readonly bias: tf.Tensor3D;
}

/** `BiLstmWeights` that own trainable variables (what `initBiLstmWeights` returns). */
export interface BiLstmVariables extends BiLstmWeights {
  readonly wIh: tf.Variable<tf.Rank.R4>;
  readonly wHh: tf.Variable<tf.Rank.R4>;
  readonly bias: tf.Variable<tf.Rank.R3>;
}

/**
 * What a layer call accepts: one weight set, or a list of weight sets concatenated along S in list
 * order. A list lets each encoder own its variables while all encoders run in one call; listing the
 * same set twice runs it on two inputs (a shared encoder on both member tasks of its pair), and the
 * gradients of the two uses are summed into it.
 */
export type BiLstmWeightsArg = BiLstmWeights | readonly BiLstmWeights[];

export interface BiLstmInitOptions {
  /** Seed of the uniform draws; the same seed gives the same weights. */
  readonly seed: number;
  /** Prefix of the variable names (tfjs names must be unique); unnamed when omitted. */
  readonly name?: string;
  readonly trainable?: boolean;
}

/**
 * Fresh weights for S stacks: Glorot-uniform W_ih and W_hh (fan-in × fan-out of the whole `[in, 4h]`
 * and `[h, 4h]` matrices, as Keras does for the kernel; Glorot rather than orthogonal for W_hh because
 * a QR per matrix is slow in the browser), zero bias except 1 on the forget gate, so that early in
 * training the cell keeps its state and gradients flow through time.
 */
export function initBiLstmWeights(stacks: number, inputSize: number, units: number, opts: BiLstmInitOptions): BiLstmVariables {
  for (const [what, v] of [['stacks', stacks], ['inputSize', inputSize], ['units', units]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`initBiLstmWeights: ${what} must be a positive integer, got ${v}`);
  }
  const trainable = opts.trainable ?? true;
  const name = (part: string): string | undefined => (opts.name === undefined ? undefined : `${opts.name}/${part}`);
  const gates = 4 * units;
  const glorot = (fanIn: number, seed: number, shape: number[]): tf.Tensor => {
    const limit = Math.sqrt(6 / (fanIn + gates));
    return tf.randomUniform(shape, -limit, limit, 'float32', seed);
  };
  return tf.tidy(() => {
    const wIh = glorot(inputSize, opts.seed, [stacks, 2, inputSize, gates]) as tf.Tensor4D;
    const wHh = glorot(units, opts.seed + 1, [stacks, 2, units, gates]) as tf.Tensor4D;
    const forget = new Float32Array(gates);
    forget.fill(1, units, 2 * units);
    const bias = tf.tile(tf.tensor3d(forget, [1, 1, gates]), [stacks, 2, 1]) as tf.Tensor3D;
    return {
      wIh: tf.variable(wIh, trainable, name('wIh')),
      wHh: tf.variable(wHh, trainable, name('wHh')),
      bias: tf.variable(bias, trainable, name('bias')),
    };
  });
}

/** Initialises `layers` stacked layers: layer 0 reads `inputSize` features, later ones read 2·h. */
export function initBiLstm(stacks: number, inputSize: number, units: number, layers: number, opts: BiLstmInitOptions): BiLstmVariables[] {
  return Array.from({ length: layers }, (_, l) =>
    initBiLstmWeights(stacks, l === 0 ? inputSize : 2 * units, units, {
      ...opts,
      seed: opts.seed + 1000 * l,
      name: opts.name === undefined ? undefined : `${opts.name}/l${l}`,
    }),
  );
}

export function disposeBiLstmWeights(weights: BiLstmWeights | readonly BiLstmWeights[]): void {
  for (const w of isWeightList(weights) ? weights : [weights]) tf.dispose([w.wIh, w.wHh, w.bias]);
}

/** The variables of a weight set, e.g. for an optimizer's var list. */
export function biLstmVariables(weights: BiLstmVariables | readonly BiLstmVariables[]): tf.Variable[] {
  return (isVariableList(weights) ? weights : [weights]).flatMap((w) => [w.wIh, w.wHh, w.bias]);
}

/** Joins a weight list along S (a no-op for a single set). Differentiable: the gradient is sliced back. */
export function concatBiLstmWeights(weights: BiLstmWeightsArg): BiLstmWeights {
  if (!isWeightList(weights)) return weights;
  if (weights.length === 0) throw new Error('concatBiLstmWeights: empty weight list');
  if (weights.length === 1) return weights[0];
  const [first] = weights;
  for (const w of weights) {
    if (w.wIh.shape[2] !== first.wIh.shape[2] || w.wHh.shape[2] !== first.wHh.shape[2]) {
      throw new Error(`concatBiLstmWeights: mixed sizes wIh [${w.wIh.shape}] vs [${first.wIh.shape}]`);
    }
  }
  return {
    wIh: tf.concat(weights.map((w) => w.wIh), 0),
    wHh: tf.concat(weights.map((w) => w.wHh), 0),
    bias: tf.concat(weights.map((w) => w.bias), 0),
  };
}

/** `[S, 2, in, 4h]` etc. → S, in, h; throws when the three tensors disagree. */
export function biLstmSizes(w: BiLstmWeights): { stacks: number; inputSize: number; units: number } {
  const [stacks, dirs, inputSize, gates] = w.wIh.shape;
  const units = gates / 4;
  const ok =
    dirs === 2 &&
    Number.isInteger(units) &&
    w.wHh.shape.join() === [stacks, 2, units, gates].join() &&
    w.bias.shape.join() === [stacks, 2, gates].join();
  if (!ok) throw new Error(`BiLSTM weights disagree: wIh [${w.wIh.shape}], wHh [${w.wHh.shape}], bias [${w.bias.shape}]`);
  return { stacks, inputSize, units };
}

function isWeightList(w: BiLstmWeightsArg): w is readonly BiLstmWeights[] {
  return Array.isArray(w);
}

function isVariableList(w: BiLstmVariables | readonly BiLstmVariables[]): w is readonly BiLstmVariables[] {
  return Array.isArray(w);
}
