/**
 * The workspace archive over in-memory storages: a workspace written and read back into a fresh
 * one gives the same runs, events, checkpoints, datasets, features and settings; importing again
 * adds nothing; a different run under a taken id is imported under a new id and name beside it;
 * a truncated, corrupted, forged or oversized archive is refused naming the archive and the entry,
 * with nothing written.
 */
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { presets } from '../../core/config.ts';
import type { EpochEvent, RunInfo, StepEvent } from '../../core/events.ts';
import { buildVocabularies, vocabulariesToJSON } from '../../data/index.ts';
import { minimumWeightCount } from '../../train/formats/checkpoint.ts';
import { CURRENT_DATASET_KEY } from '../datasets/keptDataset.ts';
import { MemoryRunStorage, type StoredCheckpoint, type StoredRun } from '../persistence/runStorage.ts';
import { runContentHash, sha256Hex } from './runContentHash.ts';
import { MAX_WORKSPACE_BYTES, readWorkspaceArchive, WORKSPACE_MANIFEST, WorkspaceArchiveError, writeWorkspaceArchive, type WorkspaceManifest } from './workspaceArchive.ts';
import { collectWorkspace, planMerge, writeMerge } from './workspaceTransfer.ts';

const tasks = [{ name: 'POS', column: 1, scheme: 'plain' as const }];
const vocabularies = buildVocabularies([{ words: ['a', 'b'], tags: [['X', 'Y']] }], 1);
const loss = { total: 1, tasks: { POS: 1 }, adversarial: 0, orthogonality: 0 };
/** Enough weights for the tiny preset's smallest model (the checkpoint reader refuses fewer). */
const size = minimumWeightCount(presets.tiny, 1, vocabularies);
const dataBytes = strToU8('a X\nb Y\n');

function step(runId: string, n: number): StepEvent {
  return { type: 'step', runId, epoch: 1, batch: n, batches: 2, step: n, loss, learningRate: 0.01, lambdaAdversarial: 0, tokensPerSecond: 1, threads: 1, elapsedSeconds: 1, etaSeconds: 1 };
}
function epoch(runId: string, score: number): EpochEvent {
  return {
    type: 'epoch', runId, epoch: 1, step: 2, seconds: 1, learningRate: 0.01, lambdaAdversarial: 0, train: loss,
    dev: { scores: [{ task: 'POS', metric: 'accuracy', value: score, accuracy: score }], discriminatorAccuracy: [], attention: [], loss },
    devScore: score, best: true,
  };
}

async function seed(storage: MemoryRunStorage, runId: string, label: string, value: number, notes = ''): Promise<void> {
  const datasetHash = await sha256Hex(dataBytes);
  const info: RunInfo = { runId, label, config: presets.tiny, datasetName: 'toy.conll', datasetHash, backend: 'wasm' };
  const run: StoredRun = { runId, info, config: presets.tiny, status: 'completed', notes, datasetHash, overrides: [], updatedAt: 1 };
  const weights = [{ name: 'w', shape: [size], data: new Float32Array(size).fill(value) }];
  const checkpoint = (kind: 'last' | 'best'): StoredCheckpoint => ({
    runId, kind, epoch: 1, step: 2, tasks, vocabularies: vocabulariesToJSON(vocabularies), weights,
    ...(kind === 'best' ? { score: 50, scores: epoch(runId, 50).dev.scores } : {}),
  });
  await storage.putRuns([run]);
  await storage.appendEvents([step(runId, 1), step(runId, 2), epoch(runId, 50)].map((event) => ({ runId, event })));
  await storage.putCheckpoints([checkpoint('last'), checkpoint('best')]);
  if (!(await storage.hasDataset(datasetHash))) await storage.putDataset({ hash: datasetHash, name: 'toy.conll', bytes: dataBytes, builtIn: false });
}

async function workspace(): Promise<MemoryRunStorage> {
  const storage = new MemoryRunStorage();
  await seed(storage, 'run-1', 'MTAA', 0.25, 'first try');
  await storage.putBertFeatures({ key: 'ckpt|data|layer-1|first', dim: 2, sentences: ['a\u0001b'], words: Uint32Array.of(2), halves: Uint16Array.of(1, 2, 3, 4), createdAt: 5 });
  await storage.putValue(CURRENT_DATASET_KEY, { hash: await sha256Hex(dataBytes), name: 'toy.conll', overrides: [], test: { name: 'test.conll', bytes: strToU8('a X\n') } });
  await storage.putValue('study', { id: 's1', items: [{ id: 'i1', runId: 'run-1' }], active: false });
  return storage;
}

async function exported(storage: MemoryRunStorage): Promise<Uint8Array> {
  return writeWorkspaceArchive(await collectWorkspace(storage));
}

