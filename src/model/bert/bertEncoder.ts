/**
 * The BERT encoder on tfjs, frozen (inference only): embeddings (word + position + token type 0,
 * LayerNorm), then N × (self-attention → dense → residual + LayerNorm → FFN with GELU → residual +
 * LayerNorm), exactly as Hugging Face's BertModel computes `hidden_states` (index 0: the embedding
 * output, index l: after layer l).
 *
 * Kernel discipline (DESIGN.md §3): no loop over heads or tokens. Per layer one matMul for Q, K and V
 * together ([B·L, H] × [H, 3H]), one batched matMul for all heads' scores ([B·nh, L, dh] × its
 * transpose), one softmax, one batched matMul for the context, then two dense layers: about 50
 * dispatches per layer (the LayerNorms' moments included) whatever the batch or the length.
 *
 * Weights arrive in torch layout (Linear weight [out, in]) and are transposed once to [in, out].
 */
import * as tf from '@tensorflow/tfjs';
import type { BertArchitecture, BertHostWeights } from './bertConfig.ts';

interface LayerParams {
  qkvKernel: tf.Tensor2D; // [H, 3H]: query | key | value
  qkvBias: tf.Tensor1D; // [3H]
  outKernel: tf.Tensor2D; // [H, H]
  outBias: tf.Tensor1D;
  norm1: [tf.Tensor1D, tf.Tensor1D];
  ffnKernel: tf.Tensor2D; // [H, I]
  ffnBias: tf.Tensor1D; // [I]
  ffnOutKernel: tf.Tensor2D; // [I, H]
  ffnOutBias: tf.Tensor1D;
  norm2: [tf.Tensor1D, tf.Tensor1D];
}

export interface BertEncoder {
  arch: BertArchitecture;
  word: tf.Tensor2D; // [V, H]
  position: tf.Tensor2D; // [P, H]
  tokenType0: tf.Tensor1D; // [H]: every token has token type 0 (single sentences)
  embedNorm: [tf.Tensor1D, tf.Tensor1D];
  layers: LayerParams[];
}

/** Uploads the weights (canonical names, see bertTensorSpecs) to the backend. Dispose with disposeBertEncoder. */
export function createBertEncoder(arch: BertArchitecture, weights: BertHostWeights): BertEncoder {
  const get = (name: string) => {
    const w = weights.get(name);
    if (!w) throw new Error(`bert encoder: missing weight ${name}`);
    return w;
  };
  // A manual scope rather than tf.tidy (whose result must be a tensor container): intermediates of the
  // transposes and concatenations are freed at endScope, the kept parameters survive it.
  tf.engine().startScope();
  try {
    const t2 = (name: string) => tf.keep(tf.tensor2d(get(name).data, get(name).shape as [number, number]));
    const t1 = (name: string) => tf.keep(tf.tensor1d(get(name).data));
    const tr = (name: string) => tf.keep(tf.transpose(tf.tensor2d(get(name).data, get(name).shape as [number, number])));
    const norm = (p: string): [tf.Tensor1D, tf.Tensor1D] => [t1(`${p}.weight`), t1(`${p}.bias`)];
    const layers: LayerParams[] = [];
    for (let l = 0; l < arch.layers; l++) {
      const p = `encoder.layer.${l}`;
      const qkv = ['query', 'key', 'value'].map((n) => `${p}.attention.self.${n}`);
      layers.push({
        qkvKernel: tf.keep(tf.concat(qkv.map((n) => tf.transpose(tf.tensor2d(get(`${n}.weight`).data, get(`${n}.weight`).shape as [number, number]))), 1)),
        qkvBias: tf.keep(tf.concat(qkv.map((n) => tf.tensor1d(get(`${n}.bias`).data)))),
        outKernel: tr(`${p}.attention.output.dense.weight`),
        outBias: t1(`${p}.attention.output.dense.bias`),
        norm1: norm(`${p}.attention.output.LayerNorm`),
        ffnKernel: tr(`${p}.intermediate.dense.weight`),
        ffnBias: t1(`${p}.intermediate.dense.bias`),
        ffnOutKernel: tr(`${p}.output.dense.weight`),
        ffnOutBias: t1(`${p}.output.dense.bias`),
        norm2: norm(`${p}.output.LayerNorm`),
      });
    }
    const types = get('embeddings.token_type_embeddings.weight');
    return {
      arch,
      word: t2('embeddings.word_embeddings.weight'),
      position: t2('embeddings.position_embeddings.weight'),
      tokenType0: tf.keep(tf.tensor1d(types.data.subarray(0, arch.hiddenSize))),
      embedNorm: norm('embeddings.LayerNorm'),
      layers,
    };
  } finally {
    tf.engine().endScope();
  }
}

