import * as tf from '@tensorflow/tfjs';

/**
 * Per-variable seed derived from the model seed and the variable's name (FNV-1a), so adding a
 * variable never shifts the initial values of the others.
 */
export function seedFor(seed: number, name: string): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** A trainable `[fanIn, fanOut]` Glorot-uniform matrix (Glorot & Bengio 2010, as the paper does). */
export function glorotVariable(name: string, fanIn: number, fanOut: number, seed: number): tf.Variable {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return tf.tidy(() => tf.variable(tf.randomUniform([fanIn, fanOut], -limit, limit, 'float32', seedFor(seed, name)), true));
}
