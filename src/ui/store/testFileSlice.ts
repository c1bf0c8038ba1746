/** The test file: read and kept in the worker, aligned to the training tasks. */
import type { TestFileSummary } from '../../protocol.ts';
import { movedBytes, trainerWorker } from '../workerClient.ts';
import { failLoad, refuseTooLarge } from './datasetSlice.ts';
import type { StoreKit } from './kit.ts';

export interface TestFileSlice {
  /** Runs started while it is loaded are scored on it when they end (their `test` scores). */
  testFile: TestFileSummary | null;
  /** Why the test file went away without the user removing it (the training data changed). */
  testFileNotice: string | null;
  /** Reads a test file; a bad one goes to the load error banner and the previous test file stays. */
  loadTestFile(file: File): Promise<void>;
  clearTestFile(): Promise<void>;
}

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
