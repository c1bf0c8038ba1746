/** A complete RunConfig for the UI's unit tests (the UI may not import src/model, even in tests). */
import type { RunConfig } from '../protocol.ts';

export function tinyConfig(): RunConfig {
  return {
    model: {
      architecture: 'mtaa',
      adversary: 'individual',
      fusion: 'attention',
      embedding: { wordDim: 16, minWordFreq: 2, charDim: 8, charFilters: 8, charWindow: 3, maxWordLength: 12, taskDim: 16 },
      individual: { hidden: 16, layers: 1 },
      shared: { hidden: 16, layers: 1 },
      discriminator: { hidden: 16, layers: 2 },
      attention: { dim: 16 },
      iterative: { iterations: 2, labelDim: 8 },
      dropout: 0,
    },
    train: {
      lambdaAdversarial: 5,
      adversarialSchedule: 'ramp',
      reversalReach: 'sharedEncoder',
      lambdaOrthogonality: 0.02,
      orthogonalityMode: 'normalized',
      learningRate: 0.01,
      learningRateDecay: 0.05,
      clipNorm: 5,
      batchSize: 16,
      epochs: 3,
      patience: 0,
      seed: 1,
      devFraction: 0.1,
    },
  };
}
