/**
 * BERT word features ↔ their stored form (StoredBertFeatures): float16 halves, the words per
 * sentence and the sentences' keys, and the key a set of features is stored under. Pure TypeScript.
 */
import type { BertEmbeddingConfig } from '../../core/config.ts';
import { floatToHalf, halfToFloat } from '../../train/formats/safetensors.ts';
import type { StoredBertFeatures } from '../persistence/runStorage.ts';

/** The settings that change the features themselves (mode and width only change the model). */
export type BertFeatureSettings = Pick<BertEmbeddingConfig, 'layer' | 'mixLastFour' | 'pooling'>;

/** A sentence's key: its words joined by U+0001 (a control character no CoNLL word holds). */
export const sentenceKey = (words: readonly string[]): string => words.join('\u0001');

/** Features are the same exactly when checkpoint, dataset, layers and pooling are. */
export function bertFeatureKey(checkpointHash: string, datasetHash: string, settings: BertFeatureSettings): string {
  const layers = settings.mixLastFour ? 'last4' : `layer${settings.layer}`;
  return `${checkpointHash}|${datasetHash}|${layers}|${settings.pooling}`;
}

/** Packs per-sentence rows ([words × dim] float32 each) as float16. */
export function packFeatures(key: string, dim: number, sentences: readonly string[], rows: readonly Float32Array[], createdAt: number): StoredBertFeatures {
  if (sentences.length !== rows.length) throw new Error(`packFeatures: ${sentences.length} sentences but ${rows.length} feature arrays`);
  const words = new Uint32Array(rows.length);
  let total = 0;
  rows.forEach((row, i) => {
    if (row.length % dim !== 0) throw new Error(`packFeatures: sentence ${i} has ${row.length} values, not a multiple of ${dim}`);
    words[i] = row.length / dim;
    total += row.length;
  });
  const halves = new Uint16Array(total);
  let at = 0;
  for (const row of rows) for (let j = 0; j < row.length; j++) halves[at++] = floatToHalf(row[j]!);
  return { key, dim, sentences: [...sentences], words, halves, createdAt };
}

/**
 * The row rounded to float16 precision, in place: features a run trains on right after computing
 * them are then the ones it reads back from storage after a reload, and typed text gets the same.
 */
export function roundToHalf(row: Float32Array): Float32Array {
  for (let j = 0; j < row.length; j++) row[j] = halfToFloat(floatToHalf(row[j]!));
  return row;
}

/**
 * The stored features as float32 rows by sentence key. A record that does not add up (a write cut
 * short, another version's layout) is refused with a message, so the caller recomputes.
 */
export function unpackFeatures(stored: StoredBertFeatures): Map<string, Float32Array> {
  const { dim, sentences, words, halves } = stored;
  if (sentences.length !== words.length) throw new Error(`stored BERT features ${stored.key}: ${sentences.length} sentences but ${words.length} lengths`);
  const total = words.reduce((sum, n) => sum + n, 0) * dim;
  if (total !== halves.length) throw new Error(`stored BERT features ${stored.key}: ${halves.length} values where the lengths call for ${total}`);
  const out = new Map<string, Float32Array>();
  let at = 0;
  sentences.forEach((key, i) => {
    const row = new Float32Array(words[i]! * dim);
    for (let j = 0; j < row.length; j++) row[j] = halfToFloat(halves[at++]!);
    out.set(key, row);
  });
  return out;
}
