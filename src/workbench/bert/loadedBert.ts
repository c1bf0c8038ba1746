/**
 * The BERT checkpoint loaded in the worker and the frozen word features of the current dataset
 * (issue 17). A checkpoint arrives as a dropped folder's files or one zip; the tfjs side (the
 * `BertEngine` the worker hands in: src/train/bert/bertFeaturizer.ts) validates it before reading
 * any weight and computes features. Features are computed once per (checkpoint, dataset, layers,
 * pooling) and kept in storage as float16, so a reload reads them back instead of recomputing.
 * Runs name the checkpoint they train on (`RunBert`): after a reload a run's features are read back
 * by its checkpoint's hash without the checkpoint (`runRows`); typed text needs the checkpoint
 * itself (`typed`), and both say which checkpoint to drop when it is wanted.
 * No tfjs here: tests hand in a fake engine and MemoryRunStorage.
 */
import { unzipSync } from 'fflate';
import { messageOf } from '../../core/errors.ts';
import type { RunBert } from '../../core/events.ts';
import type { Sentence } from '../../data/types.ts';
import type { BertFeaturesInfo, BertFeatureSettings, BertInfo } from '../../protocol.ts';
import { BERT_FILES, checkpointFilesFromPaths } from '../../train/bert/bertCheckpoint.ts';
import { sha256Hex } from '../datasets/currentDataset.ts';
import type { RunStorage } from '../persistence/runStorage.ts';
import { bertFeatureKey, packFeatures, roundToHalf, sentenceKey, unpackFeatures } from './featureCodec.ts';

/** A checkpoint the tfjs side has validated and read (weights on the host; nothing on the device yet). */
export interface BertFeaturizer {
  readonly summary: Pick<BertInfo, 'layers' | 'hiddenSize' | 'heads' | 'vocabSize' | 'maxPositions' | 'storedDtype'>;
  /** Values per word with these settings; throws when the checkpoint cannot give them (e.g. a mix of four layers on two). */
  dim(settings: BertFeatureSettings): number;
  /** [words × dim] per sentence; the encoder lives on the device only during the call. */
  featurize(sentences: readonly (readonly string[])[], settings: BertFeatureSettings, onProgress: (done: number, total: number) => void): Promise<Float32Array[]>;
}

export interface BertEngine {
  /** Validates (config, safetensors header, tokenizer) and reads a checkpoint; throws a CheckpointError naming file and tensor. */
  load(files: ReadonlyMap<string, Uint8Array>): BertFeaturizer;
}

export interface LoadedBertDeps {
  engine: BertEngine;
  storage: RunStorage;
  /** `bert-progress` to the page. */
  progress(event: { sentencesDone: number; sentences: number; etaSeconds: number | null }): void;
  /** Milliseconds (performance.now in the worker; a fake clock in tests). */
  now(): number;
}

/** The dataset whose features are wanted: its name, the hash of its files, its sentences. */
export interface FeatureDataset {
  name: string;
  hash: string;
  sentences: readonly Sentence[];
}

/** Largest zip accepted: a bert-large checkpoint in float32 is ~1.3 GB. */
const MAX_ZIP_BYTES = 2 * 1024 ** 3;
/** Progress events at most this often (ms), plus the last one. */
const PROGRESS_EVERY_MS = 100;

/** A dropped zip's entries by path, only the files the loader reads (a zip may hold a whole repo). */
function unzipCheckpoint(name: string, bytes: Uint8Array): Map<string, Uint8Array> {
  if (bytes.length > MAX_ZIP_BYTES) throw new Error(`${name}: ${bytes.length} bytes is over the ${MAX_ZIP_BYTES}-byte limit of a checkpoint zip`);
  try {
    const wanted = new Set<string>(BERT_FILES);
    const files = unzipSync(bytes, { filter: (file) => wanted.has(file.name.split('/').pop() ?? '') });
    return new Map(Object.entries(files));
  } catch (error) {
    throw new Error(`${name}: not a readable zip archive (${messageOf(error)})`);
  }
}

export class LoadedBert {
  private loaded: { info: Omit<BertInfo, 'features'>; featurizer: BertFeaturizer } | null = null;
  /** The current dataset's features (one set at a time: a new dataset or setting replaces them). */
  private features: { key: string; rows: Map<string, Float32Array>; info: BertFeaturesInfo } | null = null;
  /** Features being computed, by key: a second ask waits for the first. */
  private computing = new Map<string, Promise<BertFeaturesInfo>>();

  constructor(private readonly deps: LoadedBertDeps) {}

  get loadedCheckpoint(): boolean {
    return this.loaded !== null;
  }

  /** The checkpoint's hidden size H (what `model.embedding.bert.hiddenSize` must be). */
  get hiddenSize(): number | null {
    return this.loaded?.info.hiddenSize ?? null;
  }

  /** The loaded checkpoint as a run names it (null: none loaded). */
  get checkpoint(): RunBert | null {
    return this.loaded ? { checkpoint: this.loaded.info.name, hash: this.loaded.info.hash } : null;
  }

