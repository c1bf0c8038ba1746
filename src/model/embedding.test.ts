import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { charCnn, createEmbeddingParams, embed, embeddingLookup, maxOverAxis1, type EmbeddingParams } from './embedding.ts';
import { checkVariableGradient } from './gradientCheck.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

const small = (seed = 1, extra: Partial<Parameters<typeof createEmbeddingParams>[0]> = {}) =>
  createEmbeddingParams({
    vocabSize: 7,
    wordDim: 4,
    charVocabSize: 6,
    charDim: 3,
    charFilters: 5,
    tasks: ['ner', 'pos'],
    outDim: 6,
    seed,
    ...extra,
  });

const dispose = (p: EmbeddingParams) => tf.dispose(Object.values(p.variables));

// B=2, T=3, W=4; sentence 2 has a padding token (word id 0, no characters)
const wordIdsData = [
  [3, 1, 3],
  [5, 6, 0],
];
const charIdsData = [
  [
    [1, 2, 3, 0],
    [4, 0, 0, 0],
    [1, 2, 3, 0],
  ],
  [
    [5, 5, 5, 5],
    [2, 1, 0, 0],
    [0, 0, 0, 0],
  ],
];

describe('embeddingLookup', () => {
  it('gradient equals the stock tf.gather gradient (duplicate ids accumulate)', () => {
    const table = tf.randomNormal([6, 3], 0, 1, 'float32', 2);
    const ids = tf.tensor2d([[1, 4, 1], [0, 1, 5]], [2, 3], 'int32');
    const w = tf.randomNormal([2, 3, 3], 0, 1, 'float32', 3);
    const ours = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(embeddingLookup(t, ids), w)))(table);
    const stock = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), w)))(table);
    expect(ours.shape).toEqual([6, 3]);
    const a = ours.dataSync();
    const b = stock.dataSync();
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 6));
    const before = tf.memory().numTensors;
    const fwd = embeddingLookup(table, ids);
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(fwd.shape).toEqual([2, 3, 3]);
    expect(Array.from(fwd.dataSync())).toEqual(Array.from(tf.gather(table, ids).dataSync()));
    tf.dispose([table, ids, w, ours, stock, fwd]);
  });

  it('survives inner tf.tidy scopes under variableGrads', () => {
    const v = tf.variable(tf.randomNormal([5, 2], 0, 1, 'float32', 4));
    const ids = tf.tensor1d([0, 3, 3], 'int32');
    const { value, grads } = tf.variableGrads(() => tf.tidy(() => tf.sum(tf.square(embeddingLookup(v, ids)))), [v]);
    const g = grads[v.name].arraySync() as number[][];
    const rows = v.arraySync() as number[][];
    expect(g[3][1]).toBeCloseTo(4 * rows[3][1], 5);
    expect(g[1]).toEqual([0, 0]);
    tf.dispose([v, ids, value, ...Object.values(grads)]);
  });
});

/** Reference char CNN for one word in plain JS (tanh activation, zero padding, max over real chars). */
function refWord(p: EmbeddingParams, chars: number[]): number[] {
  const table = p.char!.arraySync() as number[][];
  const kernel = p.charKernel!.arraySync() as number[][][];
  const bias = p.charBias!.arraySync() as number[];
  const width = p.charWindow;
  const left = Math.floor((width - 1) / 2);
  const dc = table[0].length;
  const emb = (i: number) => (i >= 0 && i < chars.length && chars[i] !== 0 ? table[chars[i]] : new Array<number>(dc).fill(0));
  const out = new Array<number>(p.charFilters).fill(-Infinity);
  let any = false;
  chars.forEach((id, pos) => {
    if (id === 0) return;
    any = true;
    for (let f = 0; f < p.charFilters; f++) {
      let s = bias[f];
      for (let k = 0; k < width; k++) {
        const x = emb(pos - left + k);
        for (let c = 0; c < dc; c++) s += kernel[k][c][f] * x[c];
      }
      out[f] = Math.max(out[f], Math.tanh(s));
    }
  });
  return any ? out : out.map(() => 0);
}

