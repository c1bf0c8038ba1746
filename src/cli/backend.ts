/** tfjs in Node: the WASM backend (fastest here, single-threaded) or the plain CPU one. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

export type NodeBackend = 'wasm' | 'cpu';

export async function useBackend(name: NodeBackend): Promise<string> {
  // tfjs prints a banner suggesting tfjs-node (which cannot install here); keep stdout clean.
  const log = console.log;
  console.log = () => {};
  try {
    if (!(await tf.setBackend(name))) throw new Error(`the ${name} backend could not start`);
    await tf.ready();
  } finally {
    console.log = log;
  }
  return tf.getBackend();
}