  info(): BertInfo | null {
    return this.loaded ? { ...this.loaded.info, features: this.features?.info ?? null } : null;
  }

  /**
   * Reads a dropped folder (paths relative to it) or one zip. On any error the checkpoint loaded
   * before (and its features) stay, and the message names the file and the tensor or field.
   */
  async load(name: string, dropped: readonly { path: string; bytes: Uint8Array }[]): Promise<BertInfo> {
    const single = dropped.length === 1 ? dropped[0]! : null;
    const entries = single && /\.zip$/i.test(single.path) ? unzipCheckpoint(name, single.bytes) : new Map(dropped.map((f) => [f.path, f.bytes]));
    const files = checkpointFilesFromPaths(entries);
    const featurizer = this.deps.engine.load(files);
    // The hash covers every file read, in a fixed order: a changed tokenizer is a different checkpoint.
    const hashes = await Promise.all(BERT_FILES.filter((f) => files.has(f)).map(async (f) => `${f}:${await sha256Hex(files.get(f)!)}`));
    const hash = await sha256Hex(new TextEncoder().encode(hashes.join('\n')));
    this.loaded = { info: { name, hash, files: [...files.keys()].sort(), ...featurizer.summary }, featurizer };
    this.features = null;
    return this.info()!;
  }

  clear(): void {
    this.loaded = null;
    this.features = null;
  }

  /**
   * Makes the dataset's features ready: already in memory, read from storage, or computed (and
   * then stored). A failed write only costs the cache: the features are still used.
   */
  ensure(dataset: FeatureDataset, wanted: BertFeatureSettings): Promise<BertFeaturesInfo> {
    // A run's whole `bert` config may come in: only these three change the features.
    const settings: BertFeatureSettings = { layer: wanted.layer, mixLastFour: wanted.mixLastFour, pooling: wanted.pooling };
    const loaded = this.loaded;
    if (!loaded) return Promise.reject(new Error('No BERT checkpoint is loaded: drop a checkpoint folder or zip on the BERT panel first.'));
    const key = bertFeatureKey(loaded.info.hash, dataset.hash, settings);
    if (this.features?.key === key) return Promise.resolve(this.features.info);
    let pending = this.computing.get(key);
    if (!pending) {
      pending = this.readOrCompute(loaded.featurizer, key, dataset, settings).finally(() => this.computing.delete(key));
      this.computing.set(key, pending);
    }
    return pending;
  }

  private async readOrCompute(featurizer: BertFeaturizer, key: string, dataset: FeatureDataset, settings: BertFeatureSettings): Promise<BertFeaturesInfo> {
    const dim = featurizer.dim(settings);
    const started = this.deps.now();
    const distinct = new Map<string, readonly string[]>();
    for (const s of dataset.sentences) distinct.set(sentenceKey(s.words), s.words);
    const seconds = () => (this.deps.now() - started) / 1000;
    const describe = (rows: Map<string, Float32Array>, fromCache: boolean, storageProblem?: string): BertFeaturesInfo => {
      const words = [...rows.values()].reduce((n, r) => n + r.length / dim, 0);
      return { datasetName: dataset.name, settings: { ...settings }, sentences: rows.size, words, dim, storedBytes: words * dim * 2, fromCache, seconds: seconds(), ...(storageProblem ? { storageProblem } : {}) };
    };
    const stored = await this.deps.storage.bertFeatures(key).catch(() => undefined);
    if (stored && stored.dim === dim) {
      try {
        const rows = unpackFeatures(stored);
        if ([...distinct.keys()].every((k) => rows.has(k))) return this.keep(key, rows, describe(rows, true));
      } catch {
        // a record that does not add up is recomputed (and replaced) below
      }
    }
    const keys = [...distinct.keys()];
    let lastSent = -Infinity;
    const computed = await this.featurizeRounded(featurizer, [...distinct.values()], settings, (done, total) => {
      const now = this.deps.now();
      if (done < total && now - lastSent < PROGRESS_EVERY_MS) return;
      lastSent = now;
      const elapsed = (now - started) / 1000;
      this.deps.progress({ sentencesDone: done, sentences: total, etaSeconds: done > 0 ? (elapsed * (total - done)) / done : null });
    });
    const rows = new Map(keys.map((k, i) => [k, computed[i]!]));
    let problem: string | undefined;
    try {
      await this.deps.storage.putBertFeatures(packFeatures(key, dim, keys, computed, Date.now()));
    } catch (error) {
      problem = `The features could not be kept in IndexedDB (${messageOf(error)}): a reload will compute them again.`;
    }
    return this.keep(key, rows, describe(rows, false, problem));
  }

  private keep(key: string, rows: Map<string, Float32Array>, info: BertFeaturesInfo): BertFeaturesInfo {
    this.features = { key, rows, info };
    return info;
  }

