/** `mtaa eval --model DIR|ZIP [--run R] --data FILE`: conlleval's report (or token accuracy) per task; `--run` picks a run of a workspace archive. */
import { formatReport, scoreSequences } from '../metrics/conlleval.ts';
import { tokenAccuracy } from '../metrics/accuracy.ts';
import { formatConfusion } from '../metrics/breakdown.ts';
import { convertTags, isDataError } from '../data/index.ts';
import { CheckpointError } from '../train/formats/checkpoint.ts';
import { evaluate } from '../train/evaluate.ts';
import { disposeTaggerModel, fromSavedModel } from '../train/taggerModel.ts';
import { parseArgs, UsageError } from './args.ts';
import { useBackend, type NodeBackend } from './backend.ts';
import type { Command } from './io.ts';
import { readModelSource } from './modelFiles.ts';
import { bertFeaturesFor } from './trainBert.ts';
import { readData } from './train.ts';

const usage = 'usage: mtaa eval --model DIR|ZIP|WORKSPACE.zip [--run NAME_OR_ID] --data FILE [--backend wasm|cpu] [--json] [--confusion]\n';

export const evalCommand: Command = async (argv, io) => {
  try {
    const args = parseArgs(argv, { values: ['model', 'data', 'backend', 'bert', 'run'], flags: ['json', 'confusion'] });
    const modelPath = args.values.get('model');
    const dataPath = args.values.get('data');
    if (!modelPath || !dataPath) throw new UsageError('--model and --data are required');
    const saved = await readModelSource(modelPath, args.values.get('run'));
    await useBackend((args.values.get('backend') ?? 'wasm') as NodeBackend);
    const read = readData(dataPath, saved.tasks);
    const data = { ...read, sentences: await bertFeaturesFor(args.values.get('bert'), saved.config, read.sentences) };
    const model = fromSavedModel(saved, modelPath);
    try {
      const { report, predictions } = await evaluate(model, data.sentences);
      if (args.flags.has('json')) {
        io.out(`${JSON.stringify(report)}\n`);
        return 0;
      }
      model.tasks.forEach((task, t) => {
        const labelled = data.sentences.flatMap((s, i) => (s.tags[t] ? [i] : []));
        io.out(`# ${task.name} (${task.scheme}), ${labelled.length} sentences\n`);
        if (labelled.length === 0) {
          io.out('no labels for this task in the data\n\n');
          return;
        }
        const gold = labelled.map((i) => data.sentences[i]!.tags[t]!);
        const pred = labelled.map((i) => predictions[t]![i]!);
        if (task.scheme === 'plain') {
          const { correct, total, accuracy } = tokenAccuracy(gold, pred);
          io.out(`processed ${total} tokens; correct: ${correct}.\naccuracy: ${accuracy.toFixed(2)}%\n\n`);
        } else {
          const toIob2 = (tags: readonly string[]) => (task.scheme === 'IOBES' ? convertTags(tags, 'IOBES', 'IOB2') : tags);
          io.out(`${formatReport(scoreSequences(gold.map(toIob2), pred.map(toIob2)))}\n`);
        }
        // The matrix the page's scores panel draws, from the same breakdown (src/metrics/breakdown.ts).
        const breakdown = report.breakdown?.find((b) => b.task === task.name);
        if (args.flags.has('confusion') && breakdown) {
          const unit = task.scheme === 'plain' ? 'tokens by tag' : 'tokens by chunk type, B-/I- merged';
          io.out(`confusion (${unit}; rows gold, columns predicted):\n${formatConfusion(breakdown.confusion)}\n`);
        }
      });
      return 0;
    } finally {
      disposeTaggerModel(model);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`mtaa eval: ${error.message}\n${usage}`);
      return 2;
    }
    if (isDataError(error) || error instanceof CheckpointError) {
      io.err(`mtaa eval: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
};
