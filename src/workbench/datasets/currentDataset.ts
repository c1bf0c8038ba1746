/**
 * The dataset new runs train on, with the files behind it: the DatasetStore parses, and this keeps
 * the source (name, bytes, column choices, added files, the test file) and its SHA-256, so runs on
 * it can be stored and resumed after a reload (`keep` puts the files in storage once per content),
 * and the dataset itself comes back after a reload (./keptDataset.ts).
 */
import { messageOf } from '../../core/errors.ts';
import type { ColumnOverride, LoadResult, TestFileResult } from '../../protocol.ts';
import type { RunStorage } from '../persistence/runStorage.ts';
import { DatasetStore } from './datasetStore.ts';

/** The file behind the current dataset: kept so runs on it can be stored and resumed after a reload. */
export interface DatasetSource {
  name: string;
  bytes: Uint8Array;
  builtIn: boolean;
  /** SHA-256 hex of `bytes` (of the files' hashes when files were added: `sourceHash`). */
  hash: string;
  /** SHA-256 hex of `bytes` alone. */
  fileHash: string;
  overrides: ColumnOverride[];
  /** Files added to it (partial labels), in order; `hash` then covers them too. */
  added: { name: string; bytes: Uint8Array; hash: string }[];
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A merged dataset is named by the hash of its files' hashes, in order (one file: its own hash). */
async function sourceHash(primary: string, added: readonly { hash: string }[]): Promise<string> {
  if (added.length === 0) return primary;
  return sha256Hex(new TextEncoder().encode([primary, ...added.map((a) => a.hash)].join('+')));
}

/** The test file's name and bytes, kept beside the dataset it is aligned to. */
export interface TestSource {
  name: string;
  bytes: Uint8Array;
}

export class CurrentDataset {
  readonly store = new DatasetStore();
  private current: DatasetSource | null = null;
  private testFile: TestSource | null = null;

  get source(): DatasetSource | null {
    return this.current;
  }

  /** The test file loaded with the current dataset (the store drops it when the training data changes). */
  get testSource(): TestSource | null {
    return this.store.test ? this.testFile : null;
  }

  /** Reads a test file aligned to the current tasks; on success its bytes are kept with the dataset. */
  loadTest(name: string, bytes: Uint8Array): TestFileResult {
    const result = this.store.loadTest(name, bytes);
    if (result.ok) this.testFile = { name, bytes };
    return result;
  }

  clearTest(): void {
    this.store.clearTest();
    this.testFile = null;
  }

  /** Loads a file; on success it becomes the source and its summary carries the hash. */
  async load(name: string, bytes: Uint8Array, builtIn: boolean, overrides: ColumnOverride[]): Promise<LoadResult> {
    const result = this.store.load(name, bytes, { builtIn, overrides });
    if (!result.ok) return result;
    const hash = await sha256Hex(bytes);
    this.current = { name, bytes, builtIn, hash, fileHash: hash, overrides, added: [] };
    return { ok: true, dataset: { ...result.dataset, hash } };
  }

  /** Adds a file to the current dataset (partial labels); on success the source lists it too. */
  async add(name: string, bytes: Uint8Array, overrides: ColumnOverride[]): Promise<LoadResult> {
    const current = this.current;
    const result = this.store.addFile(name, bytes, { overrides });
    if (!result.ok || !current) return result;
    const added = [...current.added, { name, bytes, hash: await sha256Hex(bytes) }];
    const hash = await sourceHash(current.fileHash, added);
    this.current = { ...current, added, hash };
    return { ok: true, dataset: { ...result.dataset, hash } };
  }

  applyOverrides(overrides: ColumnOverride[]): LoadResult {
    const result = this.store.applyOverrides(overrides);
    if (!result.ok || !this.current) return result;
    this.current = { ...this.current, overrides };
    return { ok: true, dataset: { ...result.dataset, hash: this.current.hash } };
  }

  /** Keeps the current dataset's files in storage (once per content) so runs on it can resume later. */
  async keep(storage: RunStorage, onError: (message: string) => void): Promise<void> {
    const file = this.current;
    if (!file) return;
    try {
      await this.storeFiles(storage);
    } catch (error) {
      onError(`${file.name} could not be saved (${messageOf(error)}): its runs cannot be resumed after a reload.`);
    }
  }

  /** Puts the current dataset's files in storage under its hash, unless they are there already; throws on failure. */
  async storeFiles(storage: RunStorage): Promise<void> {
    const file = this.current;
    if (!file || (await storage.hasDataset(file.hash))) return;
    await storage.putDataset({
      hash: file.hash,
      name: file.name,
      bytes: file.bytes,
      builtIn: file.builtIn,
      ...(file.added.length > 0 ? { parts: file.added.map(({ name, bytes }) => ({ name, bytes })) } : {}),
    });
  }
}
