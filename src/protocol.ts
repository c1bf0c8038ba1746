/**
 * The page <-> trainer worker API (comlink) and the data types only it carries. Types only: both
 * sides import this file, neither imports the other. A run's vocabulary (its config, events and
 * statuses) is src/core's, re-exported here for the page, which speaks it through this API.
 * About 475 lines, all type declarations: DESIGN.md keeps every type that crosses the worker
 * boundary in this one file, so the page's and the worker's view of the API cannot drift apart.
 */
import type { ColumnGuess, FileFormat, TagScheme } from './data/types.ts';
import type { DatasetSummary as DataSummary, TaskSummary } from './data/dataset.ts';
import type { ColumnOverride } from './data/columnPlan.ts';
import type { Backend, BertEmbeddingConfig, RunConfig } from './core/config.ts';
import type { LiveChange, RunEvent, RunInfo, RunStatus, TaskScore, TestScoresEvent, TrainEvent, VectorsCoverage } from './core/events.ts';
import type { SentenceInspection } from './core/inspection.ts';

export type { ColumnGuess, ColumnOverride, FileFormat, TagScheme, TaskSummary };
export type {
  AblationName,
  AdversarialSchedule,
  AdversaryPosition,
  Architecture,
  Backend,
  BertEmbeddingConfig,
  FusionKind,
  ModelConfig,
  OrthogonalityMode,
  PresetName,
  ReversalReach,
  RunConfig,
  TrainConfig,
} from './core/config.ts';
export type * from './core/events.ts';
export type { SentenceInspection } from './core/inspection.ts';

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
  /** SHA-256 of the file's bytes (hex): names the data a shared config was trained on. */
  hash?: string;
}

/** A data-layer error as plain data (Error objects lose their fields crossing postMessage). */
export interface DataErrorInfo {
  file: string;
  line?: number;
  kind: string;
  message: string;
}

export type LoadResult = { ok: true; dataset: DatasetSummary } | { ok: false; error: DataErrorInfo };

/**
 * A test file loaded beside the training data, aligned to the training tasks: runs started while it
 * is loaded are scored on it with their best epoch's weights when they end (`test-scores`).
 */
export interface TestFileSummary {
  name: string;
  sentences: number;
  tokens: number;
  /** Every training task, with the test sentences that carry its labels (0: not scored on test). */
  tasks: { name: string; labeledSentences: number }[];
}

export type TestFileResult = { ok: true; test: TestFileSummary } | { ok: false; error: DataErrorInfo };

/** Which tfjs backend the worker runs on, and what it found. */
export interface BackendInfo {
  name: Backend;
  /** GPU adapter description when WebGPU/WebGL is active (vendor, architecture), else ''. */
  adapter: string;
  /**
   * Backends this browser can run, in preference order: probed cheaply at start (an adapter for
   * WebGPU, a context for WebGL, WebAssembly), minus those that failed since.
   */
  available: Backend[];
  /** Backends that failed to start or failed while training (device lost, kernel error). */
  failed?: Backend[];
  /**
   * Backends whose device is a software one (a CPU emulating a GPU: SwiftShader, lavapipe,
   * llvmpipe): never chosen automatically, listed as such, started when the user picks them.
   */
  software?: Backend[];
  /** Why the active backend is not the one asked for, when it is not (e.g. "webgpu: no adapter"). */
  message?: string;
  /** Threads a training step uses on the active backend (the worker and its gradient peers), when more than one. */
  threads?: number;
}

/**
 * Why a backend dropped out while in use: its device was `lost` (WebGPU `device.lost`, a WebGL
 * context loss), or it reported an `error` (a WebGPU validation or out-of-memory error: some kernel's
 * output is garbage, so nothing computed on it since can be trusted).
 */
export type BackendFault = 'lost' | 'error';

/** Pre-trained word vectors loaded in the worker (GloVe / word2vec text). */
export interface VectorsInfo {
  fileName: string;
  dim: number;
  /** Vectors read. */
  count: number;
  /** Non-fatal remarks of the reader (duplicate words, a header count that differs). */
  warnings: string[];
  /** Coverage of the loaded dataset's word types; null without a dataset. */
  coverage: VectorsCoverage | null;
}

/** The BERT settings that change the word features themselves (mode and width change only the model). */
export type BertFeatureSettings = Pick<BertEmbeddingConfig, 'layer' | 'mixLastFour' | 'pooling'>;

