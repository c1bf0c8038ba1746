/**
 * Per-step hyper-parameters: the learning-rate decay and the adversarial weight's ramp.
 * Pure functions of progress, so a resumed run continues the same curve.
 */
import type { TrainConfig } from '../core/config.ts';

/**
 * "The initial learning rate is set to 0.008 and decreases as the training steps increase":
 * inverse-time decay by epochs done, lr / (1 + decay · epochs), as in the NCRF++/Lample taggers.
 */
export function learningRateAt(train: Pick<TrainConfig, 'learningRate' | 'learningRateDecay'>, epochsDone: number): number {
  return train.learningRate / (1 + train.learningRateDecay * epochsDone);
}

/**
 * λ1 at a point of training. `ramp` is the domain-adversarial schedule of Ganin & Lempitsky (2015),
 * λ·(2/(1+e^(−10p)) − 1) with p the fraction of training done: the discriminators first learn to
 * tell the tasks apart before the shared encoders are pushed to fool them.
 */
export function adversarialWeightAt(
  train: Pick<TrainConfig, 'lambdaAdversarial' | 'adversarialSchedule'>,
  progress: number,
): number {
  if (train.adversarialSchedule === 'constant') return train.lambdaAdversarial;
  const p = Math.min(1, Math.max(0, progress));
  return train.lambdaAdversarial * (2 / (1 + Math.exp(-10 * p)) - 1);
}
