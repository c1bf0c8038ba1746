/**
 * Runs the WebGPU kernel checks (`src/**\/*.webgpuCheck.ts`, found by `import.meta.glob`) in a module
 * worker, as the trainer runs tfjs: wasm (its binaries from the server's origin) and webgpu are both
 * started by `BackendManager`, and webgpu is active when each check begins. A WebGPU validation
 * error or device loss while a check runs fails that check: tfjs would only log it and leave an
 * output unwritten, which a comparison might not notice.
 */
import * as tf from '@tensorflow/tfjs';
import { BackendManager } from '../../workers/backends.ts';
import type { KernelCheck } from '../../src/model/webgpu/kernelCheck.ts';
import type { KernelCheckReply, KernelCheckRequest, KernelCheckResult } from './protocol.ts';

const modules = import.meta.glob<{ checks: KernelCheck[] }>('/src/**/*.webgpuCheck.ts');

let fault: string | null = null;
const manager = new BackendManager({
  onLost: (backend, reason, kind) => {
    fault ??= `${backend} ${kind === 'lost' ? 'was lost' : 'reported an error'} (${reason})`;
  },
});

async function runOne(file: string, check: KernelCheck): Promise<KernelCheckResult> {
  fault = null;
  await tf.setBackend('webgpu');
  const before = tf.memory().numTensors;
  try {
    const outcome = await check.run();
    const leaked = tf.memory().numTensors - before;
    const error = fault ?? (leaked !== 0 ? `${leaked} tensor(s) left behind` : undefined);
    return { file, name: check.name, ...outcome, ...(error ? { error } : {}) };
  } catch (e) {
    return { file, name: check.name, maxRelError: Infinity, tolerance: 0, error: fault ?? (e instanceof Error ? e.message : String(e)) };
  }
}

self.onmessage = async (event: MessageEvent<KernelCheckRequest>) => {
  const request = event.data;
  let reply: KernelCheckReply;
  try {
    await manager.switchTo('wasm');
    const info = await manager.switchTo('webgpu');
    if (info.name !== 'webgpu') throw new Error(`webgpu did not start (${info.message ?? 'fell back to ' + info.name})`);
    const results: KernelCheckResult[] = [];
    const files = Object.keys(modules)
      .map((key) => key.replace(/^\//, ''))
      .filter((file) => !request.files || request.files.includes(file))
      .sort();
    const missing = (request.files ?? []).filter((file) => !files.includes(file));
    if (missing.length > 0) throw new Error(`no such check file: ${missing.join(', ')}`);
    for (const file of files) {
      const { checks } = await modules[`/${file}`]!();
      for (const check of checks) {
        if (request.names && !request.names.includes(check.name)) continue;
        results.push(await runOne(file, check));
      }
    }
    reply = { ok: true, backend: tf.getBackend(), adapter: info.adapter, results };
  } catch (error) {
    reply = { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  self.postMessage(reply);
};