  /**
   * Features of sentences outside the dataset (a test file), computed now and not stored: they
   * join the in-memory set so `attach` finds them.
   */
  async ensureExtra(sentences: readonly Sentence[], settings: BertFeatureSettings): Promise<void> {
    const features = this.features;
    if (!this.loaded || !features) throw new Error('BERT features of the dataset come first (ensure).');
    const missing = new Map<string, readonly string[]>();
    for (const s of sentences) if (!features.rows.has(sentenceKey(s.words))) missing.set(sentenceKey(s.words), s.words);
    if (missing.size === 0) return;
    const computed = await this.featurizeRounded(this.loaded.featurizer, [...missing.values()], settings, () => undefined);
    [...missing.keys()].forEach((k, i) => features.rows.set(k, computed[i]!));
  }

  /** Features at float16 precision, as they are stored: a run trains on the same values before and after a reload. */
  private async featurizeRounded(featurizer: BertFeaturizer, sentences: readonly (readonly string[])[], settings: BertFeatureSettings, onProgress: (done: number, total: number) => void): Promise<Float32Array[]> {
    return (await featurizer.featurize(sentences, settings, onProgress)).map(roundToHalf);
  }

  /**
   * The features of a run's sentences after a reload (or a worker's death), by sentence key: read
   * back from storage by the run's checkpoint hash (no checkpoint needed, nothing computed), else
   * computed with the loaded checkpoint when it is the run's (and stored). Otherwise the error names
   * the checkpoint to drop. `dim` is what the run's model reads (H, or 4H with the mix).
   */
  async runRows(run: RunBert | undefined, dataset: FeatureDataset, wanted: BertFeatureSettings, dim: number): Promise<Map<string, Float32Array>> {
    const settings: BertFeatureSettings = { layer: wanted.layer, mixLastFour: wanted.mixLastFour, pooling: wanted.pooling };
    const loaded = this.loaded;
    // A run kept before runs named their checkpoint: the loaded one is taken at its word.
    const hash = run?.hash ?? loaded?.info.hash;
    const covers = (rows: Map<string, Float32Array>) => dataset.sentences.every((s) => rows.has(sentenceKey(s.words)));
    if (hash !== undefined) {
      const key = bertFeatureKey(hash, dataset.hash, settings);
      if (this.features?.key === key && covers(this.features.rows)) return this.features.rows;
      const stored = await this.deps.storage.bertFeatures(key).catch(() => undefined);
      if (stored && stored.dim === dim) {
        try {
          const rows = unpackFeatures(stored);
          if (covers(rows)) return rows;
        } catch {
          // a record that does not add up: computed again below when the checkpoint is here
        }
      }
    }
    if (loaded && (run === undefined || loaded.info.hash === run.hash)) {
      if (loaded.featurizer.dim(settings) !== dim) throw new Error(`The loaded BERT checkpoint ${loaded.info.name} gives ${loaded.featurizer.dim(settings)} values per word; the run reads ${dim}.`);
      await this.ensure(dataset, settings);
      return this.features!.rows;
    }
    throw new Error(`its BERT features are no longer in this browser's storage, and ${this.loadedClause(run)}: drop ${checkpointName(run)} (its folder or zip) on the BERT panel, then resume.`);
  }

  /**
   * Features of typed sentences with the run's checkpoint, which must be the loaded one (typed text
   * has no stored features); rounded like the stored ones. The error names the checkpoint to drop.
   */
  async typed(run: RunBert | undefined, sentences: readonly (readonly string[])[], wanted: BertFeatureSettings, dim: number): Promise<Float32Array[]> {
    const loaded = this.loaded;
    if (!loaded || (run !== undefined && loaded.info.hash !== run.hash)) {
      throw new Error(`${loaded ? this.loadedClause(run) : 'No BERT checkpoint is loaded in this session'}: typed text needs the features of ${checkpointName(run)}. Drop it (its folder or zip) on the BERT panel, then tag again.`);
    }
    const settings: BertFeatureSettings = { layer: wanted.layer, mixLastFour: wanted.mixLastFour, pooling: wanted.pooling };
    if (loaded.featurizer.dim(settings) !== dim) throw new Error(`The loaded BERT checkpoint ${loaded.info.name} gives ${loaded.featurizer.dim(settings)} values per word; the run reads ${dim}.`);
    return this.featurizeRounded(loaded.featurizer, sentences, settings, () => undefined);
  }

  /** "no BERT checkpoint is loaded", or which other one is. */
  private loadedClause(run: RunBert | undefined): string {
    const loaded = this.loaded;
    if (!loaded) return 'no BERT checkpoint is loaded';
    return `the loaded BERT checkpoint "${loaded.info.name}" is not ${run ? `"${run.checkpoint}"` : 'the one it was trained with'}`;
  }

  /** The sentences with their features attached (new objects). Throws naming a sentence without features. */
  attach(sentences: readonly Sentence[]): Sentence[] {
    const rows = this.features?.rows;
    return sentences.map((s) => {
      const features = rows?.get(sentenceKey(s.words));
      if (!features) throw new Error(`No BERT features for the sentence "${s.words.slice(0, 8).join(' ')}…": compute the dataset's features first.`);
      return { ...s, features };
    });
  }
}

/** How a message names the checkpoint a run was trained with. */
function checkpointName(run: RunBert | undefined): string {
  return run ? `the BERT checkpoint "${run.checkpoint}"` : 'the BERT checkpoint the run was trained with';
}
