/**
 * The CRF's log-partition (with its gradient) and Viterbi decoding on the fused WebGPU programs of
 * `crfPrograms.ts`: the `fused` CRF plan of `kernelPlan.ts`, webgpu backend only.
 *
 * Dispatches, whatever the length T: log Z 1; its gradient 5 (the program, one slice for ∂E and one
 * row sum each for ∂transitions, ∂start, ∂end); the NLL (log Z − the gold path's score) the same; Viterbi 2 (the program, a slice of the paths) and a
 * readback of B·T int32 instead of the B·T·L emissions. The plain forward algorithm issues ~10
 * kernels per timestep and its autodiff about twice as many again.
 */
import * as tf from '@tensorflow/tfjs';
import type { CrfWeights } from '../crfWeights.ts';
import { runProgramKernel } from './programKernel.ts';
import { CRF_LOG_PARTITION, CRF_LOG_PARTITION_GRAD, CRF_NLL, CRF_NLL_GRAD, CRF_VITERBI, SUM_ROWS, registerCrfKernels } from './crfPrograms.ts';

function float32(x: tf.Tensor): tf.Tensor {
  return x.dtype === 'float32' ? x : tf.cast(x, 'float32');
}

/**
 * log Z per sentence (the forward algorithm of `crfLogPartition`, same masking), differentiable with
 * respect to emissions and the CRF weights. emissions [B,T,L] float32, mask [B,T] → [B].
 */
export function crfLogPartitionFused(emissions: tf.Tensor, mask: tf.Tensor, w: CrfWeights): tf.Tensor1D {
  return fusedPerSentence(CRF_LOG_PARTITION, CRF_LOG_PARTITION_GRAD, emissions, mask, null, w);
}

/**
 * −log p(tags | emissions) per sentence, as `crfNegLogLikelihoodPerSentence` (log Z − gold score, 0
 * for an empty sentence), in one dispatch: the gold path's score is taken inside the forward
 * algorithm's program, and its gradient (minus the gold indicators) inside the marginals' one, so the
 * ~30 kernels of the one-hot gold score and their gradients are not dispatched. tags [B,T] int32.
 */
export function crfNegLogLikelihoodFused(emissions: tf.Tensor, tags: tf.Tensor, mask: tf.Tensor, w: CrfWeights): tf.Tensor1D {
  return fusedPerSentence(CRF_NLL, CRF_NLL_GRAD, emissions, mask, tags, w);
}

/**
 * A per-sentence CRF program (`forward`) and the gradient program (`gradient`) that writes
 * [∂E | per-sentence ∂Tr ∂S ∂En rows], as a differentiable op of emissions and the CRF weights.
 * Dispatches: forward 1; gradient 5 (the program, a slice for ∂E, a row sum each for ∂Tr, ∂S, ∂En).
 */
function fusedPerSentence(forward: string, gradient: string, emissions: tf.Tensor, mask: tf.Tensor, tags: tf.Tensor | null, w: CrfWeights): tf.Tensor1D {
  registerCrfKernels();
  const [b, t, l] = emissions.shape as [number, number, number];
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [e, tr, st, en, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const m = float32(mask);
    const labels = tags ? (tags.dtype === 'int32' ? tags : tf.cast(tags, 'int32')) : null;
    const withTags = (inputs: Record<string, tf.Tensor>, y: tf.Tensor | null) => (y ? { ...inputs, tags: y } : inputs);
    // Saved (the engine keeps a clone) rather than captured: the backward pass may outlive them.
    save(labels ? [e, m, tr, st, en, labels] : [e, m, tr, st, en]);
    const value = runProgramKernel(forward, withTags({ emissions: e, mask: m, transitions: tr, start: st, end: en }, labels));
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [se, sm, str, sst, sen, sy] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
          const g = runProgramKernel(gradient, withTags({ emissions: se, mask: sm, transitions: str, start: sst, end: sen, dy }, sy ?? null));
          const rowWidth = l * l + 2 * l;
          const sumRows = (offset: number, count: number) =>
            runProgramKernel(SUM_ROWS, { x: g }, { base: b * t * l + offset, stride: rowWidth, rows: b, count });
          return [
            tf.reshape(tf.slice(g, [0], [b * t * l]), [b, t, l]),
            tf.reshape(sumRows(0, l * l), [l, l]),
            sumRows(l * l, l),
            sumRows(l * l + l, l),
          ];
        }),
    };
  });
  return op(emissions, w.transitions, w.start, w.end) as tf.Tensor1D;
}

/**
 * Best path per sentence on the GPU: emissions [B,T,L], mask [B,T] prefix mask → paths (number[][],
 * each of its sentence's length), as `crfViterbi`. One readback of the paths.
 */
export async function crfViterbiFused(emissions: tf.Tensor, mask: tf.Tensor, w: CrfWeights): Promise<number[][]> {
  registerCrfKernels();
  const [b, t] = emissions.shape as [number, number, number];
  const paths = tf.tidy(() => {
    const out = runProgramKernel(CRF_VITERBI, { emissions, mask: float32(mask), transitions: w.transitions, start: w.start, end: w.end });
    return tf.slice(out, [0], [b * t]);
  });
  const values = await paths.data();
  paths.dispose();
  return Array.from({ length: b }, (_, s) => {
    const row: number[] = [];
    for (let i = 0; i < t && values[s * t + i]! >= 0; i++) row.push(values[s * t + i]!);
    return row;
  });
}
