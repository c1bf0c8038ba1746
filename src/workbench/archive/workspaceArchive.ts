/**
 * The workspace archive (issue 18): everything the workbench keeps in one zip, to back it up or
 * move it to another browser or machine, and for `mtaa eval|predict --model WORKSPACE.zip --run R`.
 *
 * Layout (every path below is listed in `workspace.json` with its byte size and SHA-256):
 * - `workspace.json`: the manifest (format, version, the entries, the runs with their content hash,
 *   the datasets, the BERT feature sets, the settings);
 * - `runs/<runId>/run.json` (StoredRun), `runs/<runId>/events.json` (its events, in order);
 * - `runs/<runId>/<last|best>/model.json` + `weights.bin`: each checkpoint as the model archive's
 *   own files (src/train/formats/checkpoint.ts), so the same validation reads it, its position
 *   (epoch, step, batch, score) in the summary's `checkpoint`;
 * - `datasets/<hash>/file` and `datasets/<hash>/part-<i>`: the files the runs trained on;
 * - `bert/<i>/features.json`, `words.u32`, `halves.u16`: BERT feature caches (little-endian);
 * - `settings/test-file`: the kept dataset's test file (the pointer itself is in the manifest).
 *
 * `readWorkspaceArchive` checks the whole archive before anything uses it: size limits, the zip,
 * the manifest, every entry's size and hash (and nothing unlisted), every JSON shape, every
 * checkpoint (decodeModelFiles), every dataset's hash and every run's content hash. A refusal is a
 * WorkspaceArchiveError naming the archive, the entry and the problem. Pure TypeScript.
 */
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { ConfigError, presets } from '../../core/config.ts';
import { applyConfigPatch } from '../../core/configInput.ts';
import { messageOf } from '../../core/errors.ts';
import type { RunStatus } from '../../core/events.ts';
import { vocabulariesFromJSON, vocabulariesToJSON } from '../../data/index.ts';
import { CheckpointError, decodeModelFiles, encodeModelFiles, MAX_ARCHIVE_BYTES, MODEL_FILES } from '../../train/formats/checkpoint.ts';
import type { CheckpointKind, StoredBertFeatures, StoredCheckpoint, StoredDataset, StoredEvent, StoredRun } from '../persistence/runStorage.ts';
import { runContentHash, sha256Hex, type RunBundle } from './runContentHash.ts';

export type { RunBundle };

export const WORKSPACE_FORMAT = 'mtaa-workspace';
export const WORKSPACE_VERSION = 1;
export const WORKSPACE_MANIFEST = 'workspace.json';
/** The same limits as a model archive's: packed and unpacked. */
export const MAX_WORKSPACE_BYTES = MAX_ARCHIVE_BYTES;

/** A workspace archive that cannot be used: names the archive, the entry and the problem. */
export class WorkspaceArchiveError extends CheckpointError {
  constructor(file: string, entry: string, problem: string) {
    super(file, entry, problem);
    this.name = 'WorkspaceArchiveError';
  }
}

/** The kept dataset's pointer (src/workbench/datasets/keptDataset.ts) with its test file's bytes. */
export interface KeptPointer {
  hash: string;
  name: string;
  overrides: StoredRun['overrides'];
  test: { name: string; bytes: Uint8Array } | null;
}

/** What a workspace holds: what the worker's storage keeps. */
export interface WorkspaceContents {
  runs: RunBundle[];
  datasets: StoredDataset[];
  bertFeatures: StoredBertFeatures[];
  settings: { currentDataset: KeptPointer | null; study: unknown };
}

interface ManifestEntry {
  path: string;
  bytes: number;
  sha256: string;
}

/** `workspace.json`. */
export interface WorkspaceManifest {
  format: typeof WORKSPACE_FORMAT;
  version: number;
  createdAt: string;
  entries: ManifestEntry[];
  runs: { runId: string; label: string; contentHash: string; checkpoints: CheckpointKind[] }[];
  datasets: { hash: string; name: string; builtIn: boolean; parts: string[] }[];
  bertFeatures: { key: string; dim: number; createdAt: number; sentences: number }[];
  /** BERT feature sets left out (too large to be worth moving: they can be computed again). */
  bertFeaturesOmitted: { key: string; bytes: number }[];
  settings: {
    currentDataset: { hash: string; name: string; overrides: StoredRun['overrides']; testName: string | null } | null;
    study: unknown;
  };
}

