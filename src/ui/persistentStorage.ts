/**
 * Persistent storage (issue 18): by default a browser may evict an origin's IndexedDB under
 * storage pressure, and the workbench's runs, models and datasets live nowhere else. The page asks
 * for persistence once, when the first run or dataset is saved (not at page load: some browsers ask
 * the user, and a visit that saves nothing has nothing to keep). `persist()` exists only on the
 * page (StorageManager.persist is not exposed to workers); `persisted()` only reads the state.
 */

type Storage = Pick<StorageManager, 'persist' | 'persisted'>;

function manager(): Storage | null {
  const storage = (globalThis.navigator as Navigator | undefined)?.storage as Partial<Storage> | undefined;
  return storage && typeof storage.persisted === 'function' && typeof storage.persist === 'function' ? (storage as Storage) : null;
}

/** Whether the origin's storage is persistent now (null: the browser cannot say). */
export async function isPersisted(): Promise<boolean | null> {
  try {
    return (await manager()?.persisted()) ?? null;
  } catch {
    return null;
  }
}

/** Asks for persistent storage; whether it was granted (null: the browser has no way to ask). */
export async function askPersistence(): Promise<boolean | null> {
  try {
    return (await manager()?.persist()) ?? null;
  } catch {
    return null;
  }
}

/** 1.2 MB, 340 kB, 12 B: sizes as the storage panel says them (decimal units, as browsers report quota). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(0)} kB`;
  return `${bytes} B`;
}