describe('char CNN', () => {
  it('has shape [B,T,F], matches a reference that pools only over real characters', () => {
    const p = small(5);
    // a strongly positive bias makes pad positions look attractive if they were not masked
    p.charBias!.assign(tf.fill([5], 1.5));
    const charIds = tf.tensor3d(charIdsData, [2, 3, 4], 'int32');
    const before = tf.memory().numTensors;
    const out = charCnn(p, charIds);
    expect(out.shape).toEqual([2, 3, 5]);
    const got = out.arraySync() as number[][][];
    charIdsData.forEach((sent, b) =>
      sent.forEach((chars, t) => refWord(p, chars).forEach((v, f) => expect(got[b][t][f]).toBeCloseTo(v, 5))),
    );
    expect(got[1][2]).toEqual([0, 0, 0, 0, 0]); // token without characters
    out.dispose();
    expect(tf.memory().numTensors).toBe(before);
    charIds.dispose();
    dispose(p);
  });

  it('supports other window widths (even ones pad one more on the right)', () => {
    for (const charWindow of [1, 4, 5]) {
      const p = small(11, { charWindow });
      const charIds = tf.tensor3d(charIdsData, [2, 3, 4], 'int32');
      const got = charCnn(p, charIds).arraySync() as number[][][];
      charIdsData.forEach((sent, b) =>
        sent.forEach((chars, t) => refWord(p, chars).forEach((v, f) => expect(got[b][t][f]).toBeCloseTo(v, 5))),
      );
      charIds.dispose();
      dispose(p);
    }
  });

  it('is unchanged by the pad row of the char table and by extra padding columns', () => {
    const p = small(6);
    const charIds = tf.tensor3d(charIdsData, [2, 3, 4], 'int32');
    const wider = tf.pad(charIds, [
      [0, 0],
      [0, 0],
      [0, 3],
    ]);
    const a = charCnn(p, charIds).arraySync();
    p.char!.assign(tf.concat([tf.fill([1, 3], 50), tf.slice(p.char!, [1, 0], [5, 3])], 0));
    const b = charCnn(p, wider).arraySync();
    (a as number[][][]).flat(2).forEach((v, i) => expect((b as number[][][]).flat(2)[i]).toBeCloseTo(v, 6));
    tf.dispose([charIds, wider]);
    dispose(p);
  });
});