/** BERT feature caches up to this size in all go in the archive ("if cheap"); larger ones are recomputed. */
export const MAX_ARCHIVED_BERT_BYTES = 64 * 1024 * 1024;

const RUN_ID = /^[A-Za-z0-9_.-]{1,100}$/;
const HEX64 = /^[0-9a-f]{64}$/;
const RUN_STATUSES: readonly RunStatus[] = ['queued', 'running', 'paused', 'completed', 'stopped', 'failed', 'interrupted'];
const EVENT_TYPES = ['step', 'epoch', 'done', 'test-scores', 'live-change'];

const bytesOf = (view: ArrayBufferView): Uint8Array => new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
const bertBytes = (f: StoredBertFeatures) => f.words.byteLength + f.halves.byteLength;

/** The checkpoint as model files (model.json + weights.bin; safetensors would double the weights). */
function checkpointFiles(run: StoredRun, c: StoredCheckpoint): Record<string, Uint8Array> {
  const files = encodeModelFiles({
    config: run.config,
    tasks: c.tasks,
    vocabularies: vocabulariesFromJSON(c.vocabularies, `${run.runId}: stored vocabularies`),
    weights: c.weights,
    summary: {
      runId: run.runId,
      label: run.info.label,
      dataset: run.info.datasetName,
      epoch: c.epoch,
      ...(c.score !== undefined ? { devScore: c.score } : {}),
      ...(c.scores ? { dev: c.scores } : {}),
      checkpoint: { kind: c.kind, epoch: c.epoch, step: c.step, ...(c.batch ? { batch: c.batch } : {}), ...(c.score !== undefined ? { score: c.score } : {}), ...(c.scores ? { scores: c.scores } : {}) },
    },
  });
  return { [MODEL_FILES.manifest]: files[MODEL_FILES.manifest]!, [MODEL_FILES.weights]: files[MODEL_FILES.weights]! };
}

/** Writes the archive; refuses (naming the limit) a workspace over MAX_WORKSPACE_BYTES. */
export async function writeWorkspaceArchive(contents: WorkspaceContents, now = new Date()): Promise<Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  const manifest: WorkspaceManifest = {
    format: WORKSPACE_FORMAT,
    version: WORKSPACE_VERSION,
    createdAt: now.toISOString(),
    entries: [],
    runs: [],
    datasets: [],
    bertFeatures: [],
    bertFeaturesOmitted: [],
    settings: { currentDataset: null, study: contents.settings.study ?? null },
  };
  for (const bundle of contents.runs) {
    const { run } = bundle;
    const base = `runs/${run.runId}`;
    files[`${base}/run.json`] = strToU8(JSON.stringify(run));
    files[`${base}/events.json`] = strToU8(JSON.stringify(bundle.events));
    for (const c of bundle.checkpoints) {
      for (const [name, bytes] of Object.entries(checkpointFiles(run, c))) files[`${base}/${c.kind}/${name}`] = bytes;
    }
    manifest.runs.push({ runId: run.runId, label: run.info.label, contentHash: await runContentHash(bundle), checkpoints: bundle.checkpoints.map((c) => c.kind) });
  }
  for (const d of contents.datasets) {
    files[`datasets/${d.hash}/file`] = d.bytes;
    (d.parts ?? []).forEach((p, i) => (files[`datasets/${d.hash}/part-${i}`] = p.bytes));
    manifest.datasets.push({ hash: d.hash, name: d.name, builtIn: d.builtIn, parts: (d.parts ?? []).map((p) => p.name) });
  }
  let bertTotal = 0;
  for (const f of contents.bertFeatures) {
    if (bertTotal + bertBytes(f) > MAX_ARCHIVED_BERT_BYTES) {
      manifest.bertFeaturesOmitted.push({ key: f.key, bytes: bertBytes(f) });
      continue;
    }
    bertTotal += bertBytes(f);
    const base = `bert/${manifest.bertFeatures.length}`;
    files[`${base}/features.json`] = strToU8(JSON.stringify({ key: f.key, dim: f.dim, sentences: f.sentences, createdAt: f.createdAt }));
    files[`${base}/words.u32`] = bytesOf(f.words);
    files[`${base}/halves.u16`] = bytesOf(f.halves);
    manifest.bertFeatures.push({ key: f.key, dim: f.dim, createdAt: f.createdAt, sentences: f.sentences.length });
  }
  const kept = contents.settings.currentDataset;
  if (kept) {
    manifest.settings.currentDataset = { hash: kept.hash, name: kept.name, overrides: kept.overrides, testName: kept.test?.name ?? null };
    if (kept.test) files['settings/test-file'] = kept.test.bytes;
  }
  let total = 0;
  for (const [path, bytes] of Object.entries(files)) {
    total += bytes.length;
    manifest.entries.push({ path, bytes: bytes.length, sha256: await sha256Hex(bytes) });
  }
  if (total > MAX_WORKSPACE_BYTES) {
    throw new WorkspaceArchiveError('workspace', 'archive', `${total} bytes is over the ${MAX_WORKSPACE_BYTES}-byte limit: export fewer runs (delete those you no longer need) or export single models`);
  }
  // Weights and features barely compress: store them, deflate only the JSON.
  const zipped = zipSync({
    [WORKSPACE_MANIFEST]: [strToU8(JSON.stringify(manifest, null, 1)), { level: 6 }],
    ...Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, [bytes, { level: name.endsWith('.json') ? 6 : 0 }] as const])),
  });
  return zipped;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A validated archive: its contents, ready to merge, and its manifest (run names and hashes). */
