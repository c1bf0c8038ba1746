/**
 * Moving a workspace between a RunStorage and an archive: `collectWorkspace` gathers everything
 * kept (runs with their events and checkpoints, datasets, BERT features, the kept dataset and the
 * study); `planMerge` decides, for an archive already validated, what an import adds: a run whose
 * content hash is already here is skipped, a run whose id (or name) is taken by a different run
 * gets a new id (and name), nothing kept is overwritten; `writeMerge` then writes it, and deletes
 * what it wrote if a write fails, so a failed import leaves storage as it was. Pure TypeScript.
 */
import { uniqueRunName } from '../../core/runNames.ts';
import type { RunStorage, StoredEvent, StoredRun } from '../persistence/runStorage.ts';
import { CURRENT_DATASET_KEY, type KeptDatasetPointer } from '../datasets/keptDataset.ts';
import { runContentHash, type RunBundle } from './runContentHash.ts';
import type { ReadWorkspace, WorkspaceContents } from './workspaceArchive.ts';

/** The storage value the page's ablation study is kept under (trainerApi `saveStudy`). */
export const STUDY_KEY = 'study';

/** Everything `storage` keeps, as the archive writer takes it. */
export async function collectWorkspace(storage: RunStorage): Promise<WorkspaceContents> {
  const runs: RunBundle[] = [];
  for (const run of await storage.runs()) runs.push(await runBundle(storage, run));
  runs.sort((a, b) => runOrder(a.run.runId) - runOrder(b.run.runId));
  const datasets = (await Promise.all((await storage.datasetHashes()).map((hash) => storage.dataset(hash)))).filter((d) => d !== undefined);
  const bertFeatures = (await Promise.all((await storage.bertFeatureKeys()).map((key) => storage.bertFeatures(key)))).filter((f) => f !== undefined);
  const pointer = (await storage.getValue(CURRENT_DATASET_KEY)) as KeptDatasetPointer | undefined;
  const currentDataset = pointer && typeof pointer.hash === 'string' ? { hash: pointer.hash, name: pointer.name, overrides: pointer.overrides, test: pointer.test ?? null } : null;
  return { runs, datasets, bertFeatures, settings: { currentDataset, study: (await storage.getValue(STUDY_KEY)) ?? null } };
}

export async function runBundle(storage: RunStorage, run: StoredRun): Promise<RunBundle> {
  const [events, last, best] = await Promise.all([storage.events(run.runId), storage.checkpoint(run.runId, 'last'), storage.checkpoint(run.runId, 'best')]);
  return { run, events, checkpoints: [last, best].filter((c) => c !== undefined) };
}

function runOrder(runId: string): number {
  const n = /^run-(\d+)$/.exec(runId);
  return n ? Number(n[1]) : Number.MAX_SAFE_INTEGER;
}

/** N of `run-N`; 0 for any other id. */
function runNumber(runId: string): number {
  const n = /^run-(\d+)$/.exec(runId);
  return n ? Number(n[1]) : 0;
}

/** What an import will do. */
export interface MergePlan {
  /** Runs to write, under the id and name they get here. */
  add: RunBundle[];
  /** Runs already here (same content), by the archive's id → the id here. */
  skipped: { archiveId: string; localId: string; label: string }[];
  /** Runs that got a new id or name because a different run had theirs. */
  renamed: { archiveId: string; runId: string; from: string; to: string }[];
  datasets: WorkspaceContents['datasets'];
  bertFeatures: WorkspaceContents['bertFeatures'];
  /** Kept-dataset pointer and study: taken only where this workspace has none. */
  currentDataset: KeptDatasetPointer | null;
  study: unknown;
  /** Bytes the writes add (about: what the archive unpacks to, less what is skipped). */
  bytes: number;
}

/** An event filed under another run id. */
function withRunId(event: StoredEvent, runId: string): StoredEvent {
  return event.type === 'live-change' ? { ...event, change: { ...event.change, runId } } : { ...event, runId };
}

/**
 * Plans an import of a validated archive into `storage`. `live` are the session's runs besides the
 * stored ones (a run whose record is not written yet). Run ids stay when they are free, otherwise
 * the next `run-N` above every id in use; names likewise (`MTAA 2`).
 */