async function importInto(storage: MemoryRunStorage, bytes: Uint8Array) {
  const read = await readWorkspaceArchive('ws.zip', bytes);
  const plan = await planMerge(storage, read);
  await writeMerge(storage, plan);
  return plan;
}

/** Everything a storage holds, as comparable data. */
async function snapshot(storage: MemoryRunStorage) {
  const runs = await storage.runs();
  return {
    runs,
    events: await Promise.all(runs.map((r) => storage.events(r.runId))),
    checkpoints: await Promise.all(runs.map(async (r) => [await storage.checkpoint(r.runId, 'last'), await storage.checkpoint(r.runId, 'best')])),
    datasets: await storage.datasetHashes(),
    bert: await storage.bertFeatureKeys(),
    current: await storage.getValue(CURRENT_DATASET_KEY),
    study: await storage.getValue('study'),
  };
}

/** The archive with its entries changed by `edit` (a forger's or a bad disk's work), zipped again. */
function rezip(bytes: Uint8Array, edit: (files: Record<string, Uint8Array>) => void): Uint8Array {
  const files = unzipSync(bytes);
  edit(files);
  return zipSync(files);
}

/** The archive with one JSON entry rewritten and the manifest's size and hash for it updated to match. */
async function reentered(bytes: Uint8Array, path: string, edit: (text: string) => string): Promise<Uint8Array> {
  const files = unzipSync(bytes);
  files[path] = strToU8(edit(strFromU8(files[path]!)));
  const manifest = JSON.parse(strFromU8(files[WORKSPACE_MANIFEST]!)) as WorkspaceManifest;
  const entry = manifest.entries.find((e) => e.path === path)!;
  entry.bytes = files[path].length;
  entry.sha256 = await sha256Hex(files[path]);
  files[WORKSPACE_MANIFEST] = strToU8(JSON.stringify(manifest));
  return zipSync(files);
}

async function refusal(bytes: Uint8Array): Promise<WorkspaceArchiveError> {
  const error = await readWorkspaceArchive('ws.zip', bytes).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkspaceArchiveError);
  return error as WorkspaceArchiveError;
}

