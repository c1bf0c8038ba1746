/**
 * The dataset the page had loaded, kept between visits: whenever it changes (a file loaded, a file
 * added, column choices, a test file loaded or removed), its files go to storage once per content
 * (the same records runs resume from) and a small pointer under `CURRENT_DATASET_KEY` names them
 * with the column choices and the test file. After a reload (or in a new worker after a crash)
 * `reopenKeptDataset` reads them back into the worker's CurrentDataset. Pure TypeScript.
 */
import { messageOf } from '../../core/errors.ts';
import type { ColumnOverride, LoadResult, TestFileSummary } from '../../protocol.ts';
import type { RunStorage } from '../persistence/runStorage.ts';
import type { CurrentDataset, TestSource } from './currentDataset.ts';

/** The storage value that names the current dataset. */
export const CURRENT_DATASET_KEY = 'current-dataset';

/** What the pointer holds: the dataset's files are the StoredDataset under `hash`. */
export interface KeptDatasetPointer {
  hash: string;
  /** The primary file's name (said when its files are gone). */
  name: string;
  /** The primary file's column choices. */
  overrides: ColumnOverride[];
  /** The test file loaded with it, if any (its bytes: it is small and changes with the dataset). */
  test: TestSource | null;
}

/** What came back: the dataset (and its test file), or why it could not (`gone`), or nothing kept. */
export type Reopened = { ok: true; result: Extract<LoadResult, { ok: true }>; test: TestFileSummary | null; notice: string | null } | { ok: false; notice: string } | null;

/** Keeps the current dataset (files and pointer); throws when storage refuses (the caller reports it). */
export async function keepCurrentDataset(datasets: CurrentDataset, storage: RunStorage): Promise<void> {
  const source = datasets.source;
  if (!source) return;
  await datasets.storeFiles(storage);
  const pointer: KeptDatasetPointer = { hash: source.hash, name: source.name, overrides: source.overrides, test: datasets.testSource };
  await storage.putValue(CURRENT_DATASET_KEY, pointer);
}

function isPointer(value: unknown): value is KeptDatasetPointer {
  const p = value as Partial<KeptDatasetPointer> | null;
  return typeof p === 'object' && p !== null && typeof p.hash === 'string' && typeof p.name === 'string' && Array.isArray(p.overrides);
}

/** The hash of the dataset kept for the next visit (null: none kept, or a damaged pointer): its files must stay. */
export async function keptDatasetHash(storage: RunStorage): Promise<string | null> {
  const pointer = await storage.getValue(CURRENT_DATASET_KEY);
  return isPointer(pointer) ? pointer.hash : null;
}

/**
 * Loads the kept dataset into `datasets`: its primary file with the column choices, the added files
 * in order, then the test file. Null when nothing was kept (a first visit); `ok: false` with the
 * reason when it cannot come back (its files gone from storage, or no longer readable): the caller
 * then loads the sample (this runs in a fresh worker, before anything else is loaded). A test file
 * that no longer reads leaves the dataset loaded and says so.
 */
export async function reopenKeptDataset(datasets: CurrentDataset, storage: RunStorage): Promise<Reopened> {
  const pointer = await storage.getValue(CURRENT_DATASET_KEY);
  if (pointer === undefined || pointer === null) return null;
  if (!isPointer(pointer)) return { ok: false, notice: 'The dataset kept from your last visit could not be read back (its record is damaged); the built-in sample is loaded instead.' };
  const stored = await storage.dataset(pointer.hash);
  if (!stored) return { ok: false, notice: `${pointer.name}, the dataset you had loaded, is no longer in this browser's storage; the built-in sample is loaded instead. Drop the file again to use it.` };
  const refused = (message: string): Reopened => ({ ok: false, notice: `${pointer.name}, the dataset you had loaded, could not be read again (${message}); the built-in sample is loaded instead.` });
  let result: LoadResult;
  try {
    result = await datasets.load(stored.name, stored.bytes, stored.builtIn, pointer.overrides);
    for (const part of stored.parts ?? []) if (result.ok) result = await datasets.add(part.name, part.bytes, []);
  } catch (error) {
    return refused(messageOf(error));
  }
  if (!result.ok) return refused(result.error.message);
  if (!pointer.test) return { ok: true, result, test: null, notice: null };
  const test = datasets.loadTest(pointer.test.name, pointer.test.bytes);
  if (test.ok) return { ok: true, result, test: test.test, notice: null };
  return { ok: true, result, test: null, notice: `The test file ${pointer.test.name} could not be read again (${test.error.message}); load it again.` };
}
