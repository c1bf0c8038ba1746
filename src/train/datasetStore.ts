/**
 * Holds the dataset the worker trains on, and swaps it only when a new one was read completely.
 * A rejected file leaves the current dataset (and everything trained on it) untouched.
 */
import { datasetFromParsed, isDataError, readCorpus, summarizeDataset } from '../data/index.ts';
import type { ColumnOverride, Dataset, ParsedFile } from '../data/index.ts';
import type { DataErrorInfo, DatasetSummary, LoadResult } from '../protocol.ts';

interface Loaded {
  file: ParsedFile;
  dataset: Dataset;
  sizeBytes: number;
  builtIn: boolean;
}

export class DatasetStore {
  private loaded: Loaded | null = null;

  get current(): Dataset | null {
    return this.loaded?.dataset ?? null;
  }

  /** Reads a file; on success it becomes the current dataset, on failure nothing changes. */
  load(fileName: string, bytes: Uint8Array, options: { builtIn?: boolean; overrides?: ColumnOverride[] } = {}): LoadResult {
    return this.attempt(fileName, () => {
      const file = readCorpus(fileName, bytes);
      const dataset = datasetFromParsed(file, { overrides: options.overrides ?? [] });
      return { file, dataset, sizeBytes: bytes.byteLength, builtIn: options.builtIn ?? false };
    });
  }

  /** Re-plans the current file's columns with the user's choices (no re-reading). */
  applyOverrides(overrides: ColumnOverride[]): LoadResult {
    const loaded = this.loaded;
    if (!loaded) return { ok: false, error: { file: 'dataset', kind: 'none', message: 'No dataset is loaded yet.' } };
    return this.attempt(loaded.file.fileName, () => ({
      ...loaded,
      dataset: datasetFromParsed(loaded.file, { overrides }),
    }));
  }

  private attempt(fileName: string, read: () => Loaded): LoadResult {
    let next: Loaded;
    try {
      next = read();
    } catch (error) {
      return { ok: false, error: describeError(fileName, error) };
    }
    this.loaded = next;
    return { ok: true, dataset: this.summary(next) };
  }

  private summary({ dataset, sizeBytes, builtIn }: Loaded): DatasetSummary {
    return {
      ...summarizeDataset(dataset),
      sizeBytes,
      columns: dataset.columns,
      wordColumn: dataset.wordColumn,
      builtIn,
    };
  }
}

/** Any failure as plain data; non-DataErrors are bugs of ours, said as such but still named by file. */
export function describeError(fileName: string, error: unknown): DataErrorInfo {
  if (isDataError(error)) {
    return { file: error.file, kind: error.kind, message: error.message, ...(error.line === undefined ? {} : { line: error.line }) };
  }
  const text = error instanceof Error ? error.message : String(error);
  return { file: fileName, kind: 'internal', message: `${fileName}: could not be read (${text})` };
}
