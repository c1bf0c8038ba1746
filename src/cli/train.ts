/**
 * `mtaa train`: trains a tagger on CoNLL / CoNLL-U files in Node. One JSON line per epoch on
 * stdout, then a summary with the test scores; a progress bar on stderr when it is a terminal.
 */
import { messageOf } from '../core/errors.ts';
import { readFileSync } from 'node:fs';
import { buildVocabularies, isDataError, loadDataset, splitTrainDev, type Dataset, type Vocabularies } from '../data/index.ts';
import { buildWordTable, parseWordVectors, WordVectorsError } from '../data/pretrainedVectors.ts';
import { ablations, ConfigError, mergeConfig, presets, resolveConfig, type AblationName, type PresetName } from '../core/config.ts';
import { applyConfigPatch } from '../core/configInput.ts';
import type { TaskScore } from '../core/events.ts';
import { evaluate } from '../train/evaluate.ts';
import { toSavedModel } from '../train/taggerModel.ts';
import { Trainer } from '../train/trainer.ts';
import { intOption, parseArgs, UsageError } from './args.ts';
import { nodeBackends, useBackend, type NodeBackend } from './backend.ts';
import { defaultThreads, startGradientThreads } from './gradientThreads.ts';
import type { Command } from './io.ts';
import { writeModelDir, writeTestPredictions } from './modelFiles.ts';
import { formatDuration, progressLine } from './progressBar.ts';
import { withBertFeatures } from './trainBert.ts';
import { CheckpointError } from '../train/formats/checkpointError.ts';

const usage = `usage: mtaa train --train FILE [--dev FILE] [--test FILE] [--preset small|paper|tiny]
                  [--ablation NAME] [--config JSON|@file.json] [--epochs N] [--seed N]
                  [--max-sentences N] [--vectors GLOVE.txt] [--out DIR] [--backend wasm|cpu|webgpu]
                  [--threads N]   (wasm/cpu: data-parallel steps; default the cores, at most 4)
                  [--bert DIR]    (frozen BERT word features from a local checkpoint; how they enter
                                   the model: --config '{"model":{"embedding":{"bert":{"mode":"replace"}}}}')
ablations: ${Object.keys(ablations).join(', ')}
`;

export function readData(path: string, alignTo?: Dataset['tasks']): Dataset {
  return loadDataset(path, readFileSync(path), alignTo ? { alignTo } : {});
}

