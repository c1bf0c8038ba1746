/**
 * Everything that crosses the boundary between the UI (main thread) and the trainer worker.
 * Types only: both sides import this file, neither imports the other.
 */
import type { ColumnGuess, FileFormat, TagScheme } from './data/types.ts';
import type { DatasetSummary as DataSummary, TaskSummary } from './data/dataset.ts';
import type { ColumnOverride } from './data/columnPlan.ts';

export type { ColumnGuess, ColumnOverride, FileFormat, TagScheme, TaskSummary };

/**
 * What the UI knows of the loaded dataset (the sentences themselves stay in the worker): the data
 * layer's summary plus what the page needs to show and edit the columns.
 */
export interface DatasetSummary extends DataSummary {
  sizeBytes: number;
  columns: ColumnGuess[];
  /** Column index of the words. */
  wordColumn: number;
  /** Whether this is the built-in sample. */
  builtIn: boolean;
}

/** A data-layer error as plain data (Error objects lose their fields crossing postMessage). */
export interface DataErrorInfo {
  file: string;
  line?: number;
  kind: string;
  message: string;
}

export type LoadResult = { ok: true; dataset: DatasetSummary } | { ok: false; error: DataErrorInfo };

/** The worker's API, exposed with comlink. */
export interface TrainerApi {
  /** Loads the built-in sample (fetched by the worker from the app's own origin). */
  loadSample(): Promise<LoadResult>;
  /** Parses a file; on error the worker keeps its previous dataset. */
  loadFile(fileName: string, bytes: ArrayBuffer, overrides?: ColumnOverride[]): Promise<LoadResult>;
  /** Re-detects the current dataset's tasks with the user's column choices. */
  applyOverrides(overrides: ColumnOverride[]): Promise<LoadResult>;
}
