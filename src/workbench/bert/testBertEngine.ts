/**
 * For tests: a BertEngine that validates checkpoints with the real loader's checks
 * (planBertCheckpoint: config, safetensors header, tokenizer) but computes features without tfjs —
 * each word's row is a function of the word, the layer and its position — and counts its calls.
 */
import { planBertCheckpoint } from '../../train/bert/bertCheckpoint.ts';
import type { BertEngine, BertFeaturizer } from './loadedBert.ts';

export interface CountingBertEngine extends BertEngine {
  /** Sentences featurised so far, per call. */
  readonly calls: number[];
}

export function countingBertEngine(): CountingBertEngine {
  const calls: number[] = [];
  return {
    calls,
    load(files): BertFeaturizer {
      const { arch, storedDtype } = planBertCheckpoint(files);
      const h = arch.hiddenSize;
      const layersOf = (s: { mixLastFour: boolean }) => (s.mixLastFour ? 4 : 1);
      return {
        summary: { layers: arch.layers, hiddenSize: h, heads: arch.heads, vocabSize: arch.vocabSize, maxPositions: arch.maxPositions, storedDtype },
        dim: (s) => {
          if (s.mixLastFour && arch.layers < 4) throw new Error(`a scalar mix of the last four layers needs 4 layers; the checkpoint has ${arch.layers}`);
          return layersOf(s) * h;
        },
        async featurize(sentences, s, onProgress) {
          calls.push(sentences.length);
          const dim = layersOf(s) * h;
          return sentences.map((words, i) => {
            const row = new Float32Array(words.length * dim);
            words.forEach((w, j) => {
              for (let d = 0; d < dim; d++) row[j * dim + d] = Math.sin(w.length * 0.7 + d * 0.31 + s.layer + j) * 3;
            });
            onProgress(i + 1, sentences.length);
            return row;
          });
        },
      };
    },
  };
}
