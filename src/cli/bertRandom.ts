/**
 * `mtaa bert-random --out DIR [--size tiny|base] [--vocab-from FILE] [--dtype F32|F16]`: writes a
 * checkpoint folder in the Hugging Face layout with RANDOM weights, for benchmarks and demos where no
 * real checkpoint can be fetched. `base` has bert-base-cased's sizes (12 × 768, 12 heads, 3072, 512
 * positions, 28,996 pieces), so it costs what the real one costs to run; its features mean nothing.
 * The vocabulary: specials, the most frequent words of `--vocab-from` (a CoNLL file), every character
 * seen there alone and as a `##` continuation, then filler pieces up to the vocabulary size.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BertArchitecture } from '../model/bert/bertConfig.ts';
import { TINY_BERT, TINY_VOCAB, randomBertFiles } from '../train/bert/bertFixture.ts';
import { parseArgs, UsageError } from './args.ts';
import type { Command } from './io.ts';
import { readData } from './train.ts';

const usage = 'usage: mtaa bert-random --out DIR [--size tiny|base] [--vocab-from CONLL] [--dtype F32|F16] [--seed N]\n';

export const BERT_BASE: BertArchitecture = {
  vocabSize: 28996,
  hiddenSize: 768,
  layers: 12,
  heads: 12,
  intermediateSize: 3072,
  maxPositions: 512,
  typeVocabSize: 2,
  layerNormEps: 1e-12,
  activation: 'gelu',
};

function vocabularyFrom(path: string | undefined, size: number, wholeWords: number): string[] {
  const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
  const seen = new Set(vocab);
  const add = (t: string) => {
    if (vocab.length < size && !seen.has(t)) {
      seen.add(t);
      vocab.push(t);
    }
  };
  if (path) {
    const counts = new Map<string, number>();
    const chars = new Set<string>();
    for (const s of readData(path).sentences) {
      for (const w of s.words) {
        counts.set(w, (counts.get(w) ?? 0) + 1);
        for (const c of w) chars.add(c);
      }
    }
    for (const c of chars) {
      add(c);
      add(`##${c}`);
    }
    for (const [w] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, wholeWords)) add(w);
  }
  for (let i = 0; vocab.length < size; i++) add(`[unused${i}]`);
  return vocab;
}

export const bertRandomCommand: Command = async (argv, io) => {
  try {
    const args = parseArgs(argv, { values: ['out', 'size', 'vocab-from', 'dtype', 'seed', 'whole-words'] });
    const out = args.values.get('out');
    if (!out) throw new UsageError('--out DIR is required');
    const size = args.values.get('size') ?? 'tiny';
    if (size !== 'tiny' && size !== 'base') throw new UsageError(`--size must be tiny or base, got ${size}`);
    const dtype = args.values.get('dtype') ?? 'F32';
    if (dtype !== 'F32' && dtype !== 'F16') throw new UsageError(`--dtype must be F32 or F16, got ${dtype}`);
    const arch = size === 'base' ? BERT_BASE : TINY_BERT;
    const vocab = size === 'base' ? vocabularyFrom(args.values.get('vocab-from'), arch.vocabSize, Number(args.values.get('whole-words') ?? 12000)) : [...TINY_VOCAB];
    // Weights of the real model's scale (BERT initialises with std 0.02), so activations stay in range.
    const files = randomBertFiles(arch, vocab, { dtype, seed: Number(args.values.get('seed') ?? 1), scale: size === 'base' ? 0.035 : 0.5 });
    mkdirSync(out, { recursive: true });
    for (const [name, bytes] of files) writeFileSync(join(out, name), bytes);
    io.out(`${JSON.stringify({ type: 'bert-random', out, size, dtype, vocab: vocab.length, bytes: files.get('model.safetensors')!.length })}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`mtaa bert-random: ${error.message}\n${usage}`);
      return 2;
    }
    throw error;
  }
};
