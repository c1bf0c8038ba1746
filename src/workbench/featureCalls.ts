/**
 * The trainer worker's calls on word features that runs may start from: pre-trained word vectors
 * (GloVe / word2vec text) and a BERT checkpoint with the current dataset's features, and what a
 * new run takes of them (`runStartFeatures`). No tfjs here: BERT's tfjs side is behind
 * `LoadedBert`'s engine.
 */
import { messageOf } from '../core/errors.ts';
import type { Dataset } from '../data/index.ts';
import { mergeConfig, type RunConfig } from '../core/config.ts';
import type { RunBert } from '../core/events.ts';
import type { Sentence } from '../data/types.ts';
import type { TrainerApi } from '../protocol.ts';
import type { TrainingData } from '../train/trainer.ts';
import { pretrainedStart, type PretrainedStart } from '../train/wordVectors.ts';
import type { FeatureDataset, LoadedBert } from './bert/loadedBert.ts';
import type { LoadedVectors } from './vectors.ts';

export type FeatureCalls = Pick<TrainerApi, 'loadVectors' | 'vectorsInfo' | 'clearVectors' | 'loadBert' | 'computeBertFeatures' | 'bertInfo' | 'clearBert'>;

export interface FeatureCallDeps {
  vectors: LoadedVectors;
  bert: LoadedBert;
  /** The dataset loaded now (vectors say how much of its vocabulary they cover). */
  current(): Dataset | null;
  /** The test file loaded now: a BERT run is scored on it, so its features are computed at the start. */
  test(): Dataset | null;
  /** The current dataset as the BERT features see it (null: none loaded). */
  featureDataset(): FeatureDataset | null;
  /** Resolves once tfjs has a backend (BERT features are computed on it). */
  ready(): Promise<unknown>;
  progress(fileName: string, fraction: number): void;
}

export function featureCalls({ vectors, bert, current, featureDataset, ready, progress }: FeatureCallDeps): FeatureCalls {
  return {
    async loadVectors(fileName, bytes) {
      try {
        await vectors.load(fileName, new Uint8Array(bytes), (fraction) => progress(fileName, fraction));
        return { ok: true, vectors: vectors.info(current())! };
      } catch (error) {
        return { ok: false, message: messageOf(error) };
      }
    },
    vectorsInfo: async () => vectors.info(current()),
    clearVectors: async () => vectors.clear(),

    async loadBert(name, files) {
      try {
        return { ok: true, bert: await bert.load(name, files.map((f) => ({ path: f.path, bytes: new Uint8Array(f.bytes) }))) };
      } catch (error) {
        return { ok: false, message: messageOf(error) };
      }
    },
    async computeBertFeatures(settings) {
      await ready();
      try {
        const dataset = featureDataset();
        if (!dataset) throw new Error('No dataset is loaded: drop a CoNLL file or load the sample first.');
        await bert.ensure(dataset, settings);
        return { ok: true, bert: bert.info()! };
      } catch (error) {
        return { ok: false, message: messageOf(error) };
      }
    },
    bertInfo: async () => bert.info(),
    clearBert: async () => bert.clear(),
  };
}

/** What a new run starts from besides its config: its word table's start, and its BERT features. */
export interface RunStartFeatures {
  /** The config with the vectors' and the checkpoint's widths. */
  config: RunConfig;
  pretrained?: (data: TrainingData, config: RunConfig) => PretrainedStart;
  features?: { checkpoint: RunBert; attach(sentences: readonly Sentence[]): Sentence[] };
}

/**
 * The loaded vectors (when asked for) and BERT features (when the config reads them) of a run about
 * to start: the features of the current dataset and test file are computed or read back first. A
 * sibling (`siblingOf`) trains on its parent's sentences, which carry the parent's features already.
 */
export async function runStartFeatures(
  deps: Pick<FeatureCallDeps, 'vectors' | 'bert' | 'featureDataset' | 'test'>,
  config: RunConfig,
  siblingOf: string | undefined,
  withVectors: boolean,
): Promise<RunStartFeatures> {
  const { vectors, bert } = deps;
  const start: RunStartFeatures = { config };
  if (withVectors) {
    const loaded = vectors.current;
    if (!loaded) throw new Error('No word vectors are loaded: drop a GloVe or word2vec text file first, or start without them.');
    // The word table takes the vectors' width, whatever the preset said.
    start.config = mergeConfig(start.config, { model: { embedding: { wordDim: loaded.vectors.dim } } });
    start.pretrained = (data, own) => pretrainedStart(loaded.vectors, loaded.fileName, data, own);
  }
  const bertConfig = start.config.model.embedding.bert;
  if (bertConfig && siblingOf === undefined) {
    const hiddenSize = bert.hiddenSize;
    // Named now: the run keeps the checkpoint its features come from, whatever is dropped meanwhile.
    const checkpoint = bert.checkpoint;
    if (hiddenSize === null || checkpoint === null) throw new Error('This run uses BERT features: drop a BERT checkpoint (folder or zip) on the BERT panel first, or turn BERT off.');
    // Features are the checkpoint's width, whatever the draft said.
    start.config = mergeConfig(start.config, { model: { embedding: { bert: { hiddenSize } } } });
    const dataset = deps.featureDataset();
    if (!dataset) throw new Error('No dataset is loaded: drop a CoNLL file or load the sample first.');
    await bert.ensure(dataset, bertConfig);
    const test = deps.test();
    if (test) await bert.ensureExtra(test.sentences, bertConfig);
    start.features = { checkpoint, attach: (sentences) => bert.attach(sentences) };
  }
  return start;
}
