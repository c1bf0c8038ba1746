/**
 * The test oracle for bertEncoder.ts: the same BERT forward pass written independently as plain
 * float64 loops over one unpadded sequence (no tfjs, no batching, no masks, no fused Q|K|V, heads
 * computed one at a time, erf from its series / continued fraction). Slow; tests only.
 */
import type { BertArchitecture, BertHostWeights } from './bertConfig.ts';

/** erf in float64: Taylor series below 2.5, the erfc continued fraction above (|error| < 1e-14). */
export function erf64(x: number): number {
  const ax = Math.abs(x);
  if (ax > 6) return Math.sign(x);
  if (ax < 2.5) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (-x * x) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  let k = ax;
  for (let n = 80; n >= 1; n--) k = ax + n / 2 / k;
  const erfc = Math.exp(-ax * ax) / (Math.sqrt(Math.PI) * k);
  return Math.sign(x) * (1 - erfc);
}

type Matrix = number[][];

function weight(w: BertHostWeights, name: string): { shape: number[]; data: Float32Array } {
  const t = w.get(name);
  if (!t) throw new Error(`reference: no weight ${name}`);
  return t;
}

/** y = x · Wᵀ + b with W in torch layout [out, in]. */
function linear(x: Matrix, w: BertHostWeights, name: string): Matrix {
  const { shape, data } = weight(w, `${name}.weight`);
  const bias = weight(w, `${name}.bias`).data;
  const [out, inp] = shape as [number, number];
  return x.map((row) => {
    const y = new Array<number>(out);
    for (let o = 0; o < out; o++) {
      let s = bias[o]!;
      for (let i = 0; i < inp; i++) s += row[i]! * data[o * inp + i]!;
      y[o] = s;
    }
    return y;
  });
}

function layerNorm(x: Matrix, w: BertHostWeights, name: string, eps: number): Matrix {
  const g = weight(w, `${name}.weight`).data;
  const b = weight(w, `${name}.bias`).data;
  return x.map((row) => {
    const mean = row.reduce((a, v) => a + v, 0) / row.length;
    const variance = row.reduce((a, v) => a + (v - mean) ** 2, 0) / row.length;
    return row.map((v, i) => ((v - mean) / Math.sqrt(variance + eps)) * g[i]! + b[i]!);
  });
}

/** hidden_states[0..N] of one sequence of piece ids (with its [CLS]/[SEP]), each [L][H]. */
export function referenceHiddenStates(a: BertArchitecture, w: BertHostWeights, ids: readonly number[]): Matrix[] {
  const h = a.hiddenSize;
  const dh = h / a.heads;
  const word = weight(w, 'embeddings.word_embeddings.weight').data;
  const pos = weight(w, 'embeddings.position_embeddings.weight').data;
  const type = weight(w, 'embeddings.token_type_embeddings.weight').data;
  let x: Matrix = ids.map((id, p) => Array.from({ length: h }, (_, j) => word[id * h + j]! + pos[p * h + j]! + type[j]!));
  x = layerNorm(x, w, 'embeddings.LayerNorm', a.layerNormEps);
  const states = [x];
  for (let l = 0; l < a.layers; l++) {
    const p = `encoder.layer.${l}`;
    const q = linear(x, w, `${p}.attention.self.query`);
    const k = linear(x, w, `${p}.attention.self.key`);
    const v = linear(x, w, `${p}.attention.self.value`);
    const context: Matrix = x.map(() => new Array<number>(h).fill(0));
    for (let head = 0; head < a.heads; head++) {
      const off = head * dh;
      for (let i = 0; i < ids.length; i++) {
        const scores = ids.map((_, j) => {
          let s = 0;
          for (let d = 0; d < dh; d++) s += q[i]![off + d]! * k[j]![off + d]!;
          return s / Math.sqrt(dh);
        });
        const max = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - max));
        const z = e.reduce((acc, t) => acc + t, 0);
        for (let j = 0; j < ids.length; j++) for (let d = 0; d < dh; d++) context[i]![off + d]! += (e[j]! / z) * v[j]![off + d]!;
      }
    }
    const attnOut = linear(context, w, `${p}.attention.output.dense`).map((row, i) => row.map((t, j) => t + x[i]![j]!));
    const attended = layerNorm(attnOut, w, `${p}.attention.output.LayerNorm`, a.layerNormEps);
    const inner = linear(attended, w, `${p}.intermediate.dense`).map((row) =>
      row.map((t) => (a.activation === 'gelu' ? 0.5 * t * (1 + erf64(t / Math.SQRT2)) : 0.5 * t * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (t + 0.044715 * t ** 3))))),
    );
    const ffnOut = linear(inner, w, `${p}.output.dense`).map((row, i) => row.map((t, j) => t + attended[i]![j]!));
    x = layerNorm(ffnOut, w, `${p}.output.LayerNorm`, a.layerNormEps);
    states.push(x);
  }
  return states;
}
