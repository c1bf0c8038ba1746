/** Reads a Hugging Face checkpoint folder (the files the BERT loader knows) into an in-memory map. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BERT_FILES } from '../train/bert/bertCheckpoint.ts';
import { UsageError } from './args.ts';

export function readBertDir(dir: string): Map<string, Uint8Array> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--bert ${dir}: not a folder (expected config.json, model.safetensors, tokenizer.json or vocab.txt)`);
  const files = new Map<string, Uint8Array>();
  for (const name of BERT_FILES) {
    const path = join(dir, name);
    // pytorch_model.bin is only noted (to say why it is not read), never loaded.
    if (existsSync(path)) files.set(name, name === 'pytorch_model.bin' ? new Uint8Array(0) : readFileSync(path));
  }
  return files;
}
