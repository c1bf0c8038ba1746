/**
 * `mtaa train --bert DIR`: loads the checkpoint, fixes `model.embedding.bert` (defaults: concat, last
 * layer, first piece; the hidden size from the checkpoint) and attaches the frozen word features to
 * every train, dev and test sentence, computed once (BertFeatureStore) before the first epoch.
 */
import type { Sentence } from '../data/types.ts';
import { defaultBertEmbedding, mergeConfig, type RunConfig } from '../core/config.ts';
import { BertFeatureStore } from '../train/bert/bertFeatureStore.ts';
import { loadBertCheckpoint } from '../train/bert/bertCheckpoint.ts';
import { UsageError } from './args.ts';
import { readBertDir } from './bertDir.ts';
import type { CliIO } from './io.ts';
import { formatDuration, progressLine } from './progressBar.ts';

type Splits = { train: Sentence[]; dev: Sentence[]; test: Sentence[] };

export async function withBertFeatures(dir: string, config: RunConfig, splits: Splits, io: CliIO): Promise<{ config: RunConfig; sentences: Splits }> {
  const checkpoint = loadBertCheckpoint(readBertDir(dir));
  const bert = { ...defaultBertEmbedding, ...config.model.embedding.bert, hiddenSize: checkpoint.arch.hiddenSize };
  const merged = mergeConfig(config, { model: { embedding: { bert } } });
  const store = new BertFeatureStore(checkpoint, bert);
  const all = [...splits.train, ...splits.dev, ...splits.test].map((s) => s.words);
  const started = performance.now();
  await store.add(all, (p) => {
    if (!io.isTTY) return;
    const elapsed = (performance.now() - started) / 1000;
    io.err(progressLine('bert', p.sentencesDone, p.sentences, `ETA ${formatDuration((elapsed * (p.sentences - p.sentencesDone)) / Math.max(1, p.sentencesDone))}`));
  });
  if (io.isTTY) io.err('\r\x1b[K');
  io.err(
    `mtaa train: ${dir}: BERT ${checkpoint.arch.layers}×${checkpoint.arch.hiddenSize} (${checkpoint.storedDtype}), ${bert.mode}, ` +
      `${bert.mixLastFour ? 'scalar mix of the last four layers' : `hidden state ${store.layers[0]}`}, ${bert.pooling} piece: ` +
      `${store.size} distinct sentences in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
  return { config: merged, sentences: { train: store.attach(splits.train), dev: store.attach(splits.dev), test: store.attach(splits.test) } };
}

/**
 * For `mtaa eval` / `predict` of a model trained with BERT features: the same features for new text,
 * from `--bert DIR` (the checkpoint it was trained with: same hidden size, same layers and pooling).
 */
export async function bertFeaturesFor(dir: string | undefined, config: RunConfig, sentences: Sentence[]): Promise<Sentence[]> {
  const bert = config.model.embedding.bert;
  if (!bert) return sentences;
  if (!dir) throw new UsageError('the model was trained with BERT features: give --bert DIR (the checkpoint it was trained with)');
  const checkpoint = loadBertCheckpoint(readBertDir(dir));
  if (checkpoint.arch.hiddenSize !== bert.hiddenSize) {
    throw new UsageError(`--bert ${dir}: hidden size ${checkpoint.arch.hiddenSize}, but the model was trained on features of width ${bert.hiddenSize}`);
  }
  const store = new BertFeatureStore(checkpoint, bert);
  await store.add(sentences.map((s) => s.words));
  return store.attach(sentences);
}
