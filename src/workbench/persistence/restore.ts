/**
 * Runs kept in storage come back into a session after a reload: each with its checkpoints and
 * stored vocabularies, and a way to rebuild its train/dev split from its stored dataset file when it
 * is resumed (the same seeded split).
 */
import { vocabulariesFromJSON } from '../../data/index.ts';
import type { SavedRun } from '../../protocol.ts';
import type { RunHandle } from '../../train/runEngine.ts';
import type { TrainingData } from '../../train/trainer.ts';
import { alignDatasetToModel } from '../datasets/continueData.ts';
import { DatasetStore } from '../datasets/datasetStore.ts';
import { splitForRun, type RestoredRun } from '../session/runRecord.ts';
import type { TrainingSession } from '../session/session.ts';
import type { LoadedRun, RunRecorder } from './runRecorder.ts';
import type { RunStorage } from './runStorage.ts';

/** Rebuilds a restored run's train/dev split from its stored dataset file. */
export async function storedData(storage: RunStorage, loaded: LoadedRun): Promise<TrainingData> {
  const { run } = loaded;
  const file = run.datasetHash ? await storage.dataset(run.datasetHash) : undefined;
  if (!file) throw new Error(`${run.info.datasetName}, the data of ${run.info.label}, is no longer in this browser's storage; load it and start a new run.`);
  const store = new DatasetStore();
  const result = store.load(file.name, file.bytes, { builtIn: file.builtIn, overrides: run.overrides });
  if (!result.ok) throw new Error(result.error.message);
  for (const part of file.parts ?? []) {
    const merged = store.addFile(part.name, part.bytes);
    if (!merged.ok) throw new Error(merged.error.message);
  }
  // A run continued from an imported model trains on the data in the model's tasks and tag sets.
  const host = run.info.continuedFrom !== undefined ? loaded.host : undefined;
  const dataset = host ? alignDatasetToModel(store.current!, host, run.info.label) : store.current!;
  return splitForRun(dataset, run.config);
}

/**
 * What the session keeps of a stored run: its checkpoints, stored vocabularies and a way to re-read
 * its data. A run another tab trains (`saved.elsewhere`) is kept idle here, `interrupted`: this
 * session never drives it (the worker refuses its controls until that tab lets go of it).
 */
export function restoredRun(storage: RunStorage, item: LoadedRun): RestoredRun {
  const host = item.host
    ? { tasks: item.host.tasks, vocabularies: vocabulariesFromJSON(item.host.vocabularies, `${item.run.runId}: stored vocabularies`) }
    : null;
  const elsewhere = item.saved.elsewhere === true;
  const message = elsewhere ? 'Training in another tab.' : item.run.message;
  return {
    info: item.run.info,
    config: item.run.config,
    status: elsewhere ? 'interrupted' : item.run.status,
    ...(message !== undefined ? { message } : {}),
    last: item.last,
    best: item.best,
    host,
    loadData: () => storedData(storage, item),
  };
}

/**
 * Loads the stored runs into `session` (each with its checkpoints); resolves to what the page shows
 * of them. `elsewhere`: runs another tab trains now (they stay as stored, marked so); `only`: just
 * these runs (a workspace import's, just written).
 */
export async function restoreStoredRuns<H extends RunHandle>(
  session: TrainingSession<H>,
  recorder: RunRecorder,
  storage: RunStorage,
  elsewhere?: ReadonlySet<string>,
  only?: ReadonlySet<string>,
): Promise<SavedRun[]> {
  const loaded = await recorder.load(elsewhere, only);
  for (const item of loaded) session.restoreRun(restoredRun(storage, item));
  return loaded.map((item) => item.saved);
}
