/**
 * `mtaa bert-features` and `mtaa train --bert` on the tiny random checkpoint written to a folder:
 * one `sentence.<i>` per sentence with [tokens, dim]; a corrupt checkpoint is refused with the file
 * and the tensor named; training with the features completes.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { randomBertFiles } from '../train/bert/bertFixture.ts';
import { decodeSafetensors } from '../train/formats/safetensors.ts';
import type { CliIO } from './io.ts';
import { main } from './main.ts';

function fakeIO(): CliIO & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    isTTY: false,
    readStdin: async () => '',
    out: (text: string) => void (io.stdout += text),
    err: (text: string) => void (io.stderr += text),
  };
  return io;
}

const dir = mkdtempSync(join(tmpdir(), 'mtaa-bert-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const bertDir = join(dir, 'bert');
mkdirSync(bertDir);
for (const [name, bytes] of randomBertFiles()) writeFileSync(join(bertDir, name), bytes);

const blocks = readFileSync(new URL('../../../shared/data/conll2003/eng.testa', import.meta.url), 'utf8')
  .split(/\n\n+/)
  .filter((block) => block.trim() && !block.startsWith('-DOCSTART-') && block.split('\n').length <= 12)
  .slice(0, 30);
const dataFile = join(dir, 'data.conll');
writeFileSync(dataFile, `${blocks.join('\n\n')}\n\n`);
const lengths = blocks.map((b) => b.trim().split('\n').length);

describe('mtaa bert-features / train --bert / eval --bert', () => {
  it('writes sentence.<i> → [tokens, hidden] float32 for every sentence', async () => {
    const io = fakeIO();
    const out = join(dir, 'features.safetensors');
    expect(await main(['bert-features', '--bert', bertDir, '--data', dataFile, '--out', out, '--pooling', 'mean', '--backend', 'cpu'], io)).toBe(0);
    const { weights, metadata } = decodeSafetensors(readFileSync(out));
    expect(weights.map((w) => w.name)).toEqual(lengths.map((_, i) => `sentence.${i}`));
    weights.forEach((w, i) => expect(w.shape).toEqual([lengths[i], 32]));
    expect(metadata).toMatchObject({ layers: '2', pooling: 'mean', hidden_size: '32' });
    expect(JSON.parse(io.stdout)).toMatchObject({ type: 'bert-features', sentences: 30, dim: 32 });
  });

  it('refuses a checkpoint with a missing tensor, naming the file and the tensor', async () => {
    const broken = join(dir, 'broken');
    mkdirSync(broken);
    for (const [name, bytes] of randomBertFiles(undefined, undefined, { prefix: '' })) writeFileSync(join(broken, name), bytes);
    const config = JSON.parse(readFileSync(join(broken, 'config.json'), 'utf8'));
    writeFileSync(join(broken, 'config.json'), JSON.stringify({ ...config, intermediate_size: 48 }));
    const io = fakeIO();
    expect(await main(['bert-features', '--bert', broken, '--data', dataFile, '--out', join(dir, 'x.safetensors')], io)).toBe(1);
    expect(io.stderr).toMatch(/model\.safetensors: encoder\.layer\.0\.intermediate\.dense\.weight: has shape \[64, 32\] but config\.json calls for \[48, 32\]/);
  });

  it('trains the tiny preset with the features replacing the basic embedding', async () => {
    const io = fakeIO();
    const code = await main(
      ['train', '--train', dataFile, '--preset', 'tiny', '--epochs', '1', '--threads', '1', '--backend', 'cpu', '--bert', bertDir, '--config', '{"model":{"embedding":{"bert":{"mode":"replace"}}}}', '--out', join(dir, 'model')],
      io,
    );
    expect(code).toBe(0);
    expect(io.stderr).toMatch(/BERT 2×32 \(F32\), replace, hidden state 2, first piece/);
    const summary = JSON.parse(io.stdout.trim().split('\n').at(-1)!);
    expect(summary).toMatchObject({ type: 'summary', reason: 'completed', epochs: 1 });
    const evalIO = fakeIO();
    expect(await main(['eval', '--model', join(dir, 'model'), '--data', dataFile, '--bert', bertDir, '--backend', 'cpu', '--json'], evalIO)).toBe(0);
    expect(JSON.parse(evalIO.stdout).scores).toHaveLength(3);
    const noBert = fakeIO();
    expect(await main(['eval', '--model', join(dir, 'model'), '--data', dataFile, '--backend', 'cpu'], noBert)).toBe(2);
    expect(noBert.stderr).toMatch(/trained with BERT features: give --bert DIR/);
    const again = fakeIO();
    expect(await main(['train', '--train', dataFile, '--preset', 'tiny', '--config', '{"model":{"embedding":{"bert":{"mode":"replace"}}}}'], again)).toBe(2);
    expect(again.stderr).toMatch(/give --bert DIR/);
  });
});
