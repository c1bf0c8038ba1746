/**
 * Holds the dataset the worker trains on, and swaps it only when a new one was read completely.
 * A rejected file leaves the current dataset (and everything trained on it) untouched.
 */
import { messageOf } from '../../core/errors.ts';
import { datasetFromParsed, isDataError, mergeDatasets, readCorpus, summarizeDataset } from '../../data/index.ts';
import type { ColumnOverride, Dataset, ParsedFile } from '../../data/index.ts';
import type { DataErrorInfo, DatasetSummary, LoadResult, TestFileResult, TestFileSummary } from '../../protocol.ts';

/** One file as read: the primary one, or one added to it (partial labels). */
interface LoadedFile {
  file: ParsedFile;
  dataset: Dataset;
  sizeBytes: number;
}

interface Loaded extends LoadedFile {
  builtIn: boolean;
  /** Files added to the primary one; their tasks are merged in by name (`mergeDatasets`). */
  added: LoadedFile[];
  /** The primary dataset merged with the added ones (the primary itself when none were added). */
  merged: Dataset;
}

export class DatasetStore {
  private loaded: Loaded | null = null;
  private testSet: { dataset: Dataset; summary: TestFileSummary } | null = null;

  /**
   * The test file, aligned to the current tasks; null when none is loaded. Dropped whenever the
   * training data changes (its tasks may differ, and a test file aligned to old tasks would score
   * the wrong columns).
   */
  get test(): Dataset | null {
    return this.testSet?.dataset ?? null;
  }

  get testSummary(): TestFileSummary | null {
    return this.testSet?.summary ?? null;
  }

  /**
   * Reads a test file aligned to the current tasks by name (tasks it lacks get null tags; chunk
   * schemes converted). Refused when no dataset is loaded or it labels none of the tasks; on
   * failure the previous test file stays.
   */
  loadTest(fileName: string, bytes: Uint8Array): TestFileResult {
    const loaded = this.loaded;
    if (!loaded) return { ok: false, error: { file: fileName, kind: 'none', message: `${fileName}: load the training data first; the test file is aligned to its tasks.` } };
    let dataset: Dataset;
    try {
      dataset = datasetFromParsed(readCorpus(fileName, bytes), { alignTo: loaded.merged.tasks });
    } catch (error) {
      return { ok: false, error: describeError(fileName, error) };
    }
    const tasks = dataset.tasks.map((task, k) => ({ name: task.name, labeledSentences: dataset.sentences.filter((s) => s.tags[k] !== null).length }));
    if (tasks.every((t) => t.labeledSentences === 0)) {
      const names = tasks.map((t) => t.name).join(', ');
      return { ok: false, error: { file: fileName, kind: 'no-tasks', message: `${fileName}: labels none of the training tasks (${names}); its tag columns must be named like the training file's.` } };
    }
    const summary: TestFileSummary = { name: dataset.name, sentences: dataset.stats.sentences, tokens: dataset.stats.tokens, tasks };
    this.testSet = { dataset, summary };
    return { ok: true, test: summary };
  }

  clearTest(): void {
    this.testSet = null;
  }

  /** What runs train on: the merged dataset when files were added. */
  get current(): Dataset | null {
    return this.loaded?.merged ?? null;
  }

  /** Reads a file; on success it becomes the current dataset (added files are dropped), on failure nothing changes. */
  load(fileName: string, bytes: Uint8Array, options: { builtIn?: boolean; overrides?: ColumnOverride[] } = {}): LoadResult {
    return this.attempt(fileName, () => {
      const file = readCorpus(fileName, bytes);
      const dataset = datasetFromParsed(file, { overrides: options.overrides ?? [] });
      return { file, dataset, sizeBytes: bytes.byteLength, builtIn: options.builtIn ?? false, added: [], merged: dataset };
    });
  }

  /**
   * Adds a file to the training data (partial labels): its tasks are merged with the current ones
   * by name, its sentences get no labels for the tasks it lacks. On failure nothing changes.
   */
  addFile(fileName: string, bytes: Uint8Array, options: { overrides?: ColumnOverride[] } = {}): LoadResult {
    const loaded = this.loaded;
    if (!loaded) return { ok: false, error: { file: fileName, kind: 'none', message: `${fileName}: load a dataset first; this file is added to it.` } };
    return this.attempt(fileName, () => {
      const file = readCorpus(fileName, bytes);
      const part: LoadedFile = { file, dataset: datasetFromParsed(file, { overrides: options.overrides ?? [] }), sizeBytes: bytes.byteLength };
      const added = [...loaded.added, part];
      return { ...loaded, added, merged: mergeDatasets([loaded.dataset, ...added.map((a) => a.dataset)]) };
    });
  }

  /** Re-plans the primary file's columns with the user's choices (no re-reading); added files stay. */
  applyOverrides(overrides: ColumnOverride[]): LoadResult {
    const loaded = this.loaded;
    if (!loaded) return { ok: false, error: { file: 'dataset', kind: 'none', message: 'No dataset is loaded yet.' } };
    return this.attempt(loaded.file.fileName, () => {
      const dataset = datasetFromParsed(loaded.file, { overrides });
      return { ...loaded, dataset, merged: mergeDatasets([dataset, ...loaded.added.map((a) => a.dataset)]) };
    });
  }

  private attempt(fileName: string, read: () => Loaded): LoadResult {
    let next: Loaded;
    try {
      next = read();
    } catch (error) {
      return { ok: false, error: describeError(fileName, error) };
    }
    this.loaded = next;
    this.testSet = null;
    return { ok: true, dataset: this.summary(next) };
  }

  private summary({ merged: dataset, sizeBytes, builtIn, added }: Loaded): DatasetSummary {
    return {
      ...summarizeDataset(dataset),
      sizeBytes: added.reduce((total, a) => total + a.sizeBytes, sizeBytes),
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
  const text = messageOf(error);
  return { file: fileName, kind: 'internal', message: `${fileName}: could not be read (${text})` };
}