export interface ReadWorkspace {
  manifest: WorkspaceManifest;
  contents: WorkspaceContents;
  /** Bytes it unpacks to (what writing it will take, about). */
  unpackedBytes: number;
}

/** Unzips and checks the archive's shape and integrity (sizes, hashes, nothing unlisted); no entry is parsed yet. */
async function openArchive(fileName: string, bytes: Uint8Array): Promise<{ manifest: WorkspaceManifest; files: Record<string, Uint8Array>; unpackedBytes: number }> {
  const fail = (entry: string, problem: string): never => {
    throw new WorkspaceArchiveError(fileName, entry, problem);
  };
  if (bytes.length > MAX_WORKSPACE_BYTES) fail('archive', `${bytes.length} bytes is over the ${MAX_WORKSPACE_BYTES}-byte limit`);
  let files: Record<string, Uint8Array> = {};
  let unpackedBytes = 0;
  try {
    files = unzipSync(bytes, {
      filter: (file) => {
        unpackedBytes += file.originalSize;
        if (unpackedBytes > MAX_WORKSPACE_BYTES) throw new Error(`unpacks to more than ${MAX_WORKSPACE_BYTES} bytes`);
        return true;
      },
    });
  } catch (error) {
    fail('archive', `not a readable zip archive (${messageOf(error)}): it may be truncated; export it again`);
  }
  const head = files[WORKSPACE_MANIFEST];
  if (!head) return fail(WORKSPACE_MANIFEST, 'missing: this is not a workspace archive (a single model archive is opened with Import model)');
  let raw: unknown;
  try {
    raw = JSON.parse(strFromU8(head));
  } catch (error) {
    return fail(WORKSPACE_MANIFEST, `not valid JSON (${messageOf(error)})`);
  }
  if (!isObject(raw)) return fail(WORKSPACE_MANIFEST, 'not a JSON object');
  if (raw.format !== WORKSPACE_FORMAT) fail(`${WORKSPACE_MANIFEST}: format`, `expected "${WORKSPACE_FORMAT}", got ${JSON.stringify(raw.format)}`);
  if (raw.version !== WORKSPACE_VERSION) fail(`${WORKSPACE_MANIFEST}: version`, `version ${JSON.stringify(raw.version)} is not supported (this workbench reads ${WORKSPACE_VERSION})`);
  for (const key of ['entries', 'runs', 'datasets', 'bertFeatures'] as const) if (!Array.isArray(raw[key])) fail(`${WORKSPACE_MANIFEST}: ${key}`, 'expected a list');
  if (!isObject(raw.settings)) fail(`${WORKSPACE_MANIFEST}: settings`, 'expected an object');
  const manifest = raw as unknown as WorkspaceManifest;
  manifest.bertFeaturesOmitted ??= [];
  const listed = new Set<string>();
  for (const [i, entry] of manifest.entries.entries()) {
    const e = entry as Partial<ManifestEntry>;
    if (!isObject(e) || typeof e.path !== 'string' || !Number.isInteger(e.bytes) || typeof e.sha256 !== 'string' || !HEX64.test(e.sha256)) {
      fail(`${WORKSPACE_MANIFEST}: entries[${i}]`, 'expected { path, bytes, sha256 }');
    }
    const { path, bytes: size, sha256 } = e as ManifestEntry;
    if (listed.has(path) || path === WORKSPACE_MANIFEST) fail(path, 'listed twice in the manifest');
    listed.add(path);
    const file = files[path];
    if (!file) fail(path, 'listed in the manifest but missing from the archive (truncated?)');
    if (file!.length !== size) fail(path, `${file!.length} bytes, but the manifest says ${size}`);
    if ((await sha256Hex(file!)) !== sha256) fail(path, 'its SHA-256 does not match the manifest: the entry is corrupted or was modified');
  }
  for (const path of Object.keys(files)) if (path !== WORKSPACE_MANIFEST && !listed.has(path)) fail(path, 'not listed in the manifest');
  return { manifest, files, unpackedBytes };
}

