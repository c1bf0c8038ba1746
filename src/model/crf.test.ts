import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCrfParams,
  crfGoldScore,
  crfLogPartition,
  crfNegLogLikelihood,
  crfNegLogLikelihoodPerSentence,
  crfViterbi,
  viterbiDecode,
  type CrfWeights,
} from './crf.ts';
import { checkGradients } from './gradientCheck.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

/** Small deterministic PRNG for test data. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Case {
  b: number;
  t: number;
  l: number;
  lengths: number[];
  emissions: Float32Array;
  trans: Float32Array;
  start: Float32Array;
  end: Float32Array;
  tags: Int32Array;
  mask: Float32Array;
}

function makeCase(l: number, lengths: number[], seed: number, scale = 2): Case {
  const r = rng(seed);
  const b = lengths.length;
  const t = Math.max(...lengths, 1);
  const f = (n: number) => Float32Array.from({ length: n }, () => (r() * 2 - 1) * scale);
  const mask = new Float32Array(b * t);
  const tags = new Int32Array(b * t);
  lengths.forEach((n, s) => {
    for (let i = 0; i < t; i++) {
      mask[s * t + i] = i < n ? 1 : 0;
      tags[s * t + i] = i < n ? Math.floor(r() * l) : 0;
    }
  });
  return { b, t, l, lengths, emissions: f(b * t * l), trans: f(l * l), start: f(l), end: f(l), tags, mask };
}

function weights(c: Case): CrfWeights {
  return {
    transitions: tf.tensor2d(c.trans, [c.l, c.l]),
    start: tf.tensor1d(c.start),
    end: tf.tensor1d(c.end),
  };
}

function pathScore(c: Case, s: number, path: number[]): number {
  const { t, l } = c;
  let v = c.start[path[0]] + c.end[path[path.length - 1]];
  path.forEach((y, i) => {
    v += c.emissions[(s * t + i) * l + y];
    if (i > 0) v += c.trans[path[i - 1] * l + y];
  });
  return v;
}

/** All L^n paths of sentence s: log Z, best path and best score, in float64. */
function brute(c: Case, s: number): { logZ: number; best: number[]; bestScore: number } {
  const n = c.lengths[s];
  const scores: number[] = [];
  let best: number[] = [];
  let bestScore = -Infinity;
  const total = c.l ** n;
  for (let code = 0; code < total; code++) {
    const path: number[] = [];
    let k = code;
    for (let i = 0; i < n; i++) {
      path.push(k % c.l);
      k = Math.floor(k / c.l);
    }
    const v = pathScore(c, s, path);
    scores.push(v);
    if (v > bestScore) {
      bestScore = v;
      best = path;
    }
  }
  const m = Math.max(...scores);
  const logZ = m + Math.log(scores.reduce((a, v) => a + Math.exp(v - m), 0));
  return { logZ, best, bestScore };
}

const cases: [number, number[], number][] = [
  [3, [5, 3, 1, 4], 11],
  [4, [2, 5, 5, 1, 3], 12],
  [3, [1], 13],
  [4, [4, 0, 2], 14], // includes an empty sentence
];

