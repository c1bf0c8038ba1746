import { describe, expect, it } from 'vitest';
import { floatToHalf, halfToFloat } from '../../train/formats/safetensors.ts';
import { bertFeatureKey, packFeatures, sentenceKey, unpackFeatures } from './featureCodec.ts';

describe('BERT features as float16', () => {
  it('round-trips rows within float16 precision, exactly for values float16 holds', () => {
    const dim = 3;
    // LayerNorm outputs: a few units either side of 0, with a subnormal, a large value and exact halves.
    const a = Float32Array.from([0.1, -2.7182817, 3.1415927, 1e-6, -65504, 0.5]);
    const b = Float32Array.from([1, -1, 0.333333]);
    const keys = [sentenceKey(['EU', 'rejects']), sentenceKey(['Peter'])];
    const stored = packFeatures('k', dim, keys, [a, b], 7);
    expect(stored.halves.length).toBe(a.length + b.length);
    expect(Array.from(stored.words)).toEqual([2, 1]);
    const back = unpackFeatures(structuredClone(stored));
    for (const [key, row] of [[keys[0]!, a], [keys[1]!, b]] as const) {
      const got = back.get(key)!;
      expect(got.length).toBe(row.length);
      row.forEach((x, j) => {
        // The nearest half: relative error ≤ 2^-11 for normal values; what float16 holds comes back exactly.
        expect(got[j]).toBe(halfToFloat(floatToHalf(x)));
        if (Math.abs(x) > 6.2e-5) expect(Math.abs(got[j]! - x) / Math.abs(x)).toBeLessThanOrEqual(2 ** -11);
      });
    }
    expect(back.get(keys[1]!)![0]).toBe(1);
    expect(back.get(keys[0]!)![4]).toBe(-65504);
  });

  it('refuses a record that does not add up, naming it', () => {
    const stored = packFeatures('ckpt|data|layer-1|first', 2, ['a'], [new Float32Array(4)], 0);
    expect(() => unpackFeatures({ ...stored, halves: stored.halves.subarray(0, 3) })).toThrow('stored BERT features ckpt|data|layer-1|first: 3 values where the lengths call for 4');
    expect(() => packFeatures('k', 3, ['a'], [new Float32Array(4)], 0)).toThrow(/not a multiple of 3/);
  });

  it('keys features by checkpoint, dataset, layers and pooling (not by mode)', () => {
    const k = (s: Parameters<typeof bertFeatureKey>[2]) => bertFeatureKey('c', 'd', s);
    expect(new Set([k({ layer: -1, mixLastFour: false, pooling: 'first' }), k({ layer: -2, mixLastFour: false, pooling: 'first' }), k({ layer: -1, mixLastFour: true, pooling: 'first' }), k({ layer: -1, mixLastFour: false, pooling: 'mean' })]).size).toBe(4);
    expect(bertFeatureKey('c', 'd', { layer: -1, mixLastFour: false, pooling: 'first' })).not.toBe(bertFeatureKey('c', 'e', { layer: -1, mixLastFour: false, pooling: 'first' }));
  });
});
