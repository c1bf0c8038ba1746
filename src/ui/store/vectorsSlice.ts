/** Pre-trained word vectors: read and kept in the worker; new runs may start their word table from them. */
import { messageOf } from '../../core/errors.ts';
import { movedBytes, trainerWorker } from '../workerClient.ts';
import { MAX_VECTORS_BYTES } from './fileLimits.ts';
import type { StoreKit } from './kit.ts';
import type { VectorsSlice } from './state.ts';


export function createVectorsSlice({ set, get }: StoreKit): VectorsSlice {
  return {
    vectors: null,
    vectorsLoading: null,
    vectorsError: null,
    useVectors: false,

    async loadVectors(file) {
      if (file.size > MAX_VECTORS_BYTES) {
        set({ vectorsError: `${file.name}: the file is ${(file.size / 1e9).toFixed(1)} GB; the limit is ${MAX_VECTORS_BYTES / 1024 ** 3} GiB` });
        return;
      }
      set({ vectorsLoading: { fileName: file.name, fraction: 0 }, vectorsError: null });
      try {
        const bytes = await file.arrayBuffer();
        const result = await trainerWorker().loadVectors(file.name, movedBytes(bytes));
        if (result.ok) set({ vectors: result.vectors, useVectors: true, vectorsLoading: null });
        else set({ vectorsError: `Could not load ${file.name}: ${result.message}`, vectorsLoading: null });
      } catch (error) {
        set({ vectorsError: `Could not load ${file.name}: ${messageOf(error)}`, vectorsLoading: null });
      }
    },

    async clearVectors() {
      await trainerWorker().clearVectors();
      set({ vectors: null, useVectors: false });
    },

    setUseVectors(use) {
      set({ useVectors: use && get().vectors !== null });
    },

    dismissVectorsError() {
      set({ vectorsError: null });
    },
  };
}
