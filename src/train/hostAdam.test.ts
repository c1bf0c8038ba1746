import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { HostAdam } from './hostAdam.ts';
import { ClippedAdam } from '../model/clippedAdam.ts';

/** A small quadratic-plus-tanh loss over three variables; `skip` leaves one out of the gradients. */
function makeProblem(seed: number) {
  // tidy releases the initial values (a variable keeps its own reference).
  const vars = tf.tidy(() => [
    tf.variable(tf.randomUniform([4, 3], -1, 1, 'float32', seed), true, `hostAdam.a.${seed}`),
    tf.variable(tf.randomUniform([3], -1, 1, 'float32', seed + 1), true, `hostAdam.b.${seed}`),
    tf.variable(tf.randomUniform([2, 2], -1, 1, 'float32', seed + 2), true, `hostAdam.c.${seed}`),
  ]);
  const x = tf.randomUniform([5, 4], -2, 2, 'float32', seed + 3);
  const loss = (step: number) =>
    tf.tidy(() => {
      const h = tf.tanh(tf.add(tf.matMul(x, vars[0]!), vars[1]!));
      const main = tf.mul(tf.sum(tf.square(tf.sub(h, 0.3))), 3 + step);
      return tf.add(main, tf.sum(tf.square(vars[2]!))) as tf.Scalar;
    });
  return { vars, x, loss };
}

/** Runs `steps` steps; at odd steps variable c gets no gradient (as a CRF a batch never reaches). */
function train(optimizer: 'host' | 'tfjs', clipNorm: number, seed: number, steps = 6): number[][] {
  const { vars, x, loss } = makeProblem(seed);
  const host = new HostAdam(vars, 0.05);
  const reference = new ClippedAdam(vars, 0.05);
  for (let step = 0; step < steps; step++) {
    const trainable = step % 2 === 1 ? vars.slice(0, 2) : vars;
    const { value, grads } = tf.variableGrads(() => loss(step), trainable);
    const lr = 0.05 / (1 + 0.1 * step);
    if (optimizer === 'host') {
      host.learningRate = lr;
      host.applyGradients(grads, clipNorm);
    } else {
      // The GPU backends' tfjs path (global-norm clip, then tf.train.adam with a zero gradient for a
      // missing variable), which the fused WebGPU optimizer equals (adam.webgpuCheck.ts).
      reference.learningRate = lr;
      reference.applyGradients(grads, clipNorm);
    }
    tf.dispose([value, ...Object.values(grads)]);
  }
  const out = vars.map((v) => Array.from(v.dataSync()));
  reference.dispose();
  tf.dispose([...vars, x]);
  return out;
}

for (const backend of ['cpu', 'wasm']) {
  describe(`HostAdam (${backend})`, () => {
    afterAll(async () => {
      await tf.setBackend('cpu');
    });

    it('follows tf.train.adam with global-norm clipping over several steps', async () => {
      await tf.setBackend(backend);
      expect(HostAdam.suits()).toBe(true);
      // clip 0.5 binds at every step (gradients are larger); 0 disables clipping.
      for (const clipNorm of [0.5, 0]) {
        const before = tf.memory().numTensors;
        const host = train('host', clipNorm, 11);
        expect(tf.memory().numTensors).toBe(before);
        const reference = train('tfjs', clipNorm, 11);
        host.forEach((values, i) =>
          values.forEach((v, k) => expect(Math.abs(v - reference[i]![k]!), `clip ${clipNorm}, var ${i}[${k}]`).toBeLessThan(2e-5)),
        );
      }
    });
  });
}

describe('HostAdam', () => {
  it('refuses a gradient of the wrong size and suits only host-memory backends', async () => {
    await tf.setBackend('cpu');
    const v = tf.tidy(() => tf.variable(tf.zeros([3]), true, 'hostAdam.size'));
    const wrong = tf.zeros([4]);
    expect(() => new HostAdam([v], 0.1).applyGradients({ [v.name]: wrong }, 1)).toThrow(/4 values/);
    expect(HostAdam.suits('webgpu')).toBe(false);
    expect(HostAdam.suits('webgl')).toBe(false);
    tf.dispose([v, wrong]);
  });
});
