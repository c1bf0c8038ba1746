import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIO } from './io.ts';
import { main } from './main.ts';
import type { InspectReport } from './inspect.ts';

const shared = new URL('../../../shared/data/', import.meta.url);
const path = (file: string) => fileURLToPath(new URL(file, shared));

function fakeIO(): CliIO & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    isTTY: false,
    readStdin: async () => '',
    out: (text: string) => {
      io.stdout += text;
    },
    err: (text: string) => {
      io.stderr += text;
    },
  };
  return io;
}

describe('mtaa inspect', () => {
  it('reports the true counts and columns of eng.testa', async () => {
    const io = fakeIO();
    const code = await main(['inspect', path('conll2003/eng.testa')], io);
    expect(code).toBe(0);
    expect(io.stderr).toBe('');
    expect(io.stdout).toContain('format:     CoNLL (4 columns)');
    expect(io.stdout).toContain('sentences:  3,250');
    expect(io.stdout).toContain('tokens:     51,362');
    expect(io.stdout).toContain('-DOCSTART- lines skipped: 216');
    expect(io.stdout).toMatch(/\[0\] word\s+word\s+9,966 distinct values/);
    expect(io.stdout).toMatch(/\[1\] tag\s+POS\s+scheme plain, 45 tags/);
    expect(io.stdout).toMatch(/\[2\] tag\s+chunk\s+scheme IOB1, 16 tags/);
    expect(io.stdout).toMatch(/\[3\] tag\s+NER\s+scheme IOB1, 6 tags/);
    expect(io.stdout).toContain('O 42,759 · I-PER 3,149');
  });

  it('--json gives the machine-readable report', async () => {
    const io = fakeIO();
    expect(await main(['inspect', '--json', path('conll2003/eng.testa')], io)).toBe(0);
    const report = JSON.parse(io.stdout) as InspectReport;
    expect([report.format, report.sentences, report.tokens, report.docStartLines]).toEqual(['conll', 3_250, 51_362, 216]);
    expect(report.columns.map((c) => [c.role, c.name, c.scheme, c.tags.length])).toEqual([
      ['word', 'word', 'plain', 0],
      ['tag', 'POS', 'plain', 45],
      ['tag', 'chunk', 'IOB1', 16],
      ['tag', 'NER', 'IOB1', 6],
    ]);
    expect(report.columns[3].tags[0]).toEqual({ tag: 'O', count: 42_759 });
  });

  it('reads CoNLL-U', async () => {
    const io = fakeIO();
    expect(await main(['inspect', '--json', path('ud-ewt/en_ewt-ud-dev.conllu')], io)).toBe(0);
    const report = JSON.parse(io.stdout) as InspectReport;
    expect([report.format, report.sentences, report.tokens, report.multiwordTokens, report.emptyNodes]).toEqual([
      'conllu',
      2_001,
      25_147,
      359,
      4,
    ]);
    expect(report.columns.filter((c) => c.role === 'tag').map((c) => c.name)).toEqual(['UPOS', 'XPOS', 'DEPREL']);
  });

  it('prints a DataError on stderr and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtaa-inspect-'));
    const bad = join(dir, 'eng.bad');
    writeFileSync(bad, 'EU NNP B-NP B-ORG\nrejects VBZ B-VP\n');
    try {
      const io = fakeIO();
      expect(await main(['inspect', bad], io)).toBe(1);
      expect(io.stdout).toBe('');
      expect(io.stderr).toBe(`${bad}: line 2: expected 4 columns like the lines before, found 3\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 1 for a missing file and 2 for bad usage', async () => {
    const missing = fakeIO();
    expect(await main(['inspect', '/nonexistent/file.conll'], missing)).toBe(1);
    expect(missing.stderr).toMatch(/cannot read \/nonexistent\/file\.conll/);
    const usage = fakeIO();
    expect(await main(['inspect'], usage)).toBe(2);
    expect(usage.stderr).toMatch(/missing FILE/);
    expect(await main(['inspect', '--bogus', 'x'], fakeIO())).toBe(2);
  });
});
