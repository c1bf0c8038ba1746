/**
 * The tfjs side of the worker's BERT features (src/workbench/bert/loadedBert.ts's `BertEngine`):
 * validates a checkpoint's files and reads its weights on the host (bertCheckpoint.ts: nothing is read
 * before the header and tokenizer pass), and computes word features with an encoder that lives on the
 * device only while it computes (the weights of bert-base are ~440 MB; training needs the room).
 */
import type { BertEmbeddingConfig } from '../../core/config.ts';
import { createBertEncoder, disposeBertEncoder } from '../../model/bert/bertEncoder.ts';
import { computeWordFeatures } from '../../model/bert/wordFeatures.ts';
import { loadBertCheckpoint } from './bertCheckpoint.ts';
import { bertLayers } from './bertFeatureStore.ts';

type Settings = Pick<BertEmbeddingConfig, 'layer' | 'mixLastFour' | 'pooling'>;

export function loadBertFeaturizer(files: ReadonlyMap<string, Uint8Array>) {
  const checkpoint = loadBertCheckpoint(files);
  const { arch } = checkpoint;
  return {
    summary: { layers: arch.layers, hiddenSize: arch.hiddenSize, heads: arch.heads, vocabSize: arch.vocabSize, maxPositions: arch.maxPositions, storedDtype: checkpoint.storedDtype },
    dim: (settings: Settings) => bertLayers(arch, settings).length * arch.hiddenSize,
    /** [words × dim] per sentence, `onProgress` after each batch of windows. */
    async featurize(sentences: readonly (readonly string[])[], settings: Settings, onProgress: (done: number, total: number) => void): Promise<Float32Array[]> {
      const layers = bertLayers(arch, settings);
      const encoder = createBertEncoder(arch, checkpoint.weights);
      try {
        return await computeWordFeatures(encoder, checkpoint.tokenizer, sentences, { layers, pooling: settings.pooling }, (p) => onProgress(p.sentencesDone, p.sentences));
      } finally {
        disposeBertEncoder(encoder);
      }
    },
  };
}