/** Reads and validates a workspace archive; throws a WorkspaceArchiveError (archive, entry, problem). */
export async function readWorkspaceArchive(fileName: string, bytes: Uint8Array): Promise<ReadWorkspace> {
  const { manifest, files, unpackedBytes } = await openArchive(fileName, bytes);
  const fail = (entry: string, problem: string): never => {
    throw new WorkspaceArchiveError(fileName, entry, problem);
  };
  const json = (path: string): unknown => {
    const file = files[path];
    if (!file) return fail(path, 'missing');
    try {
      return JSON.parse(strFromU8(file));
    } catch (error) {
      return fail(path, `not valid JSON (${messageOf(error)})`);
    }
  };

  const runs: RunBundle[] = [];
  const seenRuns = new Set<string>();
  for (const [i, item] of manifest.runs.entries()) {
    const where = `${WORKSPACE_MANIFEST}: runs[${i}]`;
    if (!isObject(item) || typeof item.runId !== 'string' || !RUN_ID.test(item.runId) || typeof item.contentHash !== 'string' || !Array.isArray(item.checkpoints)) {
      fail(where, 'expected { runId, label, contentHash, checkpoints }');
    }
    if (seenRuns.has(item.runId)) fail(where, `run ${item.runId} is listed twice`);
    seenRuns.add(item.runId);
    const base = `runs/${item.runId}`;
    const run = checkRun(json(`${base}/run.json`), item.runId, `${base}/run.json`, fail);
    const events = checkEvents(json(`${base}/events.json`), `${base}/events.json`, fail);
    const checkpoints: StoredCheckpoint[] = [];
    for (const kind of item.checkpoints) {
      if (kind !== 'last' && kind !== 'best') fail(where, `checkpoint ${JSON.stringify(kind)} is neither "last" nor "best"`);
      checkpoints.push(readCheckpoint(fileName, files, run, kind, fail));
    }
    const bundle: RunBundle = { run, events, checkpoints };
    if ((await runContentHash(bundle)) !== item.contentHash) fail(base, 'its content does not match the manifest\'s content hash: the run was modified');
    runs.push(bundle);
  }

  const datasets: StoredDataset[] = [];
  for (const [i, item] of manifest.datasets.entries()) {
    if (!isObject(item) || typeof item.hash !== 'string' || !HEX64.test(item.hash) || typeof item.name !== 'string' || typeof item.builtIn !== 'boolean' || !Array.isArray(item.parts) || item.parts.some((p) => typeof p !== 'string')) {
      fail(`${WORKSPACE_MANIFEST}: datasets[${i}]`, 'expected { hash, name, builtIn, parts }');
    }
    const base = `datasets/${item.hash}`;
    const file = files[`${base}/file`] ?? fail(`${base}/file`, 'missing');
    const parts = item.parts.map((name, k) => ({ name, bytes: files[`${base}/part-${k}`] ?? fail(`${base}/part-${k}`, 'missing') }));
    // The hash names the content (one file: its SHA-256; with added files: of the files' hashes).
    const primary = await sha256Hex(file);
    const hash = parts.length === 0 ? primary : await sha256Hex(new TextEncoder().encode([primary, ...(await Promise.all(parts.map((p) => sha256Hex(p.bytes))))].join('+')));
    if (hash !== item.hash) fail(base, `its files hash to ${hash.slice(0, 12)}…, not to the name it is listed under`);
    datasets.push({ hash: item.hash, name: item.name, builtIn: item.builtIn, bytes: file, ...(parts.length > 0 ? { parts } : {}) });
  }
  const bertFeatures: StoredBertFeatures[] = [];
  for (const [i] of manifest.bertFeatures.entries()) {
    const base = `bert/${i}`;
    const raw = json(`${base}/features.json`);
    if (!isObject(raw) || typeof raw.key !== 'string' || !Number.isInteger(raw.dim) || (raw.dim as number) <= 0 || !Array.isArray(raw.sentences) || typeof raw.createdAt !== 'number') {
      return fail(`${base}/features.json`, 'expected { key, dim, sentences, createdAt }');
    }
    const head = raw as { key: string; dim: number; sentences: unknown[]; createdAt: number };
    const wordsBytes = files[`${base}/words.u32`] ?? fail(`${base}/words.u32`, 'missing');
    const halvesBytes = files[`${base}/halves.u16`] ?? fail(`${base}/halves.u16`, 'missing');
    if (wordsBytes.length % 4 !== 0) fail(`${base}/words.u32`, 'not a whole number of 32-bit counts');
    if (halvesBytes.length % 2 !== 0) fail(`${base}/halves.u16`, 'not a whole number of 16-bit values');
    const words = new Uint32Array(new Uint8Array(wordsBytes).buffer);
    const halves = new Uint16Array(new Uint8Array(halvesBytes).buffer);
    const sentences = head.sentences;
    if (sentences.length !== words.length || sentences.some((s) => typeof s !== 'string')) fail(`${base}/features.json`, `${sentences.length} sentences for ${words.length} word counts`);
    const rows = words.reduce((n, w) => n + w, 0);
    if (rows * head.dim !== halves.length) fail(`${base}/halves.u16`, `${halves.length} values, but ${rows} words × ${head.dim} need ${rows * head.dim}`);
    bertFeatures.push({ key: head.key, dim: head.dim, sentences: sentences as string[], words, halves, createdAt: head.createdAt });
  }

  let currentDataset: KeptPointer | null = null;
  const kept = manifest.settings.currentDataset;
  if (kept !== null && kept !== undefined) {
    if (!isObject(kept) || typeof kept.hash !== 'string' || typeof kept.name !== 'string' || !Array.isArray(kept.overrides)) fail(`${WORKSPACE_MANIFEST}: settings.currentDataset`, 'expected { hash, name, overrides, testName }');
    const testName = kept.testName;
    const test = typeof testName === 'string' ? { name: testName, bytes: files['settings/test-file'] ?? fail('settings/test-file', 'missing') } : null;
    currentDataset = { hash: kept.hash, name: kept.name, overrides: kept.overrides, test };
  }
  return { manifest, contents: { runs, datasets, bertFeatures, settings: { currentDataset, study: manifest.settings.study ?? null } }, unpackedBytes };
}