describe('crf vs brute-force enumeration', () => {
  for (const [l, lengths, seed] of cases) {
    it(`L=${l}, lengths ${lengths.join(',')}`, async () => {
      const c = makeCase(l, lengths, seed);
      const w = weights(c);
      const e = tf.tensor3d(c.emissions, [c.b, c.t, c.l]);
      const mask = tf.tensor2d(c.mask, [c.b, c.t]);
      const tags = tf.tensor2d(c.tags, [c.b, c.t], 'int32');
      const before = tf.memory().numTensors;

      const logZ = crfLogPartition(e, mask, w);
      const gold = crfGoldScore(e, tags, mask, w);
      const nll = crfNegLogLikelihoodPerSentence(e, tags, mask, w);
      const mean = crfNegLogLikelihood(e, tags, mask, w);
      const paths = await crfViterbi(e, mask, w);
      const z = logZ.dataSync();
      const g = gold.dataSync();
      const per = nll.dataSync();
      let sum = 0;
      let count = 0;
      lengths.forEach((n, s) => {
        if (n === 0) {
          expect(paths[s]).toEqual([]);
          expect(per[s]).toBe(0);
          return;
        }
        const bf = brute(c, s);
        const tagPath = Array.from(c.tags.slice(s * c.t, s * c.t + n));
        expect(z[s]).toBeCloseTo(bf.logZ, 4);
        expect(g[s]).toBeCloseTo(pathScore(c, s, tagPath), 4);
        expect(per[s]).toBeCloseTo(bf.logZ - pathScore(c, s, tagPath), 4);
        expect(per[s]).toBeGreaterThanOrEqual(0);
        expect(paths[s]).toEqual(bf.best);
        sum += per[s];
        count++;
      });
      expect(mean.dataSync()[0]).toBeCloseTo(sum / count, 4);
      tf.dispose([logZ, gold, nll, mean]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([e, mask, tags, w.transitions, w.start, w.end]);
    });
  }

  it('viterbiDecode returns the brute-force best score', () => {
    const c = makeCase(3, [5, 4], 21);
    const { paths, scores } = viterbiDecode(c.emissions, c.lengths, [c.b, c.t, c.l], c.trans, c.start, c.end);
    c.lengths.forEach((_, s) => {
      const bf = brute(c, s);
      expect(paths[s]).toEqual(bf.best);
      expect(scores[s]).toBeCloseTo(bf.bestScore, 9);
    });
  });
});

/** Forward algorithm in float64 (reference for sentences too long to enumerate). */
function forwardRef(c: Case, s: number): number {
  const { t, l } = c;
  const n = c.lengths[s];
  let alpha = Array.from({ length: l }, (_, j) => c.start[j] + c.emissions[s * t * l + j]);
  for (let i = 1; i < n; i++) {
    alpha = Array.from({ length: l }, (_, j) => {
      const terms = alpha.map((a, k) => a + c.trans[k * l + j]);
      const m = Math.max(...terms);
      return m + Math.log(terms.reduce((acc, v) => acc + Math.exp(v - m), 0)) + c.emissions[(s * t + i) * l + j];
    });
  }
  const fin = alpha.map((a, j) => a + c.end[j]);
  const m = Math.max(...fin);
  return m + Math.log(fin.reduce((acc, v) => acc + Math.exp(v - m), 0));
}

describe('crf on longer sentences (chunked time unstack)', () => {
  it('log Z equals a float64 forward algorithm; gradient matches finite differences', () => {
    const c = makeCase(4, [23, 9, 1, 17], 51);
    const e = tf.tensor3d(c.emissions, [c.b, c.t, c.l]);
    const mask = tf.tensor2d(c.mask, [c.b, c.t]);
    const tags = tf.tensor2d(c.tags, [c.b, c.t], 'int32');
    const w = weights(c);
    const z = crfLogPartition(e, mask, w).dataSync();
    c.lengths.forEach((_, s) => expect(z[s]).toBeCloseTo(forwardRef(c, s), 3));
    const [r] = checkGradients((em) => crfNegLogLikelihood(em, tags, mask, w), [e], { maxEntries: 30, seed: 2 });
    expect(r.ok, r.message).toBe(true);
    tf.dispose([e, mask, tags, w.transitions, w.start, w.end]);
  });
});

describe('crf NLL gradient', () => {
  it('matches central finite differences w.r.t. emissions, transitions, start and end', () => {
    const c = makeCase(3, [3, 2], 31, 1);
    const e = tf.tensor3d(c.emissions, [c.b, c.t, c.l]);
    const mask = tf.tensor2d(c.mask, [c.b, c.t]);
    const tags = tf.tensor2d(c.tags, [c.b, c.t], 'int32');
    const w = weights(c);
    const f = (em: tf.Tensor, tr: tf.Tensor, st: tf.Tensor, en: tf.Tensor) =>
      crfNegLogLikelihood(em, tags, mask, { transitions: tr, start: st, end: en });
    const results = checkGradients(f, [e, w.transitions, w.start, w.end], { eps: 1e-2 });
    for (const r of results) expect(r.ok, r.message).toBe(true);
    // padded emissions get exactly zero gradient
    const ge = tf.grad((em: tf.Tensor) => f(em, w.transitions, w.start, w.end))(e).arraySync() as number[][][];
    expect(ge[1][2]).toEqual([0, 0, 0]);
    tf.dispose([e, mask, tags, w.transitions, w.start, w.end]);
  });

  it('trains the variables of createCrfParams (seeded, named)', () => {
    const a = createCrfParams('ner', 5, 7);
    const b = createCrfParams('ner', 5, 7);
    expect(Object.keys(a.variables)).toEqual(['crf.ner.transitions', 'crf.ner.start', 'crf.ner.end']);
    expect(Array.from(a.transitions.dataSync())).toEqual(Array.from(b.transitions.dataSync()));
    expect(Array.from(a.start.dataSync())).toEqual([0, 0, 0, 0, 0]);
    const e = tf.randomNormal([2, 4, 5], 0, 1, 'float32', 3);
    const mask = tf.tensor2d([[1, 1, 1, 1], [1, 1, 0, 0]]);
    const tags = tf.tensor2d([[0, 1, 2, 3], [4, 4, 0, 0]], [2, 4], 'int32');
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => crfNegLogLikelihood(e, tags, mask, a));
    expect(Object.keys(grads).sort()).toEqual([a.transitions.name, a.start.name, a.end.name].sort());
    expect(value.dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([e, mask, tags, ...Object.values(a.variables), ...Object.values(b.variables)]);
  });
});

describe('crf on wasm', () => {
  it('forward and backward agree with cpu', async () => {
    const c = makeCase(4, [4, 2, 3], 41);
    const run = async () => {
      const e = tf.tensor3d(c.emissions, [c.b, c.t, c.l]);
      const mask = tf.tensor2d(c.mask, [c.b, c.t]);
      const tags = tf.tensor2d(c.tags, [c.b, c.t], 'int32');
      const w = weights(c);
      const values = tf.tidy(() => {
        const loss = (em: tf.Tensor, tr: tf.Tensor) => crfNegLogLikelihood(em, tags, mask, { ...w, transitions: tr });
        const g = tf.grads(loss)([e, w.transitions]);
        return {
          nll: crfNegLogLikelihood(e, tags, mask, w).dataSync()[0],
          ge: Array.from(g[0].dataSync()),
          gt: Array.from(g[1].dataSync()),
        };
      });
      const paths = await crfViterbi(e, mask, w);
      tf.dispose([e, mask, tags, w.transitions, w.start, w.end]);
      return { ...values, paths };
    };
    const cpu = await run();
    await tf.setBackend('wasm');
    const wasm = await run();
    await tf.setBackend('cpu');
    expect(wasm.nll).toBeCloseTo(cpu.nll, 4);
    wasm.ge.forEach((v, i) => expect(v).toBeCloseTo(cpu.ge[i], 4));
    wasm.gt.forEach((v, i) => expect(v).toBeCloseTo(cpu.gt[i], 4));
    expect(wasm.paths).toEqual(cpu.paths);
  });
});

describe('CRF plans', () => {
  it('runs the steps plan off WebGPU and refuses the fused WebGPU programs there', async () => {
    await tf.setBackend('cpu');
    const e = tf.zeros([1, 2, 3]);
    const mask = tf.ones([1, 2]);
    const w: CrfWeights = { transitions: tf.zeros([3, 3]), start: tf.zeros([3]), end: tf.zeros([3]) };
    // All-zero scores: Z = 3² paths of score 0.
    expect(crfLogPartition(e, mask, w).dataSync()[0]).toBeCloseTo(Math.log(9), 5);
    expect(() => crfLogPartition(e, mask, w, 'fused')).toThrow(/WebGPU program.*cpu/);
    await expect(crfViterbi(e, mask, w, 'fused')).rejects.toThrow(/WebGPU program.*cpu/);
    tf.dispose([e, mask, w.transitions, w.start, w.end]);
  });
});
