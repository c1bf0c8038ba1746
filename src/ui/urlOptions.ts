/**
 * Page options read from the URL: `?backend=wasm` starts tfjs on that backend instead of the
 * automatic choice; `?testhooks` exposes the store to browser tests as `window.__mtaa`. A backend
 * the user picks in the page is remembered (localStorage) and asked for on the next visit; the
 * URL's `?backend=` still wins.
 */
import type { Backend } from '../protocol.ts';

const BACKENDS: readonly Backend[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

const REMEMBERED = 'mtaa.backend';

function storage(): Pick<Storage, 'getItem' | 'setItem'> | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    // Storage refused (a sandboxed frame, blocked cookies): nothing is remembered.
    return undefined;
  }
}

/** `?backend=` if the URL names one, else the backend the user last picked, else none (automatic). */
export function preferredBackend(search: string = globalThis.location?.search ?? '', store = storage()): Backend | undefined {
  const value = new URLSearchParams(search).get('backend') ?? store?.getItem(REMEMBERED);
  return BACKENDS.find((b) => b === value);
}

/** Remembers the user's explicit pick for the next visit. */
export function rememberBackend(name: Backend, store = storage()): void {
  try {
    store?.setItem(REMEMBERED, name);
  } catch {
    // A full or refused storage: the pick still holds for this visit.
  }
}

export function testHooksEnabled(search: string = globalThis.location?.search ?? ''): boolean {
  return new URLSearchParams(search).has('testhooks');
}
