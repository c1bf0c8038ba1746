/**
 * `mtaa predict --model DIR|ZIP [--run R] < in > out` (`--run`: a run of a workspace archive): reads CoNLL on stdin (the first column is the word;
 * other columns are kept), and writes every line back with one predicted column per task appended.
 * Blank lines separate sentences; `-DOCSTART-` lines and blank lines pass through unchanged.
 */
import type { Sentence } from '../data/types.ts';
import { CheckpointError } from '../train/formats/checkpoint.ts';
import { evaluate } from '../train/evaluate.ts';
import { disposeTaggerModel, fromSavedModel } from '../train/taggerModel.ts';
import { parseArgs, UsageError } from './args.ts';
import { useBackend, type NodeBackend } from './backend.ts';
import type { Command } from './io.ts';
import { readModelSource } from './modelFiles.ts';
import { bertFeaturesFor } from './trainBert.ts';

const usage = 'usage: mtaa predict --model DIR|ZIP|WORKSPACE.zip [--run NAME_OR_ID] [--backend wasm|cpu] < input.conll > output.conll\n';

interface InputSentence {
  /** Indices into the line array of this sentence's token lines. */
  lines: number[];
  words: string[];
}

export function splitSentences(lines: readonly string[]): InputSentence[] {
  const sentences: InputSentence[] = [];
  let current: InputSentence | null = null;
  lines.forEach((line, i) => {
    const word = line.trim().split(/\s+/)[0] ?? '';
    if (word === '' || word === '-DOCSTART-') {
      current = null;
      return;
    }
    if (!current) sentences.push((current = { lines: [], words: [] }));
    current.lines.push(i);
    current.words.push(word);
  });
  return sentences;
}

export const predictCommand: Command = async (argv, io) => {
  try {
    const args = parseArgs(argv, { values: ['model', 'backend', 'bert', 'run'] });
    const modelPath = args.values.get('model');
    if (!modelPath) throw new UsageError('--model is required');
    const saved = await readModelSource(modelPath, args.values.get('run'));
    await useBackend((args.values.get('backend') ?? 'wasm') as NodeBackend);
    const model = fromSavedModel(saved, modelPath);
    try {
      const text = (await io.readStdin()).replace(/^\uFEFF/, '');
      const lines = text.split(/\r?\n/);
      if (lines.at(-1) === '') lines.pop();
      const input = splitSentences(lines);
      const plain: Sentence[] = input.map((s) => ({ words: s.words, tags: model.tasks.map(() => null) }));
      const sentences = await bertFeaturesFor(args.values.get('bert'), model.config, plain);
      const { predictions } = await evaluate(model, sentences);
      const out = [...lines];
      input.forEach((sentence, s) => {
        sentence.lines.forEach((lineIndex, k) => {
          out[lineIndex] = [out[lineIndex]!.trimEnd(), ...model.tasks.map((_, t) => predictions[t]![s]![k]!)].join(' ');
        });
      });
      io.out(out.length > 0 ? `${out.join('\n')}\n` : '');
      return 0;
    } finally {
      disposeTaggerModel(model);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`mtaa predict: ${error.message}\n${usage}`);
      return 2;
    }
    if (error instanceof CheckpointError) {
      io.err(`mtaa predict: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
};