export async function planMerge(storage: RunStorage, read: ReadWorkspace, live: readonly { runId: string; label: string }[] = []): Promise<MergePlan> {
  const local = await storage.runs();
  const byHash = new Map<string, StoredRun>();
  for (const run of local) byHash.set(await runContentHash(await runBundle(storage, run)), run);
  const taken = new Set([...local.map((r) => r.runId), ...live.map((r) => r.runId)]);
  const labels = [...local.map((r) => r.info.label), ...live.map((r) => r.label)];
  // New ids go above every id here and in the archive, so they never meet one kept as it was.
  let counter = Math.max(0, ...[...taken, ...read.contents.runs.map((b) => b.run.runId)].map(runNumber));
  const ids = new Map<string, string>();
  const plan: MergePlan = { add: [], skipped: [], renamed: [], datasets: [], bertFeatures: [], currentDataset: null, study: null, bytes: 0 };
  const hashes = new Map(read.manifest.runs.map((r) => [r.runId, r.contentHash]));

  for (const bundle of read.contents.runs) {
    const archiveId = bundle.run.runId;
    const same = byHash.get(hashes.get(archiveId)!);
    if (same) {
      ids.set(archiveId, same.runId);
      plan.skipped.push({ archiveId, localId: same.runId, label: same.info.label });
      continue;
    }
    const runId = taken.has(archiveId) ? `run-${++counter}` : archiveId;
    taken.add(runId);
    ids.set(archiveId, runId);
    const from = bundle.run.info.label;
    const label = uniqueRunName(from, labels);
    labels.push(label);
    if (runId !== archiveId || label !== from) plan.renamed.push({ archiveId, runId, from, to: label });
    plan.add.push(bundle);
  }
  // Now every archive id has its id here: file each added run (and its references) under it.
  plan.add = plan.add.map(({ run, events, checkpoints }) => {
    const runId = ids.get(run.runId)!;
    const label = plan.renamed.find((r) => r.archiveId === run.runId)?.to ?? run.info.label;
    const info = { ...run.info, runId, label };
    if (info.siblingOf !== undefined) info.siblingOf = ids.get(info.siblingOf) ?? info.siblingOf;
    if (info.continuedFrom !== undefined) info.continuedFrom = ids.get(info.continuedFrom) ?? info.continuedFrom;
    return { run: { ...run, runId, info }, events: events.map((e) => withRunId(e, runId)), checkpoints: checkpoints.map((c) => ({ ...c, runId })) };
  });
  for (const d of read.contents.datasets) if (!(await storage.hasDataset(d.hash))) plan.datasets.push(d);
  for (const f of read.contents.bertFeatures) if (!(await storage.bertFeatures(f.key))) plan.bertFeatures.push(f);
  if ((await storage.getValue(CURRENT_DATASET_KEY)) === undefined) plan.currentDataset = read.contents.settings.currentDataset;
  const study = read.contents.settings.study as { items?: { runId?: unknown }[] } | null;
  if (study && (await storage.getValue(STUDY_KEY)) === undefined && Array.isArray(study.items)) {
    plan.study = { ...study, items: study.items.map((item) => (typeof item?.runId === 'string' ? { ...item, runId: ids.get(item.runId) ?? item.runId } : item)) };
  }
  plan.bytes =
    plan.add.reduce((n, b) => n + JSON.stringify(b.events).length + b.checkpoints.reduce((m, c) => m + c.weights.reduce((k, w) => k + w.data.byteLength, 0), 0), 0) +
    plan.datasets.reduce((n, d) => n + d.bytes.length + (d.parts ?? []).reduce((m, p) => m + p.bytes.length, 0), 0) +
    plan.bertFeatures.reduce((n, f) => n + f.words.byteLength + f.halves.byteLength, 0);
  return plan;
}

/**
 * Writes a plan. Datasets first (runs need them to resume), then each run; if any write fails,
 * the runs written so far are deleted again and the error is thrown: nothing half-imported stays.
 * Datasets and features written before the failure stay (content-addressed: they are never wrong).
 */
export async function writeMerge(storage: RunStorage, plan: MergePlan): Promise<void> {
  const written: string[] = [];
  try {
    for (const d of plan.datasets) await storage.putDataset(d);
    for (const f of plan.bertFeatures) await storage.putBertFeatures(f);
    for (const { run, events, checkpoints } of plan.add) {
      written.push(run.runId);
      await storage.putRuns([run]);
      if (events.length > 0) await storage.appendEvents(events.map((event) => ({ runId: run.runId, event })));
      if (checkpoints.length > 0) await storage.putCheckpoints(checkpoints);
    }
    if (plan.currentDataset) await storage.putValue(CURRENT_DATASET_KEY, plan.currentDataset);
    if (plan.study) await storage.putValue(STUDY_KEY, plan.study);
  } catch (error) {
    for (const runId of written) await storage.deleteRun(runId).catch(() => undefined);
    throw error;
  }
}
