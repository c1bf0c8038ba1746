/**
 * Frozen BERT word features for a dataset, computed once and kept: a store keyed by the sentence's
 * words (so a sentence seen in train, dev and test, or twice in one file, is encoded once) for one
 * checkpoint and one choice of layers and pooling. Epochs read the stored arrays; nothing is
 * recomputed per epoch.
 */
import type { Sentence } from '../../data/types.ts';
import type { BertEmbeddingConfig } from '../../core/config.ts';
import type { BertArchitecture } from '../../model/bert/bertConfig.ts';
import { createBertEncoder, disposeBertEncoder } from '../../model/bert/bertEncoder.ts';
import { computeWordFeatures, type FeatureProgress } from '../../model/bert/wordFeatures.ts';
import type { BertCheckpoint } from './bertCheckpoint.ts';

/** hidden_states indices a config reads: one layer (negative counts from the end), or the last four. */
export function bertLayers(arch: BertArchitecture, cfg: Pick<BertEmbeddingConfig, 'layer' | 'mixLastFour'>): number[] {
  const count = arch.layers + 1; // hidden_states: embedding output + one per layer
  if (cfg.mixLastFour) {
    if (arch.layers < 4) throw new Error(`a scalar mix of the last four layers needs 4 layers; the checkpoint has ${arch.layers}`);
    return [count - 4, count - 3, count - 2, count - 1];
  }
  const index = cfg.layer < 0 ? count + cfg.layer : cfg.layer;
  if (index < 0 || index >= count) throw new Error(`layer ${cfg.layer} is not one of the checkpoint's hidden states (-${count} … ${count - 1})`);
  return [index];
}

const keyOf = (words: readonly string[]) => words.join('\u0001');

export class BertFeatureStore {
  private readonly features = new Map<string, Float32Array>();
  readonly layers: number[];
  /** Width of a stored row: layers × hidden size. */
  readonly dim: number;

  constructor(
    private readonly checkpoint: BertCheckpoint,
    readonly cfg: Pick<BertEmbeddingConfig, 'layer' | 'mixLastFour' | 'pooling'>,
    private readonly batchWindows = 16,
  ) {
    this.layers = bertLayers(checkpoint.arch, cfg);
    this.dim = this.layers.length * checkpoint.arch.hiddenSize;
  }

  get size(): number {
    return this.features.size;
  }

  /** Encodes the sentences not stored yet (one encoder on the current backend, freed afterwards). */
  async add(sentences: readonly (readonly string[])[], onProgress?: (p: FeatureProgress) => void): Promise<void> {
    const missing = new Map<string, readonly string[]>();
    for (const words of sentences) if (!this.features.has(keyOf(words))) missing.set(keyOf(words), words);
    if (missing.size === 0) return;
    const encoder = createBertEncoder(this.checkpoint.arch, this.checkpoint.weights);
    try {
      const list = [...missing.values()];
      const out = await computeWordFeatures(encoder, this.checkpoint.tokenizer, list, { layers: this.layers, pooling: this.cfg.pooling, batchWindows: this.batchWindows }, onProgress);
      list.forEach((words, i) => this.features.set(keyOf(words), out[i]!));
    } finally {
      disposeBertEncoder(encoder);
    }
  }

  /** [words × dim] of a stored sentence. */
  get(words: readonly string[]): Float32Array {
    const f = this.features.get(keyOf(words));
    if (!f) throw new Error(`no BERT features stored for the sentence "${words.slice(0, 8).join(' ')}…"`);
    return f;
  }

  /** The sentences with their features attached (new objects; the input is left as it was). */
  attach(sentences: readonly Sentence[]): Sentence[] {
    return sentences.map((s) => ({ ...s, features: this.get(s.words) }));
  }
}