/** Frozen BERT word features of the current dataset, held in the worker (and kept in IndexedDB). */
export interface BertFeaturesInfo {
  datasetName: string;
  settings: BertFeatureSettings;
  /** Distinct sentences and their words. */
  sentences: number;
  words: number;
  /** Values per word (H, or 4H for a mix of the last four layers). */
  dim: number;
  /** Size in IndexedDB: words × dim × 2 bytes (float16). */
  storedBytes: number;
  /** Read back from IndexedDB (true) or computed now (false). */
  fromCache: boolean;
  /** Time it took to compute or read them. */
  seconds: number;
  /** Why they could not be kept in IndexedDB (they are still used by this session's runs). */
  storageProblem?: string;
}

/** A local BERT checkpoint loaded in the worker (issue 17). */
export interface BertInfo {
  /** The dropped folder's or zip's name. */
  name: string;
  /** SHA-256 over its files: what cached features are keyed by. */
  hash: string;
  /** The checkpoint files read, by bare name. */
  files: string[];
  layers: number;
  hiddenSize: number;
  heads: number;
  vocabSize: number;
  maxPositions: number;
  /** 'F32', 'F16' or 'F32+F16' (as model.safetensors stores them). */
  storedDtype: string;
  /** The current dataset's features, once computed or read back (null before). */
  features: BertFeaturesInfo | null;
}

/** Everything the worker tells the page, pushed through the callback given to `subscribe`. */
export type WorkerEvent =
  | RunEvent
  | { type: 'backend'; backend: BackendInfo }
  /** Reading a vectors file: the share read so far, in [0, 1] (1 when the file has been read). */
  | { type: 'vectors-progress'; fileName: string; fraction: number }
  /** Computing BERT features: sentences encoded so far, and the time left at the rate so far (null at first). */
  | { type: 'bert-progress'; sentencesDone: number; sentences: number; etaSeconds: number | null }
  /** Persistence news: a write that failed (quota, unavailable storage) or succeeded again after one. */
  | { type: 'storage'; ok: boolean; message: string }
  /**
   * A run's host checkpoint after an epoch, copied to the page: if the worker dies, a new one
   * resumes the run from it (`restoreRuns`). `best` when it is also the run's best so far.
   */
  | ({ type: 'checkpoint'; runId: string; checkpoint: RunCheckpoint; best: boolean; score: number; scores: TaskScore[] })
  /**
   * Run ownership across tabs (src/workbench/tabs/runOwnership.ts): `elsewhere` when another tab of
   * this browser profile trains the run (its events follow); false when that tab let go of it, with
   * the run as storage now has it (`saved`; null: it was deleted there), this tab's to resume.
   */
  | { type: 'run-owner'; runId: string; elsewhere: boolean; saved?: SavedRun | null };

/** A run kept in the browser's storage, as the page gets it back after a reload. */
export interface SavedRun {
  info: RunInfo;
  status: RunStatus;
  message?: string;
  notes: string;
  /** Its train events (steps, epochs, done) and live changes, in the order they happened. */
  events: (TrainEvent | TestScoresEvent | { type: 'live-change'; change: LiveChange })[];
  /** Epochs of the checkpoints kept for it (resume starts from `last`; export uses `best`). */
  checkpoints: { last: number | null; best: number | null };
  /** Another tab of this browser profile trains it now: it cannot be resumed, deleted or continued here. */
  elsewhere?: boolean;
}

/** A settled study as a study archive holds it (the page's `Study`, every item done or failed). */
export interface ArchivedStudy {
  id: string;
  items: { id: string; configName: string; seed: number; config: RunConfig; status: 'done' | 'failed'; runId: string }[];
  active: false;
}

/** Weights of a run after an epoch or mid-epoch (by time), on the host (float32, in the model's order). */
export interface RunCheckpoint {
  /** Epochs completed. */
  epoch: number;
  step: number;
  /** Batches of epoch `epoch + 1` done (a checkpoint taken by time); absent or 0 at an epoch's end. */
  batch?: number;
  weights: { name: string; shape: number[]; data: Float32Array }[];
}

/** A run handed to a new worker after the previous one died: what the page kept of it. */
export interface AdoptedRun {
  info: RunInfo;
  /** The effective config (the run's own plus its live changes). */
  config: RunConfig;
  status: 'failed' | 'interrupted';
  message: string;
  /**
   * The run was live when its worker died: the new worker adds to `message` the epoch Resume
   * continues from (its checkpoint from IndexedDB, or `last` where the page had to keep copies).
   */
  died: boolean;
  /** The page's copy of the latest checkpoint: only where IndexedDB is unavailable, else null. */
  last: RunCheckpoint | null;
  best: (RunCheckpoint & { score: number; scores: TaskScore[] }) | null;
}