describe('workspace archive', () => {
  it('round-trips a workspace into a fresh storage: runs, events, checkpoints, datasets, features, settings', async () => {
    const source = await workspace();
    const bytes = await exported(source);
    const manifest = JSON.parse(strFromU8(unzipSync(bytes)[WORKSPACE_MANIFEST]!)) as WorkspaceManifest;
    expect(manifest.format).toBe('mtaa-workspace');
    expect(manifest.version).toBe(1);
    for (const entry of manifest.entries) expect(entry.sha256).toMatch(/^[0-9a-f]{64}$/);

    const target = new MemoryRunStorage();
    const plan = await importInto(target, bytes);
    expect(plan.add.map((b) => b.run.runId)).toEqual(['run-1']);
    expect(plan.skipped).toEqual([]);
    expect(await snapshot(target)).toEqual(await snapshot(source));
    const features = await target.bertFeatures('ckpt|data|layer-1|first');
    expect(Array.from(features!.halves)).toEqual([1, 2, 3, 4]);
    // The run hashes the same on both sides: the next import knows it.
    const [run] = await target.runs();
    const bundle = { run: run!, events: await target.events('run-1'), checkpoints: [(await target.checkpoint('run-1', 'last'))!, (await target.checkpoint('run-1', 'best'))!] };
    expect(await runContentHash(bundle)).toBe(manifest.runs[0]!.contentHash);
  });

  it('imports a second time without duplicating anything', async () => {
    const bytes = await exported(await workspace());
    const target = new MemoryRunStorage();
    await importInto(target, bytes);
    const before = await snapshot(target);
    const plan = await importInto(target, bytes);
    expect(plan.add).toEqual([]);
    expect(plan.skipped.map((s) => s.localId)).toEqual(['run-1']);
    expect(await snapshot(target)).toEqual(before);
  });

  it('imports a different run under a taken id with a new id and name, overwriting nothing', async () => {
    const bytes = await exported(await workspace());
    const target = new MemoryRunStorage();
    await seed(target, 'run-1', 'MTAA', 0.75, 'mine');
    const mine = await snapshot(target);
    const plan = await importInto(target, bytes);
    expect(plan.renamed).toEqual([{ archiveId: 'run-1', runId: 'run-2', from: 'MTAA', to: 'MTAA 2' }]);
    const runs = await target.runs();
    expect(runs.map((r) => [r.runId, r.info.label, r.notes])).toEqual([
      ['run-1', 'MTAA', 'mine'],
      ['run-2', 'MTAA 2', 'first try'],
    ]);
    expect(runs[0]).toEqual(mine.runs[0]);
    expect((await target.events('run-2')).every((e) => e.type !== 'live-change' && e.runId === 'run-2')).toBe(true);
    expect((await target.checkpoint('run-2', 'best'))!.weights[0]!.data[0]).toBe(0.25);
    expect((await target.checkpoint('run-1', 'best'))!.weights[0]!.data[0]).toBe(0.75);
    // The study, absent here, came with its item pointing at the run's new id.
    expect(await target.getValue('study')).toMatchObject({ items: [{ runId: 'run-2' }] });
    // And the renamed copy is known by its content next time.
    expect((await importInto(target, bytes)).add).toEqual([]);
  });

  it('refuses a truncated archive, naming it, and writes nothing', async () => {
    const bytes = await exported(await workspace());
    const target = new MemoryRunStorage();
    await seed(target, 'run-1', 'mine', 0.5);
    const before = await snapshot(target);
    const error = await refusal(bytes.slice(0, Math.floor(bytes.length * 0.6)));
    expect(error.message).toMatch(/^ws\.zip: archive: not a readable zip archive/);
    expect(await snapshot(target)).toEqual(before);
  });

  it('refuses an entry whose bytes were changed, naming the entry', async () => {
    const bytes = await exported(await workspace());
    const corrupt = rezip(bytes, (files) => {
      const weights = files['runs/run-1/best/weights.bin']!;
      weights[10] = weights[10]! ^ 0xff;
    });
    const error = await refusal(corrupt);
    expect(error.message).toBe('ws.zip: runs/run-1/best/weights.bin: its SHA-256 does not match the manifest: the entry is corrupted or was modified');
  });

  it('refuses a forged manifest: an entry listed with its new hash but the run\'s content hash left', async () => {
    const bytes = await exported(await workspace());
    const path = 'runs/run-1/run.json';
    const forged = await reentered(bytes, path, (text) => JSON.stringify({ ...(JSON.parse(text) as StoredRun), notes: 'not what was trained' }));
    const error = await refusal(forged);
    expect(error.message).toBe("ws.zip: runs/run-1: its content does not match the manifest's content hash: the run was modified");
  });

  it('refuses a forged checkpoint config through the model reader, naming the entry', async () => {
    const bytes = await exported(await workspace());
    const forged = await reentered(bytes, 'runs/run-1/last/model.json', (text) => {
      const model = JSON.parse(text) as { config: { model: { individual: { hidden: number }; shared: { hidden: number } } } };
      model.config.model.individual.hidden = 2048;
      model.config.model.shared.hidden = 2048;
      return JSON.stringify(model);
    });
    const error = await refusal(forged);
    expect(error.message).toMatch(/^ws\.zip: runs\/run-1\/last\/config: its sizes need at least \d+ weights but the manifest lists \d+$/);
  });

  it('refuses an entry missing from the archive, or one it does not list', async () => {
    const bytes = await exported(await workspace());
    const missing = await refusal(rezip(bytes, (files) => delete files['runs/run-1/events.json']));
    expect(missing.message).toBe('ws.zip: runs/run-1/events.json: listed in the manifest but missing from the archive (truncated?)');
    const extra = await refusal(rezip(bytes, (files) => (files['runs/run-1/extra.bin'] = Uint8Array.of(1))));
    expect(extra.message).toBe('ws.zip: runs/run-1/extra.bin: not listed in the manifest');
  });

  it('refuses a model archive and an archive over the size limit before unzipping', async () => {
    const notWorkspace = await refusal(zipSync({ 'model.json': strToU8('{}') }));
    expect(notWorkspace.message).toMatch(/^ws\.zip: workspace\.json: missing: this is not a workspace archive/);
    const huge = { length: MAX_WORKSPACE_BYTES + 1 } as Uint8Array;
    const tooLarge = await refusal(huge);
    expect(tooLarge.message).toBe(`ws.zip: archive: ${MAX_WORKSPACE_BYTES + 1} bytes is over the ${MAX_WORKSPACE_BYTES}-byte limit`);
  });

  it('leaves storage as it was when a write fails half way', async () => {
    const source = await workspace();
    await seed(source, 'run-2', 'no-TD', 0.5);
    const bytes = await exported(source);
    const target = new MemoryRunStorage();
    const read = await readWorkspaceArchive('ws.zip', bytes);
    const plan = await planMerge(target, read);
    // The second run's record is refused as a full quota would.
    let writes = 0;
    const putRuns = target.putRuns.bind(target);
    target.putRuns = async (runs) => {
      if (++writes === 2) throw Object.assign(new Error('quota exceeded'), { name: 'QuotaExceededError' });
      return putRuns(runs);
    };
    await expect(writeMerge(target, plan)).rejects.toThrow('quota exceeded');
    expect(await target.runs()).toEqual([]);
    expect(await target.events('run-1')).toEqual([]);
    expect(await target.checkpoint('run-1', 'best')).toBeUndefined();
  });
});
