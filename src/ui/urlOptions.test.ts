import { describe, expect, it } from 'vitest';
import { preferredBackend, rememberBackend } from './urlOptions.ts';

function memoryStore() {
  const items = new Map<string, string>();
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v) };
}

describe('preferredBackend', () => {
  it('is automatic (undefined) on a fresh visit, and the remembered pick after one', () => {
    const store = memoryStore();
    expect(preferredBackend('', store)).toBeUndefined();
    rememberBackend('webgpu', store);
    expect(preferredBackend('', store)).toBe('webgpu');
    expect(preferredBackend('?testhooks', store)).toBe('webgpu');
  });

  it('lets the URL win over the remembered pick, and ignores unknown names', () => {
    const store = memoryStore();
    rememberBackend('webgpu', store);
    expect(preferredBackend('?backend=wasm', store)).toBe('wasm');
    expect(preferredBackend('?backend=tpu', store)).toBeUndefined();
    store.setItem('mtaa.backend', 'nonsense');
    expect(preferredBackend('', store)).toBeUndefined();
  });

  it('works without storage', () => {
    expect(preferredBackend('?backend=cpu', undefined)).toBe('cpu');
    expect(() => rememberBackend('cpu', undefined)).not.toThrow();
  });
});