/** `--config` is inline JSON or `@path` to a JSON file. */
function readPatch(raw: string | undefined): unknown {
  if (raw === undefined) return undefined;
  const text = raw.startsWith('@') ? readFileSync(raw.slice(1), 'utf8') : raw;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--config is not valid JSON: ${messageOf(error)}`);
  }
}

export const trainCommand: Command = async (argv, io) => {
  try {
    const args = parseArgs(argv, {
      values: ['train', 'dev', 'test', 'preset', 'ablation', 'config', 'epochs', 'seed', 'max-sentences', 'out', 'backend', 'vectors', 'threads', 'bert'],
    });
    const trainPath = args.values.get('train');
    if (!trainPath) throw new UsageError('--train FILE is required');
    const preset = (args.values.get('preset') ?? 'small') as PresetName;
    const ablation = args.values.get('ablation') as AblationName | undefined;
    if (ablation !== undefined && !(ablation in ablations)) throw new UsageError(`unknown ablation ${ablation}`);
    const patch = readPatch(args.values.get('config'));
    let config = patch === undefined || !(preset in presets) ? resolveConfig(preset, patch) : applyConfigPatch(presets[preset], patch);
    if (ablation) config = mergeConfig(config, { model: ablations[ablation] });
    const epochs = intOption(args, 'epochs');
    const seed = args.values.has('seed') ? Number(args.values.get('seed')) : undefined;
    config = mergeConfig(config, { train: { ...(epochs ? { epochs } : {}), ...(seed !== undefined ? { seed } : {}) } });
    const backendName = (args.values.get('backend') ?? 'wasm') as NodeBackend;
    if (!nodeBackends.includes(backendName)) throw new UsageError(`--backend must be ${nodeBackends.join(', ')}, got ${backendName}`);
    const backend = await useBackend(backendName);

    const trainSet = readData(trainPath);
    const limit = intOption(args, 'max-sentences');
    let train = limit ? trainSet.sentences.slice(0, limit) : trainSet.sentences;
    let dev;
    const devPath = args.values.get('dev');
    if (devPath) dev = readData(devPath, trainSet.tasks).sentences;
    else {
      const split = splitTrainDev(train, { devFraction: config.train.devFraction, seed: config.train.seed });
      train = split.train;
      dev = split.dev;
    }
    const testPath = args.values.get('test');
    let test = testPath ? readData(testPath, trainSet.tasks) : null;

    const bertDir = args.values.get('bert');
    if (bertDir) {
      const bert = await withBertFeatures(bertDir, config, { train, dev, test: test?.sentences ?? [] }, io);
      config = bert.config;
      ({ train, dev } = bert.sentences);
      if (test) test = { ...test, sentences: bert.sentences.test };
    } else if (config.model.embedding.bert) throw new UsageError('the config asks for BERT features (model.embedding.bert): give --bert DIR');

    const vectorsPath = args.values.get('vectors');
    let pretrained: { vocabularies: Vocabularies; wordInit: Float32Array } | undefined;
    if (vectorsPath) {
      const vectors = parseWordVectors(readFileSync(vectorsPath), { sourceName: vectorsPath });
      config = mergeConfig(config, { model: { embedding: { wordDim: vectors.dim } } });
      const vocabularies = buildVocabularies(train, trainSet.tasks.length, { words: { minCount: config.model.embedding.minWordFreq } });
      const words = vocabularies.words.tokens;
      const { table, coverage } = buildWordTable(words, vectors, { seed: config.train.seed, zeroRows: [0] });
      pretrained = { vocabularies, wordInit: table };
      io.err(`mtaa train: ${vectorsPath}: ${vectors.dim}-d vectors cover ${(100 * coverage.coverage).toFixed(1)}% of the vocabulary\n`);
    }
    const threads = intOption(args, 'threads') ?? defaultThreads();
    const threadPool = await startGradientThreads(threads, backend, (message) => io.err(`mtaa: ${message}\n`));
    const trainer = new Trainer({
      runId: 'cli',
      config,
      data: { tasks: trainSet.tasks, train, dev },
      ...(pretrained ?? {}),
      ...(threadPool ? { pool: threadPool.pool } : {}),
    });
    io.err(
      `mtaa train: ${train.length} train / ${dev.length} dev sentences, tasks ${trainSet.tasks.map((t) => t.name).join(', ')}, ` +
        `preset ${preset}${ablation ? `, ablation ${ablation}` : ''}, backend ${backend}, ${threadPool ? threads : 1} thread(s)\n`,
    );
    const done = await trainer.run({
      onEvent: (event) => {
        if (event.type === 'step') {
          if (io.isTTY) {
            const extra = `epoch ${event.epoch}/${config.train.epochs} loss ${event.loss.total.toFixed(3)} ${Math.round(event.tokensPerSecond)} tok/s ETA ${formatDuration(event.etaSeconds)}`;
            io.err(progressLine('train', event.step, trainer.totalSteps, extra));
          }
          return;
        }
        if (io.isTTY) io.err('\r\x1b[K');
        io.out(`${JSON.stringify(event)}\n`);
      },
    }).finally(() => threadPool?.close());
    if (threadPool?.pool.failure) io.err(`mtaa train: ${threadPool.pool.failure}; the rest trained on one thread\n`);

    // The trainer restored the best epoch's weights: the test scores are that epoch's.
    const testEvaluation = test ? await evaluate(trainer.model, test.sentences, { batchSize: config.train.batchSize }) : null;
    const testScores: TaskScore[] | null = testEvaluation?.report.scores ?? null;
    let written: string[] = [];
    const out = args.values.get('out');
    if (out) {
      const saved = await toSavedModel(trainer.model, { bestEpoch: done.bestEpoch, dev: done.best, ...(testScores ? { test: testScores } : {}) });
      written = writeModelDir(out, saved);
      // The predictions let `mtaa study collect` test differences between runs (paired bootstrap).
      if (test && testEvaluation) written.push(writeTestPredictions(out, testPath!, trainer.model.tasks, test.sentences, testEvaluation.predictions));
    }
    io.out(
      `${JSON.stringify({
        type: 'summary',
        backend,
        preset,
        ablation: ablation ?? null,
        reason: done.reason,
        epochs: done.epochs,
        bestEpoch: done.bestEpoch,
        seconds: done.seconds,
        dev: done.best,
        test: testScores,
        model: out ?? null,
        files: written,
      })}\n`,
    );
    trainer.dispose();
    return done.reason === 'diverged' ? 1 : 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`mtaa train: ${error.message}\n${usage}`);
      return 2;
    }
    if (isDataError(error) || error instanceof ConfigError || error instanceof WordVectorsError || error instanceof CheckpointError) {
      io.err(`mtaa train: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
};