export function disposeBertEncoder(enc: BertEncoder): void {
  const all: tf.Tensor[] = [enc.word, enc.position, enc.tokenType0, ...enc.embedNorm];
  for (const l of enc.layers) all.push(l.qkvKernel, l.qkvBias, l.outKernel, l.outBias, ...l.norm1, l.ffnKernel, l.ffnBias, l.ffnOutKernel, l.ffnOutBias, ...l.norm2);
  for (const t of all) t.dispose();
}

/** LayerNorm over the last axis: x [n, H] → [n, H]. */
function layerNorm(x: tf.Tensor2D, [gamma, beta]: [tf.Tensor1D, tf.Tensor1D], eps: number): tf.Tensor2D {
  const { mean, variance } = tf.moments(x, 1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), gamma), beta);
}

function gelu(x: tf.Tensor, form: BertArchitecture['activation']): tf.Tensor {
  if (form === 'gelu') return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
  // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
  const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

/**
 * Runs the encoder on a padded batch and returns the requested hidden states.
 * ids: [B·L] int32 piece ids (row-major [B, L]); mask: [B·L] 1 at real pieces, 0 at padding.
 * `layers`: indices into hidden_states (0 = embedding output … N = last layer).
 * Returns one [B, L, H] tensor per requested index (the caller disposes them).
 */
export function bertHiddenStates(enc: BertEncoder, ids: Int32Array, mask: Float32Array, batch: number, length: number, layers: readonly number[]): tf.Tensor3D[] {
  const { hiddenSize: h, heads, layerNormEps: eps, maxPositions } = enc.arch;
  if (length > maxPositions) throw new Error(`bert encoder: ${length} pieces exceed max_position_embeddings ${maxPositions}`);
  if (ids.length !== batch * length || mask.length !== batch * length) throw new Error('bert encoder: ids and mask must hold batch·length values');
  const deepest = Math.max(...layers);
  for (const l of layers) if (!Number.isInteger(l) || l < 0 || l > enc.arch.layers) throw new Error(`bert encoder: layer ${l} is not in [0, ${enc.arch.layers}]`);
  const dh = h / heads;
  const n = batch * length;
  return tf.tidy(() => {
    const out = new Map<number, tf.Tensor3D>();
    const keep = (index: number, x: tf.Tensor2D) => {
      if (layers.includes(index)) out.set(index, tf.keep(tf.reshape(x, [batch, length, h])));
    };
    const positions = tf.slice(enc.position, [0, 0], [length, h]); // [L, H]
    const embedded = tf.add(tf.reshape(tf.gather(enc.word, tf.tensor1d(ids, 'int32')), [batch, length, h]), tf.add(positions, enc.tokenType0));
    let x = layerNorm(tf.reshape(embedded, [n, h]), enc.embedNorm, eps);
    keep(0, x);
    // Additive attention bias per key: 0 at real pieces, −1e9 at padding → [B, 1, 1, L].
    const keyBias = tf.reshape(tf.mul(tf.sub(tf.tensor1d(mask), 1), 1e9), [batch, 1, 1, length]);
    const scale = 1 / Math.sqrt(dh);
    for (let l = 0; l < deepest; l++) {
      const p = enc.layers[l]!;
      const qkv = tf.reshape(tf.add(tf.matMul(x, p.qkvKernel), p.qkvBias), [batch, length, 3, heads, dh]);
      const perHead = tf.transpose(qkv, [2, 0, 3, 1, 4]); // [3, B, nh, L, dh]
      const [q, k, v] = tf.unstack(perHead).map((t) => tf.reshape(t, [batch * heads, length, dh]) as tf.Tensor3D) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
      const scores = tf.add(tf.reshape(tf.matMul(q, k, false, true), [batch, heads, length, length]), keyBias);
      const probs = tf.reshape(tf.softmax(tf.mul(scores, scale)), [batch * heads, length, length]) as tf.Tensor3D;
      const context = tf.reshape(tf.transpose(tf.reshape(tf.matMul(probs, v), [batch, heads, length, dh]), [0, 2, 1, 3]), [n, h]) as tf.Tensor2D;
      const attended = layerNorm(tf.add(tf.add(tf.matMul(context, p.outKernel), p.outBias), x), p.norm1, eps);
      const inner = gelu(tf.add(tf.matMul(attended, p.ffnKernel), p.ffnBias), enc.arch.activation) as tf.Tensor2D;
      x = layerNorm(tf.add(tf.add(tf.matMul(inner, p.ffnOutKernel), p.ffnOutBias), attended), p.norm2, eps);
      keep(l + 1, x);
    }
    return layers.map((l) => out.get(l)!);
  });
}
