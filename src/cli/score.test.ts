/** `mtaa score` is a drop-in for `perl conlleval.pl`: same stdout byte for byte, errors name the line. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CliIO } from './io.ts';
import { main } from './main.ts';

const shared = fileURLToPath(new URL('../../../shared/', import.meta.url));
const conllevalPl = `${shared}tools/conlleval.pl`;
const bin = fileURLToPath(new URL('./mtaa.mjs', import.meta.url));

function perl(input: string, args: readonly string[] = []): { stdout: string; status: number | null } {
  const run = spawnSync('perl', [conllevalPl, ...args], { input, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (run.error) throw run.error;
  return { stdout: run.stdout, status: run.status };
}

async function score(args: string[], stdin: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = {
    readStdin: async () => stdin,
    out: (text) => (out += text),
    err: (text) => (err += text),
    isTTY: false,
  };
  const code = await main(['score', ...args], io);
  return { code, out, err };
}

/** `word gold pred` for CoNLL-2003 dev NER, with the guess spoiled on every 13th entity token. */
function nerInput(): string {
  const lines = readFileSync(`${shared}data/conll2003/eng.testa`, 'utf8').split('\n');
  let n = 0;
  return lines
    .map((line) => {
      if (line === '') return '';
      const [word, , , ner] = line.split(' ');
      const guess = ner !== 'O' && ++n % 13 === 0 ? (n % 2 ? 'O' : 'B-LOC') : ner;
      return `${word} ${ner} ${guess}`;
    })
    .join('\n');
}

describe('mtaa score', () => {
  const input = nerInput();

  it('prints the same report as conlleval.pl (and -l, -r, -d, -o likewise)', async () => {
    for (const args of [[], ['-l'], ['-r'], ['-r', '-o', 'I-PER'], ['-d', ' '], ['-o', 'X', '-l']]) {
      const expected = perl(input, args);
      const ours = await score(args, input);
      expect(ours, args.join(' ')).toEqual({ code: 0, out: expected.stdout, err: '' });
    }
  });

  it('prints only the header line for empty input', async () => {
    expect(await score([], '')).toEqual({ code: 0, out: perl('').stdout, err: '' });
  });

  it('reports an inconsistent field count with its line number, exit 1, nothing on stdout', async () => {
    const result = await score([], 'a B-X B-X\nb I-X I-X\n\nc X I-X I-X\n');
    expect(result.code).toBe(1);
    expect(result.out).toBe('');
    expect(result.err).toContain('line 4: unexpected number of features: 4 (3)');
  });

  it('rejects bad options as conlleval does, with usage and exit 2', async () => {
    for (const args of [['-x'], ['-d'], ['-o'], ['-lr'], ['extra'], ['-d', '(']]) {
      const result = await score(args, 'a O O\n');
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.out).toBe('');
      expect(result.err).toMatch(/^mtaa score: .*\nusage: mtaa score/);
    }
  });

  it('the bin reads stdin and matches perl byte for byte', () => {
    const text = readFileSync(`${shared}data/conll2000/test.txt`, 'utf8')
      .split('\n')
      .map((line, i) => {
        if (line === '') return '';
        const [word, pos, chunk] = line.split(' ');
        return `${word} ${pos} ${chunk} ${i % 17 === 0 ? 'I-NP' : chunk}`;
      })
      .join('\n');
    const run = spawnSync(process.execPath, [bin, 'score'], { input: text, encoding: 'utf8', maxBuffer: 1 << 26 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(perl(text).stdout);
    expect(run.stdout).toMatch(/^processed 47377 tokens with 23852 phrases;/);
  });
});