/** A trained model as files, transferred to the page for download (a worker cannot download). */
export interface ExportedModel {
  fileName: string;
  /** The zip archive: model.json, weights.bin, model.safetensors. */
  archive: ArrayBuffer;
}

/**
 * Space the workbench's records take in the browser's storage (issue 18), in bytes of data: per
 * run its events (and record) and checkpoints, and the dataset and BERT features it trained on
 * (shared with the other runs on them); the datasets and features once each; their total; and
 * the browser's own estimate of usage and quota (null when it gives none).
 */
export interface StorageUsage {
  runs: { runId: string; label: string; events: number; checkpoints: number; dataset: number; bertFeatures: number }[];
  datasets: { hash: string; name: string; bytes: number }[];
  bertFeatures: { key: string; bytes: number }[];
  total: number;
  estimate: { usage: number; quota: number } | null;
}

/** What importing a workspace archive did (`importWorkspace`), or why nothing was imported. */
export type WorkspaceImportResult =
  | {
      ok: true;
      /** The runs added, as the page adds kept runs (`savedRuns`). */
      runs: SavedRun[];
      /** Runs already here with the same content (by content hash): not imported again. */
      skipped: string[];
      /** Runs whose id or name was taken here by a different run: imported under a new one. */
      renamed: { from: string; to: string; runId: string }[];
      /** Datasets and BERT feature sets added (those already here are not written again). */
      datasets: number;
      bertFeatures: number;
    }
  | { ok: false; message: string };

/** The dataset a page opens with (`openDataset`): the one kept from the last visit, else the sample. */
export interface OpenedDataset {
  result: LoadResult;
  /** The test file kept with it, loaded again (null: none). */
  test: TestFileSummary | null;
  /** Why the kept dataset (or its test file) did not come back, when it did not; null otherwise. */
  notice: string | null;
  /**
   * Whether the worker keeps the dataset in IndexedDB (false: in memory only). Only then does the
   * page keep its own copies of the dropped files, so a new worker can load them if this one dies.
   */
  persistent: boolean;
}

/** The worker's API, exposed with comlink. */
/** What the trainer worker holds at one moment (the page soak samples it after every step; `?testhooks` only). */
export interface WorkerMemorySample {
  /** Live tfjs tensors and their bytes (`tf.memory()`); null where the worker has no tfjs engine to ask. */
  tensors: number | null;
  tensorBytes: number | null;
  /** Runs the worker's session holds. */
  runs: number;
  /** Records per IndexedDB object store (runs, events, checkpoints, datasets, values, bertFeatures). */
  records: Record<string, number>;
  /** The origin's storage use in bytes (`navigator.storage.estimate()`); null when unknown. */
  storageUsage: number | null;
}

