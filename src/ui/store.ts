import { create } from 'zustand';
import type { ColumnOverride, DataErrorInfo, DatasetSummary, LoadResult } from '../protocol.ts';
import { transfer } from 'comlink';
import { trainerWorker } from './workerClient.ts';

export interface WorkbenchState {
  dataset: DatasetSummary | null;
  /** Set while a file is being read or parsed: the name being loaded. */
  loading: string | null;
  /** The last rejected file's message; the dataset above is untouched by it. */
  loadError: DataErrorInfo | null;
  loadSample(): Promise<void>;
  loadFile(file: File): Promise<void>;
  applyOverrides(overrides: ColumnOverride[]): Promise<void>;
  dismissError(): void;
}

/** The size at which we refuse a file before even reading it (the data layer checks again). */
export const MAX_FILE_BYTES = 200 * 1024 * 1024;

export const useWorkbench = create<WorkbenchState>()((set, get) => {
  /** Applies a worker answer: only a success replaces the dataset. */
  const settle = (result: LoadResult) => {
    if (result.ok) set({ dataset: result.dataset, loadError: null, loading: null });
    else set({ loadError: result.error, loading: null });
  };
  const fail = (file: string, error: unknown) =>
    set({
      loading: null,
      loadError: { file, kind: 'internal', message: `${file}: ${error instanceof Error ? error.message : String(error)}` },
    });

  return {
    dataset: null,
    loading: null,
    loadError: null,

    async loadSample() {
      set({ loading: 'built-in sample' });
      try {
        settle(await trainerWorker().loadSample());
      } catch (error) {
        fail('built-in sample', error);
      }
    },

    async loadFile(file) {
      if (file.size > MAX_FILE_BYTES) {
        set({
          loadError: {
            file: file.name,
            kind: 'too-large',
            message: `${file.name}: the file is ${(file.size / 1e6).toFixed(1)} MB; the limit is ${MAX_FILE_BYTES / 1e6} MB`,
          },
        });
        return;
      }
      set({ loading: file.name });
      try {
        const bytes = await file.arrayBuffer();
        settle(await trainerWorker().loadFile(file.name, transfer(bytes, [bytes])));
      } catch (error) {
        fail(file.name, error);
      }
    },

    async applyOverrides(overrides) {
      const name = get().dataset?.name ?? 'dataset';
      set({ loading: name });
      try {
        settle(await trainerWorker().applyOverrides(overrides));
      } catch (error) {
        fail(name, error);
      }
    },

    dismissError() {
      set({ loadError: null });
    },
  };
});