type Fail = (entry: string, problem: string) => never;

function checkRun(raw: unknown, runId: string, path: string, fail: Fail): StoredRun {
  if (!isObject(raw)) return fail(path, 'not a JSON object');
  if (raw.runId !== runId) fail(`${path}: runId`, `${JSON.stringify(raw.runId)} is not the run it is filed under (${runId})`);
  const info = raw.info;
  if (!isObject(info) || info.runId !== runId || typeof info.label !== 'string' || typeof info.datasetName !== 'string' || typeof info.backend !== 'string' || !isObject(info.config)) {
    fail(`${path}: info`, 'expected { runId, label, config, datasetName, backend }');
  }
  try {
    // Merging onto a preset refuses unknown fields and wrong types, then validates ranges. The
    // config is kept as written: it is part of the run's content hash.
    applyConfigPatch(presets.paper, raw.config, 'config');
  } catch (error) {
    return fail(`${path}: ${error instanceof ConfigError ? error.field : 'config'}`, error instanceof ConfigError ? error.message.slice(error.field.length + 2) : messageOf(error));
  }
  if (!RUN_STATUSES.includes(raw.status as RunStatus)) fail(`${path}: status`, `${JSON.stringify(raw.status)} is not a run status`);
  if (typeof raw.notes !== 'string') fail(`${path}: notes`, 'expected text');
  if (raw.datasetHash !== null && (typeof raw.datasetHash !== 'string' || !HEX64.test(raw.datasetHash))) fail(`${path}: datasetHash`, 'expected a SHA-256 (hex) or null');
  if (!Array.isArray(raw.overrides)) fail(`${path}: overrides`, 'expected a list');
  if (typeof raw.updatedAt !== 'number') fail(`${path}: updatedAt`, 'expected a time');
  if (raw.message !== undefined && typeof raw.message !== 'string') fail(`${path}: message`, 'expected text');
  return raw as unknown as StoredRun;
}