export interface TrainerApi {
  /**
   * Loads the dataset kept from the last visit (its added files, column choices and test file), or
   * the built-in sample on a first visit or when the kept one is gone (`notice` says so).
   */
  openDataset(): Promise<OpenedDataset>;
  /** Loads the built-in sample (fetched by the worker from the app's own origin). */
  loadSample(): Promise<LoadResult>;
  /** Parses a file; on error the worker keeps its previous dataset. Every dataset change is kept in IndexedDB. */
  loadFile(fileName: string, bytes: ArrayBuffer, overrides?: ColumnOverride[]): Promise<LoadResult>;
  /**
   * Adds a file to the training data (partial labels): its task columns are merged with the
   * current dataset's by task name; its sentences carry no labels for the tasks it lacks, so those
   * tasks' losses skip them. On error nothing changes.
   */
  addFile(fileName: string, bytes: ArrayBuffer, overrides?: ColumnOverride[]): Promise<LoadResult>;
  /**
   * Reads a test file aligned to the current training tasks (by name; chunk schemes converted).
   * Runs started while it is loaded are scored on it when they end. On error the previous test file
   * (if any) stays. Any change of the training data (load, add, column choices) drops it.
   */
  loadTestFile(fileName: string, bytes: ArrayBuffer): Promise<TestFileResult>;
  /** Forgets the test file (runs started with it still get their scores). */
  clearTestFile(): Promise<void>;
  /** Re-detects the current dataset's tasks with the user's column choices. */
  applyOverrides(overrides: ColumnOverride[]): Promise<LoadResult>;
  /**
   * Registers the page's event sink (a comlink proxy); returns the active backend. The first call
   * starts tfjs on `preferred` (default: WebGPU → WebGL → WASM → CPU, the first that starts).
   */
  subscribe(onEvent: (event: WorkerEvent) => void, preferred?: Backend): Promise<BackendInfo>;
  /**
   * Switches the backend (WebGPU → WebGL → WASM → CPU if it fails). tfjs has one backend per worker:
   * runs that are running or paused are interrupted (status `interrupted`) and continue on the new
   * backend from their last epoch checkpoint when resumed.
   */
  setBackend(name: Backend): Promise<BackendInfo>;
  /**
   * Starts a run on the current dataset; events follow through `subscribe`. With `vectors`, its
   * word table starts from the loaded pre-trained vectors and its wordDim becomes theirs. With
   * `model.embedding.bert` in the config, its sentences carry the loaded checkpoint's features
   * (hiddenSize becomes the checkpoint's); refused when no checkpoint is loaded.
   */
  startRun(config: RunConfig, label: string, siblingOf?: string, options?: { vectors?: boolean }): Promise<RunInfo>;
  /**
   * Reads a GloVe / word2vec text file (progress as `vectors-progress` events). On error the
   * message names the file and line, and the vectors loaded before (if any) stay.
   */
  loadVectors(fileName: string, bytes: ArrayBuffer): Promise<{ ok: true; vectors: VectorsInfo } | { ok: false; message: string }>;
  /** The loaded vectors with their coverage of the current dataset (null: none loaded). */
  vectorsInfo(): Promise<VectorsInfo | null>;
  /** Forgets the loaded vectors (runs that used them keep their weights). */
  clearVectors(): Promise<void>;
  /**
   * Reads a BERT checkpoint dropped as a folder's files (paths as `webkitRelativePath` gives them)
   * or as one `.zip` (transferred). It is validated (architecture, tensor names, shapes, dtypes,
   * tokenizer) before any weight is read; a refusal names the file and the tensor, and the
   * checkpoint loaded before (if any) stays.
   */
  loadBert(name: string, files: { path: string; bytes: ArrayBuffer }[]): Promise<{ ok: true; bert: BertInfo } | { ok: false; message: string }>;
  /**
   * The current dataset's BERT features with these settings: read from IndexedDB when they were
   * computed before (same checkpoint, dataset, layers and pooling), else computed (progress as
   * `bert-progress` events) and kept there as float16. Runs whose config has `model.embedding.bert`
   * use them (they are computed on start when missing).
   */
  computeBertFeatures(settings: BertFeatureSettings): Promise<{ ok: true; bert: BertInfo } | { ok: false; message: string }>;
  /** The loaded checkpoint (null: none). */
  bertInfo(): Promise<BertInfo | null>;
  /** Forgets the checkpoint and its features in memory (IndexedDB keeps the features). */
  clearBert(): Promise<void>;
  pause(runId: string): Promise<void>;
  /**
   * Continues a paused run; a `failed` or `interrupted` run is rebuilt from its last checkpoint
   * (weights kept on the host after every epoch and every minute of training) and continues at that
   * batch of the same seeded order — a failed one on the next backend after the one it failed on.
   * Its history after the checkpoint's step is dropped (a `run-status` with `rewoundTo`).
   */
  resume(runId: string): Promise<void>;
  stop(runId: string): Promise<void>;
  /** Runs exactly one batch of a paused run; resolves when that batch is done. */
  step(runId: string): Promise<void>;
  /**
   * Applies shape-keeping settings from the run's next batch on. The change comes back once: as
   * the run's `live-change` event (posted before this answers), the record every fold reads.
   */
  updateLive(runId: string, settings: LiveChange['settings']): Promise<void>;
  /**
   * Dev sentences (for the inspector's picker): those of `runId`'s dev split; without it, those of
   * the latest run, or before any run the current dataset's split with the presets' devFraction and
   * seed. `index` is what `inspectSentence({ devIndex })` takes.
   */
  devSentences(limit?: number, runId?: string): Promise<{ index: number; text: string }[]>;
  /** Predicted and gold tags and β per token, for a dev sentence or typed text (one sentence). */
  inspectSentence(runId: string, request: { devIndex: number } | { text: string }): Promise<SentenceInspection>;
  /** Tags text, one sentence per non-empty line: each sentence's words, predicted tags and β per task. */
  tagText(runId: string, text: string): Promise<SentenceInspection[]>;
  /**
   * Reads a model archive (exported by the workbench or the CLI), validated (names, shapes,
   * vocabularies, tag sets, the two weight files agreeing), as a new `completed` run to tag text
   * with, inspect or export. A bad archive is refused with a message naming the file and the field.
   */
  importModel(fileName: string, bytes: ArrayBuffer): Promise<{ ok: true; run: RunInfo } | { ok: false; message: string }>;
  /**
   * Starts a new run on the current dataset from `sourceId`'s weights and vocabularies (an imported
   * model): `config` keeps the source's model settings, its training settings are the new run's. A
   * dataset task the model lacks, or a tag outside its tag sets, is refused naming task, tag and file.
   */
  continueRun(sourceId: string, config: RunConfig, label?: string): Promise<RunInfo>;
  /** Exports a run's best model as one zip archive (transferred). */
  exportModel(runId: string): Promise<ExportedModel>;
  /**
   * Runs kept in storage from earlier visits (call once after `subscribe`): those that were
   * training when the page went away come back `interrupted`, resumable from their last checkpoint.
   * Those another tab of the profile trains now come back as stored, `elsewhere`: their events
   * follow, every action on them is refused until that tab lets go (a `run-owner` event).
   */
  savedRuns(): Promise<SavedRun[]>;
  /** Stops a run if it trains, then deletes it and its checkpoints from memory and storage. */
  deleteRun(runId: string): Promise<void>;
  /** Saves a run's notes (free text). */
  setNotes(runId: string, notes: string): Promise<void>;
  /**
   * Opens a study archive (`mtaa study collect`'s study-archive.zip): its runs join this session
   * under new ids, their events replayed (`run-started`, then each event) before this answers; the
   * study comes back with its items naming the new ids. Nothing is added when the archive is refused.
   */
  importStudyArchive(fileName: string, bytes: ArrayBuffer): Promise<{ ok: true; study: ArchivedStudy } | { ok: false; message: string }>;
  /** Renames a run (kept with it in storage; exports use the new name). An empty name is refused. */
  renameRun(runId: string, label: string): Promise<void>;
  /** Keeps the page's ablation study (queue and results' run ids) with the runs; null clears it. */
  saveStudy(study: unknown): Promise<void>;
  /** The study kept by `saveStudy`, if any (the page checks its shape). */
  savedStudy(): Promise<unknown>;
  /** Storage usage and quota in bytes, as the browser estimates them (null when unknown). */
  storageEstimate(): Promise<{ usage: number; quota: number } | null>;
  /** Space per run and in total (reads every record: ask after changes, do not poll). */
  storageUsage(): Promise<StorageUsage>;
  /**
   * Everything kept (runs with events, notes and checkpoints, datasets, test file, BERT features
   * up to 64 MiB, the kept dataset and the study) as one workspace archive (transferred).
   */
  exportWorkspace(): Promise<ExportedModel>;
  /**
   * Reads a workspace archive and merges it: the whole archive is validated first (manifest, every
   * entry's size and SHA-256, JSON shapes, checkpoints); a run already here (same content hash) is
   * skipped, one whose id or name is taken gets a new one; nothing kept is overwritten. A refused
   * archive (or one larger than the free space) changes nothing; the message names archive, entry
   * and problem.
   */
  importWorkspace(fileName: string, bytes: ArrayBuffer): Promise<WorkspaceImportResult>;
  /**
   * Browser tests only: the run's next batch throws `message` (as a failing kernel would). Refused
   * unless the worker was started with test hooks (`?testhooks` on the page).
   */
  simulateFailure(runId: string, message: string): Promise<void>;
  /** Browser tests only: the run's next batch sets its learning rate to NaN, so its weights and loss become NaN. */
  simulateNaN(runId: string): Promise<void>;
  /** Browser tests only: the active backend's device is reported lost, as WebGPU's `device.lost` would. */
  simulateDeviceLost(reason: string): Promise<void>;
  /**
   * Browser tests only: a real WebGPU validation error on the active device (a buffer without usage),
   * which nothing captures, as an invalid tfjs kernel's would be. Refused off WebGPU.
   */
  simulateGpuError(): Promise<void>;
  /** Browser tests only: checkpoints by time every `ms` of training instead of every minute. */
  setCheckpointInterval(ms: number): Promise<void>;
  /** Browser tests only: the next `writes` writes to IndexedDB fail as a full quota does (QuotaExceededError). */
  simulateQuotaExceeded(writes: number): Promise<void>;
  /** Browser tests only (the page soak): what the worker holds now, in tensors, runs and stored records. */
  memorySample(): Promise<WorkerMemorySample>;
  /**
   * Takes over runs of a worker that died: each is registered with its status, message and
   * checkpoints, ready for `resume`. A run kept in IndexedDB comes back with its stored dataset and
   * checkpoints; any other needs its dataset loaded here first. Answers the runs it could not take,
   * each with the reason.
   */
  restoreRuns(runs: AdoptedRun[]): Promise<{ runId: string; message: string }[]>;
  /**
   * Holds the Web Lock `name` for the worker's lifetime (resolves once held): the browser releases
   * it when the worker ends for any reason, which is how the page notices a crash.
   */
  holdLifeline(name: string): Promise<void>;
}

