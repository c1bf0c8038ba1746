/**
 * What a deleted run leaves behind that nothing needs any more: the dataset files it trained on
 * (a `datasets` record, shared by every run on the same data) and the BERT features computed for
 * that dataset. They go when no stored run names the dataset and the caller does not hold it (the
 * dataset loaded now, the one kept for the next visit, runs in memory not yet written). Without
 * this, a long session of runs on many datasets keeps every file it ever trained on (issue 18).
 * Pure TypeScript.
 */
import type { RunStorage } from './runStorage.ts';

/** The dataset hash inside a BERT feature key (`checkpoint|dataset|layers|pooling`, see bertFeatureKey). */
export function bertFeatureDataset(key: string): string | undefined {
  return key.split('|')[1];
}

/**
 * Deletes `datasetHash`'s files and BERT features unless a stored run trained on them or `inUse`
 * names them; resolves to whether they were deleted. Read after the run's own records are gone.
 */
export async function freeUnusedDataset(storage: RunStorage, datasetHash: string | null, inUse: Iterable<string | null | undefined>): Promise<boolean> {
  if (datasetHash === null) return false;
  if (new Set(inUse).has(datasetHash)) return false;
  if ((await storage.runs()).some((run) => run.datasetHash === datasetHash)) return false;
  const features = (await storage.bertFeatureKeys()).filter((key) => bertFeatureDataset(key) === datasetHash);
  if (features.length > 0) await storage.deleteBertFeatures(features);
  await storage.deleteDataset(datasetHash);
  return true;
}
