/**
 * The session's source of BERT features for runs it rebuilds (after a reload or a worker's death)
 * and for typed text, over the worker's LoadedBert: a run's split gets the features of its own
 * checkpoint (named in `RunInfo.bert`) and its own dataset (`RunInfo.datasetHash`), read back from
 * storage when they are there, so a resume computes nothing and needs no checkpoint.
 */
import type { BertEmbeddingConfig } from '../../core/config.ts';
import { messageOf } from '../../core/errors.ts';
import type { RunInfo } from '../../core/events.ts';
import type { Sentence } from '../../data/types.ts';
import type { RunFeatureSource } from '../session/runRecord.ts';
import { sentenceKey } from './featureCodec.ts';
import type { LoadedBert } from './loadedBert.ts';

/** Values per word the run's model reads: H, or 4H with a mix of the last four layers. */
export const bertDim = (bert: BertEmbeddingConfig): number => (bert.mixLastFour ? 4 : 1) * bert.hiddenSize;

function bertOf(run: RunInfo): BertEmbeddingConfig {
  const bert = run.config.model.embedding.bert;
  if (!bert) throw new Error(`${run.label} does not read BERT features.`);
  return bert;
}

export function runFeatureSource(bert: LoadedBert): RunFeatureSource {
  return {
    async attach(run, data) {
      const config = bertOf(run);
      if (run.datasetHash === undefined) throw new Error(`${run.label}: its dataset has no hash to find its BERT features by; start a new run.`);
      const sentences = [...data.train, ...data.dev];
      let rows: Map<string, Float32Array>;
      try {
        rows = await bert.runRows(run.bert, { name: run.datasetName, hash: run.datasetHash, sentences }, config, bertDim(config));
      } catch (error) {
        throw new Error(`${run.label}: ${messageOf(error)}`);
      }
      const attach = (list: readonly Sentence[]) => list.map((s) => ({ ...s, features: rows.get(sentenceKey(s.words))! }));
      return { ...data, train: attach(data.train), dev: attach(data.dev) };
    },
    typed(run, sentences) {
      const config = bertOf(run);
      return bert.typed(run.bert, sentences, config, bertDim(config));
    },
  };
}