describe('embed', () => {
  it('gives x^t [B,T,k] per task, seeded variables with documented names, wordInit', () => {
    const p = small(7);
    expect(Object.keys(p.variables)).toEqual([
      'embed.word',
      'embed.char',
      'embed.charConv.kernel',
      'embed.charConv.bias',
      'embed.ner.dense.kernel',
      'embed.ner.dense.bias',
      'embed.pos.dense.kernel',
      'embed.pos.dense.bias',
    ]);
    expect(p.charKernel!.shape).toEqual([3, 3, 5]);
    const q = small(7);
    expect(Array.from(q.word.dataSync())).toEqual(Array.from(p.word.dataSync()));
    const init = Float32Array.from({ length: 28 }, (_, i) => i / 10);
    const r = small(7, { wordInit: init });
    expect(Array.from(r.word.dataSync())).toEqual(Array.from(init));
    expect(() => small(7, { wordInit: new Float32Array(3) })).toThrow(/wordInit/);

    const wordIds = tf.tensor2d(wordIdsData, [2, 3], 'int32');
    const charIds = tf.tensor3d(charIdsData, [2, 3, 4], 'int32');
    const before = tf.memory().numTensors;
    const out = embed(p, wordIds, charIds);
    expect(Object.keys(out)).toEqual(['ner', 'pos']);
    expect(out.ner.shape).toEqual([2, 3, 6]);
    // token (0,0) and (0,2) have the same word and characters
    const ner = out.ner.arraySync();
    ner[0][0].forEach((v, k) => expect(ner[0][2][k]).toBeCloseTo(v, 6));
    // dropout: seeded and deterministic
    const d1 = embed(p, wordIds, charIds, { dropout: { rate: 0.5, seed: 3 } });
    const d2 = embed(p, wordIds, charIds, { dropout: { rate: 0.5, seed: 3 } });
    expect(Array.from(d1.pos.dataSync())).toEqual(Array.from(d2.pos.dataSync()));
    expect(Array.from(d1.pos.dataSync())).not.toEqual(Array.from(out.pos.dataSync()));
    tf.dispose([...Object.values(out), ...Object.values(d1), ...Object.values(d2)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([wordIds, charIds]);
    [p, q, r].forEach(dispose);
  });

  it('charFilters = 0 disables the character encoder', () => {
    const p = small(12, { charFilters: 0 });
    expect(Object.keys(p.variables)).toEqual([
      'embed.word',
      'embed.ner.dense.kernel',
      'embed.ner.dense.bias',
      'embed.pos.dense.kernel',
      'embed.pos.dense.bias',
    ]);
    expect(p.variables['embed.ner.dense.kernel'].shape).toEqual([4, 6]);
    const wordIds = tf.tensor2d(wordIdsData, [2, 3], 'int32');
    const out = embed(p, wordIds, null);
    expect(out.pos.shape).toEqual([2, 3, 6]);
    tf.dispose([wordIds, ...Object.values(out)]);
    dispose(p);
  });

  // the word [5,5,5,5] has tied maxima in the char max-pool (identical windows): the gradient must split them
  it('gradient w.r.t. the char kernel, char table and dense kernel matches finite differences', () => {
    const p = small(8);
    const wordIds = tf.tensor2d(wordIdsData, [2, 3], 'int32');
    const charIds = tf.tensor3d(charIdsData, [2, 3, 4], 'int32');
    const w = tf.randomNormal([2, 3, 6], 0, 1, 'float32', 9);
    const loss = () => tf.tidy(() => {
      const x = embed(p, wordIds, charIds);
      return tf.add(tf.sum(tf.mul(x.ner, w)), tf.sum(tf.square(x.pos)));
    });
    for (const name of ['embed.charConv.kernel', 'embed.char', 'embed.word', 'embed.pos.dense.kernel']) {
      const r = checkVariableGradient(loss, p.variables[name], { eps: 3e-3, maxEntries: 12 });
      expect(r.ok, `${name}: ${r.message}`).toBe(true);
    }
    tf.dispose([wordIds, charIds, w]);
    dispose(p);
  });

  it('leaves no tensors behind after a backward pass', () => {
    const p = small(13);
    const wordIds = tf.tensor2d(wordIdsData, [2, 3], 'int32');
    const charIds = tf.tensor3d(charIdsData, [2, 3, 4], 'int32');
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => {
      const x = embed(p, wordIds, charIds, { dropout: { rate: 0.5, seed: 2 } });
      return tf.add(tf.sum(x.ner), tf.sum(tf.square(x.pos)));
    });
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([wordIds, charIds]);
    dispose(p);
  });

  it('runs forward and backward on wasm with the same results as cpu', async () => {
    const run = () => {
      const p = small(10);
      const res = tf.tidy(() => {
        const wordIds = tf.tensor2d(wordIdsData, [2, 3], 'int32');
        const charIds = tf.tensor3d(charIdsData, [2, 3, 4], 'int32');
        const { value, grads } = tf.variableGrads(() => {
          const x = embed(p, wordIds, charIds, { dropout: { rate: 0.25, seed: 1 } });
          return tf.add(tf.sum(tf.square(x.ner)), tf.sum(x.pos));
        });
        return {
          loss: value.dataSync()[0],
          grads: Object.fromEntries(
            Object.entries(p.variables).map(([name, v]) => [name, Array.from(grads[v.name].dataSync())]),
          ),
        };
      });
      dispose(p);
      return res;
    };
    const cpu = run();
    await tf.setBackend('wasm');
    const wasm = run();
    await tf.setBackend('cpu');
    expect(wasm.loss).toBeCloseTo(cpu.loss, 4);
    for (const [name, g] of Object.entries(cpu.grads)) {
      g.forEach((v, i) => expect(wasm.grads[name][i], name).toBeCloseTo(v, 4));
    }
  });

  it('maxOverAxis1: the host gradient equals the kernel one, ties split evenly', () => {
    // [n=2, W=4, F=3] with ties: row 0 filter 0 has its max 5 at three positions.
    const x = tf.tensor3d(
      [
        [[5, 1, 0], [5, 2, -1], [1, 2, -2], [5, 0, -3]],
        [[0, 0, 0], [-1, 3, 0], [2, 3, 1], [2, -4, 0]],
      ],
      [2, 4, 3],
    );
    const dy = tf.tensor2d([[3, 1, 2], [4, -2, 5]]);
    const gradOf = (mode: 'kernel' | 'host') =>
      tf.tidy(() => Array.from(tf.grad((t: tf.Tensor) => tf.sum(tf.mul(maxOverAxis1(t, mode), dy)))(x).dataSync()));
    const before = tf.memory().numTensors;
    const kernel = gradOf('kernel');
    const host = gradOf('host');
    expect(tf.memory().numTensors).toBe(before);
    // + 0 folds the kernel's −0 (0 · a negative share) into 0: same value.
    expect(host.map((v) => v + 0)).toEqual(kernel.map((v) => v + 0));
    // row 0, filter 0: dy 3 split over 3 tied maxima; row 1, filter 2: dy 5 at the single max.
    expect([kernel[0], kernel[3], kernel[9]]).toEqual([1, 1, 1]);
    expect(kernel[12 + 2 * 3 + 2]).toBe(5);
    expect(tf.tidy(() => Array.from(maxOverAxis1(x, 'host').dataSync()))).toEqual([5, 2, 0, 2, 3, 1]);
    tf.dispose([x, dy]);
  });
});
