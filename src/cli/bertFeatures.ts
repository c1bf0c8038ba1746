/**
 * `mtaa bert-features --bert DIR --data FILE --out FILE.safetensors`: the frozen BERT word features of
 * every sentence of a CoNLL file, `sentence.<i>` → [tokens, dim] float32 (dim = H, or 4H for
 * `--mix`: the last four layers side by side), with the choices in the file's metadata.
 */
import { writeFileSync } from 'node:fs';
import { isDataError } from '../data/index.ts';
import { CheckpointError } from '../train/formats/checkpointError.ts';
import { BertFeatureStore } from '../train/bert/bertFeatureStore.ts';
import { loadBertCheckpoint } from '../train/bert/bertCheckpoint.ts';
import { encodeSafetensors } from '../train/formats/safetensors.ts';
import { intOption, parseArgs, UsageError } from './args.ts';
import { useBackend, type NodeBackend } from './backend.ts';
import { readBertDir } from './bertDir.ts';
import type { Command } from './io.ts';
import { formatDuration, progressLine } from './progressBar.ts';
import { readData } from './train.ts';

const usage = `usage: mtaa bert-features --bert DIR --data FILE --out FILE.safetensors
                          [--layer N] [--mix] [--pooling first|mean] [--max-sentences N]
                          [--batch WINDOWS] [--backend wasm|cpu|webgpu]
  --layer N   hidden state to keep (0: embeddings … N: last layer; negative from the end; default -1)
  --mix       keep the last four layers side by side ([tokens, 4H]) for a learned scalar mix
`;

export const bertFeaturesCommand: Command = async (argv, io) => {
  try {
    const args = parseArgs(argv, { values: ['bert', 'data', 'out', 'layer', 'pooling', 'max-sentences', 'batch', 'backend'], flags: ['mix'] });
    const dir = args.values.get('bert');
    const dataPath = args.values.get('data');
    const out = args.values.get('out');
    if (!dir || !dataPath || !out) throw new UsageError('--bert DIR, --data FILE and --out FILE are required');
    const pooling = args.values.get('pooling') ?? 'first';
    if (pooling !== 'first' && pooling !== 'mean') throw new UsageError(`--pooling must be first or mean, got ${pooling}`);
    const layer = Number(args.values.get('layer') ?? -1);
    if (!Number.isInteger(layer)) throw new UsageError(`--layer must be an integer, got ${args.values.get('layer')}`);
    const backend = await useBackend((args.values.get('backend') ?? 'wasm') as NodeBackend);
    const checkpoint = loadBertCheckpoint(readBertDir(dir));
    const data = readData(dataPath);
    const limit = intOption(args, 'max-sentences');
    const sentences = (limit ? data.sentences.slice(0, limit) : data.sentences).map((s) => s.words);
    const store = new BertFeatureStore(checkpoint, { layer, mixLastFour: args.flags.has('mix'), pooling }, intOption(args, 'batch') ?? 16);
    const tokens = sentences.reduce((n, s) => n + s.length, 0);
    const pieces = sentences.reduce((n, s) => n + s.reduce((m, w) => m + Math.max(1, checkpoint.tokenizer.encodeWord(w).length), 0), 0);
    io.err(`mtaa bert-features: ${sentences.length} sentences, ${tokens} tokens; ${checkpoint.arch.layers} layers × ${checkpoint.arch.hiddenSize} (${checkpoint.storedDtype}), hidden states [${store.layers.join(', ')}], ${pooling} piece; backend ${backend}\n`);
    const started = performance.now();
    const cpuStart = process.cpuUsage();
    await store.add(sentences, (p) => {
      if (!io.isTTY) return;
      const elapsed = (performance.now() - started) / 1000;
      const eta = p.sentencesDone > 0 ? (elapsed * (p.sentences - p.sentencesDone)) / p.sentencesDone : NaN;
      io.err(progressLine('bert', p.sentencesDone, p.sentences, `ETA ${formatDuration(eta)}`));
    });
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    // CPU seconds too: on a shared machine the wall clock also counts other processes' turns.
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    if (io.isTTY) io.err('\r\x1b[K');
    const weights = sentences.map((words, i) => ({ name: `sentence.${i}`, shape: [words.length, store.dim], data: store.get(words) }));
    writeFileSync(
      out,
      encodeSafetensors(weights, { layers: store.layers.join(','), pooling, hidden_size: String(checkpoint.arch.hiddenSize), source: dir, data: dataPath }),
    );
    io.out(`${JSON.stringify({ type: 'bert-features', out, sentences: sentences.length, tokens, pieces, dim: store.dim, seconds, cpuSeconds, sentencesPerSecond: sentences.length / seconds, tokensPerSecond: tokens / seconds, featureBytes: tokens * store.dim * 4, peakRssBytes: process.resourceUsage().maxRSS * 1024, backend })}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`mtaa bert-features: ${error.message}\n${usage}`);
      return 2;
    }
    if (error instanceof CheckpointError || isDataError(error)) {
      io.err(`mtaa bert-features: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
};
