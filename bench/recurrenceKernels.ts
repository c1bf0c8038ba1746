/**
 * Kernels and time of one training step (forward, and gradients of the weights) of one BiLSTM layer
 * of S stacks (256 units, batch 32, length 30: issue 4's example of the naive way), written the naive
 * way (src/model/lstmReference.ts: per stack, direction and timestep, autodiff) and with the fused
 * recurrence the model uses (src/model/lstm.ts). S = 9: one layer of all nine encoders of the MTAA graph.
 *
 *   npx tsx bench/recurrenceKernels.ts [wasm|cpu] [S]
 */
import * as tf from '@tensorflow/tfjs';
import { useBackend, type NodeBackend } from '../src/cli/backend.ts';
import { countKernels } from '../src/model/kernelCount.ts';
import { biLstmLayer } from '../src/model/lstm.ts';
import { biLstmLayerReference } from '../src/model/lstmReference.ts';
import { initBiLstmWeights } from '../src/model/lstmWeights.ts';

await useBackend((process.argv[2] ?? 'wasm') as NodeBackend);
const S = Number(process.argv[3] ?? 1);
const [B, T, IN, H] = [32, 30, 256, 256];
const w = initBiLstmWeights(S, IN, H, { seed: 1 });
const x = tf.randomNormal([S, B, T, IN]) as tf.Tensor4D;
const lengths = new Int32Array(B).fill(T);
const vars = [w.wIh, w.wHh, w.bias];
const impls = { fused: (xx: tf.Tensor4D) => biLstmLayer(xx, w, lengths), reference: (xx: tf.Tensor4D) => biLstmLayerReference(xx, w, lengths) };
for (const [name, layer] of Object.entries(impls)) {
  const step = () => {
    const { value, grads } = tf.variableGrads(() => tf.sum(layer(x)) as tf.Scalar, vars);
    return [value, ...Object.values(grads)];
  };
  tf.dispose(step());
  const t0 = performance.now();
  tf.dispose(step());
  const ms = performance.now() - t0;
  const k = await countKernels(step);
  console.log(JSON.stringify({ impl: name, stacks: S, batch: B, length: T, units: H, kernels: k.total, ms: Math.round(ms) }));
}