function checkEvents(raw: unknown, path: string, fail: Fail): StoredEvent[] {
  if (!Array.isArray(raw)) return fail(path, 'expected a list of events');
  raw.forEach((event, i) => {
    if (!isObject(event) || !EVENT_TYPES.includes(event.type as string)) fail(`${path}: [${i}]`, `not a run event (type ${JSON.stringify(isObject(event) ? event.type : event)})`);
    if (event.type === 'live-change' ? !isObject(event.change) : typeof event.runId !== 'string') fail(`${path}: [${i}]`, `a ${String(event.type)} event without its run`);
  });
  return raw as StoredEvent[];
}

function readCheckpoint(fileName: string, files: Record<string, Uint8Array>, run: StoredRun, kind: CheckpointKind, fail: Fail): StoredCheckpoint {
  const base = `runs/${run.runId}/${kind}`;
  let saved;
  try {
    // The model archive's own validation: manifest, config, vocabularies, tag sets, weight names, shapes and bytes.
    saved = decodeModelFiles({ [MODEL_FILES.manifest]: files[`${base}/${MODEL_FILES.manifest}`], [MODEL_FILES.weights]: files[`${base}/${MODEL_FILES.weights}`] }, `${fileName}: ${base}`);
  } catch (error) {
    if (error instanceof CheckpointError) throw new WorkspaceArchiveError(fileName, `${base}/${error.field}`, error.problem);
    throw error;
  }
  const position = saved.summary?.checkpoint;
  if (!isObject(position) || position.kind !== kind || !Number.isInteger(position.epoch) || !Number.isInteger(position.step)) {
    return fail(`${base}/${MODEL_FILES.manifest}: summary.checkpoint`, 'expected { kind, epoch, step }');
  }
  return {
    runId: run.runId,
    kind,
    epoch: position.epoch as number,
    step: position.step as number,
    ...(Number.isInteger(position.batch) && (position.batch as number) > 0 ? { batch: position.batch as number } : {}),
    ...(typeof position.score === 'number' ? { score: position.score } : {}),
    ...(Array.isArray(position.scores) ? { scores: position.scores as StoredCheckpoint['scores'] } : {}),
    tasks: saved.tasks,
    vocabularies: vocabulariesToJSON(saved.vocabularies),
    weights: saved.weights,
  };
}

/** The runs an archive holds (the CLI's list), read without unpacking weights beyond validation. */
export async function workspaceRuns(fileName: string, bytes: Uint8Array): Promise<{ runId: string; label: string; status: RunStatus; checkpoints: CheckpointKind[] }[]> {
  const { contents } = await readWorkspaceArchive(fileName, bytes);
  return contents.runs.map(({ run, checkpoints }) => ({ runId: run.runId, label: run.info.label, status: run.status, checkpoints: checkpoints.map((c) => c.kind) }));
}
