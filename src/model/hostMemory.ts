import * as tf from '@tensorflow/tfjs';

/**
 * Backends whose tensors live in host memory (WASM's heap, JS arrays): there a readback is a copy,
 * not a GPU sync, so a host loop can beat a chain of small kernels.
 */
export function isHostMemoryBackend(backend: string = tf.getBackend()): boolean {
  return backend === 'wasm' || backend === 'cpu';
}
