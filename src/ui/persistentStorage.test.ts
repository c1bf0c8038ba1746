/** Persistent storage through a stand-in StorageManager: asked and read as the browser answers; sizes as the panel says them. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { askPersistence, formatBytes, isPersisted } from './persistentStorage.ts';

afterEach(() => vi.unstubAllGlobals());

describe('persistent storage', () => {
  it('asks once it is called and reports what the browser granted', async () => {
    let granted = false;
    const persist = vi.fn(async () => (granted = true));
    vi.stubGlobal('navigator', { storage: { persist, persisted: async () => granted } });
    expect(await isPersisted()).toBe(false);
    expect(persist).not.toHaveBeenCalled();
    expect(await askPersistence()).toBe(true);
    expect(await isPersisted()).toBe(true);
  });

  it('says null where the browser has no StorageManager or it throws', async () => {
    vi.stubGlobal('navigator', {});
    expect(await askPersistence()).toBeNull();
    vi.stubGlobal('navigator', { storage: { persist: async () => Promise.reject(new Error('denied')), persisted: async () => Promise.reject(new Error('no')) } });
    expect(await askPersistence()).toBeNull();
    expect(await isPersisted()).toBeNull();
  });

  it('formats sizes in decimal units', () => {
    expect([12, 3_400, 1_234_567, 4.3e9].map(formatBytes)).toEqual(['12 B', '3 kB', '1.2 MB', '4.3 GB']);
  });
});
