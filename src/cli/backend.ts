/**
 * tfjs in Node: WASM (fastest on a CPU here, single-threaded), plain CPU, or WebGPU through Dawn's
 * node bindings (the `webgpu` npm package, an optional dependency: it ships prebuilt `dawn.node`
 * binaries and downloads nothing) on a machine with a GPU. WebGPU is only ever used when asked for
 * (`--backend webgpu`); the adapter it found is reported, software or not.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { applyWebGpuSettings } from '../model/webgpuSettings.ts';
import { adapterReport, describeAdapter, type AdapterLike } from '../train/adapterReport.ts';
import type { AdapterReport } from '../train/benchmark.ts';

export type NodeBackend = 'wasm' | 'cpu' | 'webgpu';
export const nodeBackends: readonly NodeBackend[] = ['wasm', 'cpu', 'webgpu'];

interface DawnGpu {
  requestAdapter(options?: { powerPreference?: string }): Promise<AdapterLike | null>;
}

/** The WebGPU adapter the CLI's tfjs runs on (set by `useBackend('webgpu')`). */
let webgpuAdapter: AdapterReport | null = null;

export function activeAdapter(): AdapterReport | null {
  return tf.getBackend() === 'webgpu' ? webgpuAdapter : null;
}

/**
 * Exposes a Dawn adapter as `navigator.gpu`, checks that it finds an adapter (a clear error if
 * not), applies the tfjs WebGPU settings and registers tfjs's WebGPU backend.
 */
async function prepareWebGpu(): Promise<void> {
  const specifier = 'webgpu';
  let dawn: { create: (flags: string[]) => DawnGpu; globals: Record<string, unknown> };
  try {
    dawn = (await import(/* @vite-ignore */ specifier)) as typeof dawn;
  } catch (error) {
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new Error(`the webgpu backend needs the \`webgpu\` package (an optional dependency; npm i webgpu): ${why}`);
  }
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create((process.env.DAWN_FLAGS ?? '').split(',').filter(Boolean));
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    throw new Error(
      'no WebGPU adapter: Dawn found no GPU it can use on this machine (a Vulkan, Metal or D3D12 driver is needed; ' +
        'DAWN_FLAGS passes Dawn toggles, e.g. DAWN_FLAGS=backend=vulkan). Use --backend wasm on a machine without one.',
    );
  }
  webgpuAdapter = adapterReport(adapter);
  if (webgpuAdapter.software) process.stderr.write(`mtaa: the WebGPU adapter is a software one (${describeAdapter(adapter)}): its speed is not GPU speed\n`);
  await import('@tensorflow/tfjs-backend-webgpu');
  applyWebGpuSettings();
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
