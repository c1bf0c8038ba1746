/**
 * Page options read from the URL: `?backend=wasm` starts tfjs on that backend instead of the
 * WebGPU-first order; `?testhooks` exposes the store to browser tests as `window.__mtaa`.
 */
import type { Backend } from '../protocol.ts';

const BACKENDS: readonly Backend[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export function preferredBackend(search: string = globalThis.location?.search ?? ''): Backend | undefined {
  const value = new URLSearchParams(search).get('backend');
  return BACKENDS.find((b) => b === value);
}

export function testHooksEnabled(search: string = globalThis.location?.search ?? ''): boolean {
  return new URLSearchParams(search).has('testhooks');
}
