/**
 * The training commands end to end on a tiny model: train writes JSON lines and a saved model,
 * eval reads it back with conlleval's report, predict appends one column per task; bad arguments
 * and bad files give clear messages and exit codes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIO } from './io.ts';
import { main } from './main.ts';

function fakeIO(stdin = ''): CliIO & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    isTTY: false,
    readStdin: async () => stdin,
    out: (text: string) => {
      io.stdout += text;
    },
    err: (text: string) => {
      io.stderr += text;
    },
  };
  return io;
}

const dir = mkdtempSync(join(tmpdir(), 'mtaa-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// 60 short CoNLL-2003-style sentences (word POS chunk NER) built from the shared dev file.
const conll = readFileSync(new URL('../../../shared/data/conll2003/eng.testa', import.meta.url), 'utf8')
  .split(/\n\n+/)
  .filter((block) => block.trim() && !block.startsWith('-DOCSTART-') && block.split('\n').length <= 12)
  .slice(0, 60)
  .join('\n\n');
const trainFile = join(dir, 'train.conll');
writeFileSync(trainFile, `${conll}\n\n`);
const modelDir = join(dir, 'model');

describe('mtaa train / eval / predict', () => {
  it('trains, prints one JSON line per epoch and a summary, and saves the model', async () => {
    const io = fakeIO();
    const code = await main(['train', '--train', trainFile, '--test', trainFile, '--preset', 'tiny', '--epochs', '2', '--out', modelDir], io);
    expect(code).toBe(0);
    const lines = io.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; epoch?: number; test?: { task: string; value: number }[] });
    expect(lines.filter((l) => l.type === 'epoch').map((l) => l.epoch)).toEqual([1, 2]);
    const summary = lines.at(-1)!;
    expect(summary.type).toBe('summary');
    expect(summary.test!.map((s) => s.task)).toEqual(['POS', 'chunk', 'NER']);
    for (const name of ['model.json', 'weights.bin', 'model.safetensors']) expect(readFileSync(join(modelDir, name)).length).toBeGreaterThan(0);
  });

  it('evaluates the saved model with conlleval reports per chunk task', async () => {
    const io = fakeIO();
    expect(await main(['eval', '--model', modelDir, '--data', trainFile], io)).toBe(0);
    expect(io.stdout).toContain('# POS (plain)');
    expect(io.stdout).toMatch(/# chunk \(IOB1\)[^\n]*\nprocessed \d+ tokens with \d+ phrases; found: \d+ phrases; correct: \d+\.\naccuracy: /);
    expect(io.stdout).toContain('# NER (IOB1)');
    expect(io.stdout).not.toContain('confusion');
  });

  it("eval --confusion adds each task's confusion matrix, its counts summing to the tokens scored", async () => {
    const io = fakeIO();
    expect(await main(['eval', '--model', modelDir, '--data', trainFile, '--confusion'], io)).toBe(0);
    const ner = io.stdout.slice(io.stdout.indexOf('# NER (IOB1)'));
    const tokens = Number(/processed (\d+) tokens/.exec(ner)![1]);
    const matrix = ner.slice(ner.indexOf('confusion (tokens by chunk type, B-/I- merged; rows gold, columns predicted):\n')).split('\n').slice(2);
    const rows = matrix.slice(0, matrix.indexOf(''));
    expect(rows.map((r) => r.split(/\s+/)[0])).toContain('O');
    const cells = rows.flatMap((r) => r.trim().split(/\s+/).slice(1).map(Number));
    expect(cells.reduce((a, b) => a + b, 0)).toBe(tokens);
  });

  it('predicts: one column per task appended, separators kept', async () => {
    const io = fakeIO('EU NNP\nrejects VBZ\n\n-DOCSTART- -X- O O\n\nPeter\n');
    expect(await main(['predict', '--model', modelDir], io)).toBe(0);
    const out = io.stdout.split('\n');
    expect(out[0]).toMatch(/^EU NNP \S+ \S+ \S+$/);
    expect(out[1]).toMatch(/^rejects VBZ \S+ \S+ \S+$/);
    expect(out[2]).toBe('');
    expect(out[3]).toBe('-DOCSTART- -X- O O');
    expect(out[5]).toMatch(/^Peter \S+ \S+ \S+$/);
  });

  it('refuses bad arguments and bad files with a message and an exit code', async () => {
    let io = fakeIO();
    expect(await main(['train'], io)).toBe(2);
    expect(io.stderr).toContain('--train FILE is required');
    io = fakeIO();
    expect(await main(['train', '--train', trainFile, '--config', '{"model":{"dropout":7}}'], io)).toBe(1);
    expect(io.stderr).toContain('config.model.dropout');
    io = fakeIO();
    expect(await main(['train', '--train', trainFile, '--bogus', '1'], io)).toBe(2);
    expect(io.stderr).toContain('unknown option --bogus');
    const broken = join(dir, 'broken.conll');
    writeFileSync(broken, 'a B C\nb D\n');
    io = fakeIO();
    expect(await main(['train', '--train', broken], io)).toBe(1);
    expect(io.stderr).toMatch(/broken\.conll: line 2: /);
    writeFileSync(join(dir, 'bad.zip'), 'not a zip');
    io = fakeIO();
    expect(await main(['eval', '--model', join(dir, 'bad.zip'), '--data', trainFile], io)).toBe(1);
    expect(io.stderr).toContain('bad.zip: archive: not a readable zip archive');
  });
});
