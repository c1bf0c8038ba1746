/**
 * tfjs in Node: WASM (fastest on a CPU here, single-threaded), plain CPU, or WebGPU through Dawn's
 * node bindings (the optional `webgpu` npm package: `npm i --no-save webgpu`) on a machine with a GPU.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

export type NodeBackend = 'wasm' | 'cpu' | 'webgpu';
export const nodeBackends: readonly NodeBackend[] = ['wasm', 'cpu', 'webgpu'];

/** Exposes a Dawn adapter as `navigator.gpu`, then registers tfjs's WebGPU backend. */
async function prepareWebGpu(): Promise<void> {
  const specifier = 'webgpu';
  let dawn: { create: (flags: string[]) => unknown; globals: Record<string, unknown> };
  try {
    dawn = (await import(/* @vite-ignore */ specifier)) as typeof dawn;
  } catch {
    throw new Error('the webgpu backend needs the `webgpu` package: npm i --no-save webgpu');
  }
  Object.assign(globalThis, dawn.globals);
  Object.defineProperty(globalThis, 'navigator', {
    value: { gpu: dawn.create((process.env.DAWN_FLAGS ?? '').split(',').filter(Boolean)) },
    configurable: true,
  });
  await import('@tensorflow/tfjs-backend-webgpu');
}

export async function useBackend(name: NodeBackend): Promise<string> {
  if (!nodeBackends.includes(name)) throw new Error(`unknown backend ${name}; use ${nodeBackends.join(', ')}`);
  if (name === 'webgpu') await prepareWebGpu();
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
