/**
 * A local BERT checkpoint (issue 17): read and kept in the worker, its word features of the loaded
 * dataset computed there once (progress from `bert-progress` events) and kept in IndexedDB; new
 * runs use them when the draft has `model.embedding.bert`. Runs whose Resume waited for this
 * checkpoint (their features gone from storage) resume when it is loaded.
 */
import { defaultBertEmbedding, type BertEmbeddingConfig } from '../../core/config.ts';
import { messageOf } from '../../core/errors.ts';
import type { BertFeatureSettings } from '../../protocol.ts';
import { resumableWith } from '../bertNeeded.ts';
import { movedBytes, trainerWorker } from '../workerClient.ts';
import type { StoreKit } from './kit.ts';
import type { BertSlice } from './state.ts';

/**
 * The files the worker's loader reads, by bare name (src/train/bert/bertCheckpoint.ts's BERT_FILES):
 * only these cross to the worker, whatever else a dropped folder holds. pytorch_model.bin crosses
 * empty, so the worker can say why a folder without safetensors is refused.
 */
const CHECKPOINT_FILES = new Set(['config.json', 'model.safetensors', 'tokenizer.json', 'vocab.txt', 'tokenizer_config.json', 'model.safetensors.index.json']);
const NOTED_ONLY = 'pytorch_model.bin';

/** A dropped or picked file with its path inside the dropped folder (`webkitRelativePath` or the drop's own walk). */
export interface CheckpointFile {
  path: string;
  file: File;
}

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** What the features depend on, from the draft (or the defaults when the draft has no BERT). */
const featureSettings = (bert: BertEmbeddingConfig | undefined): BertFeatureSettings => {
  const { layer, mixLastFour, pooling } = bert ?? defaultBertEmbedding;
  return { layer, mixLastFour, pooling };
};

export function createBertSlice({ set, get }: StoreKit): BertSlice {
  const computeFeatures = async () => {
    if (!get().bert || !get().dataset) return;
    set({ bertProgress: { sentencesDone: 0, sentences: get().dataset?.sentences ?? 0, etaSeconds: null }, bertError: null });
    try {
      const result = await trainerWorker().computeBertFeatures(featureSettings(get().draft.model.embedding.bert));
      if (result.ok) set({ bert: result.bert, bertProgress: null });
      else set({ bertError: result.message, bertProgress: null });
    } catch (error) {
      set({ bertError: messageOf(error), bertProgress: null });
    }
  };

  return {
    bert: null,
    bertLoading: null,
    bertProgress: null,
    bertProgressEvents: 0,
    bertError: null,
    bertAwaitingResume: [],

    async loadBert(name, dropped) {
      const zip = dropped.length === 1 && /\.zip$/i.test(dropped[0]!.path);
      const wanted = zip ? dropped : dropped.filter((f) => CHECKPOINT_FILES.has(baseName(f.path)) || baseName(f.path) === NOTED_ONLY);
      set({ bertLoading: name, bertError: null });
      try {
        const files = await Promise.all(
          wanted.map(async (f) => ({ path: f.path, bytes: baseName(f.path) === NOTED_ONLY ? new ArrayBuffer(0) : await f.file.arrayBuffer() })),
        );
        // The bytes move to the worker (transferred, not copied): a checkpoint is hundreds of MB.
        const result = await trainerWorker().loadBert(name, files.map((f) => ({ path: f.path, bytes: movedBytes(f.bytes) })));
        if (!result.ok) {
          set({ bertError: `Could not load ${name}: ${result.message}`, bertLoading: null });
          return;
        }
        set({ bert: result.bert, bertLoading: null });
        // Runs that waited for this checkpoint to resume go on now (their features first, then training).
        for (const runId of resumableWith(get().bertAwaitingResume, get().runs, result.bert)) void get().resumeRun(runId);
        get().setUseBert(true);
        await computeFeatures();
      } catch (error) {
        set({ bertError: `Could not load ${name}: ${messageOf(error)}`, bertLoading: null });
      }
    },

    computeBertFeatures: computeFeatures,

    setUseBert(use) {
      const { bert, draft } = get();
      const next = structuredClone(draft);
      if (use && bert) next.model.embedding.bert = { ...defaultBertEmbedding, ...draft.model.embedding.bert, hiddenSize: bert.hiddenSize };
      else delete next.model.embedding.bert;
      get().setDraft(next);
    },

    setBertSettings(patch) {
      const { draft } = get();
      if (!draft.model.embedding.bert) return;
      const next = structuredClone(draft);
      next.model.embedding.bert = { ...draft.model.embedding.bert, ...patch };
      get().setDraft(next);
    },

    async clearBert() {
      await trainerWorker().clearBert();
      set({ bert: null });
      get().setUseBert(false);
    },

    dismissBertError() {
      set({ bertError: null });
    },
  };
}
