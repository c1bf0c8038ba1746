/** The test file: read and kept in the worker, aligned to the training tasks. */
import { movedBytes, trainerWorker } from '../workerClient.ts';
import { failLoad, refuseTooLarge } from './datasetSlice.ts';
import type { StoreKit } from './kit.ts';
import type { TestFileSlice } from './state.ts';


export function createTestFileSlice(kit: StoreKit): TestFileSlice {
  const { set } = kit;
  return {
    testFile: null,
    testFileNotice: null,

    async loadTestFile(file) {
      if (refuseTooLarge(kit, file)) return;
      set({ loading: file.name });
      try {
        const bytes = await file.arrayBuffer();
        const result = await trainerWorker().loadTestFile(file.name, movedBytes(bytes));
        if (result.ok) set({ testFile: result.test, testFileNotice: null, loadError: null, loading: null });
        else set({ loadError: result.error, loading: null });
      } catch (error) {
        failLoad(kit, file.name, error);
      }
    },

    async clearTestFile() {
      await trainerWorker().clearTestFile();
      set({ testFile: null, testFileNotice: null });
    },
  };
}
