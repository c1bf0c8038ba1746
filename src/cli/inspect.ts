/**
 * `mtaa inspect FILE [--json] [--format conll|conllu] [--max-mb N]`: what the workbench would make
 * of a file before training on it: format, counts, and each column's role, guessed name, tag scheme
 * and tag inventory. Bad input prints the DataError message (file, line, problem) and exits 1.
 */
import { messageOf } from '../core/errors.ts';
import { readFile } from 'node:fs/promises';
import { detectColumns } from '../data/columnDetection.ts';
import { isDataError } from '../data/dataError.ts';
import { readCorpus } from '../data/readCorpus.ts';
import type { ColumnGuess, FileFormat, ParsedFile } from '../data/types.ts';
import type { CliIO, Command } from './io.ts';

const usage = `usage: mtaa inspect FILE [--json] [--format conll|conllu] [--max-mb N]

  --json           machine-readable output
  --format F       read as conll or conllu instead of guessing
  --max-mb N       refuse files over N megabytes (default 200)
`;

/** The machine-readable report (`--json`). */
export interface InspectReport {
  file: string;
  format: FileFormat;
  columnCount: number;
  sentences: number;
  tokens: number;
  docStartLines: number;
  multiwordTokens: number;
  emptyNodes: number;
  columns: {
    index: number;
    role: ColumnGuess['role'];
    name: string;
    scheme: ColumnGuess['scheme'];
    distinct: number;
    /** Tag columns only: tag → count, most frequent first. */
    tags: { tag: string; count: number }[];
  }[];
}

interface InspectArgs {
  file: string;
  json: boolean;
  format?: FileFormat;
  maxBytes?: number;
}

export const inspectCommand: Command = async (argv, io) => {
  const args = parseArgs(argv, io);
  if (typeof args === 'number') return args;
  let bytes: Uint8Array;
  try {
    bytes = await readFile(args.file);
  } catch (error) {
    io.err(`mtaa inspect: cannot read ${args.file}: ${messageOf(error)}\n`);
    return 1;
  }
  try {
    const parsed = readCorpus(args.file, bytes, {
      ...(args.format ? { format: args.format } : {}),
      ...(args.maxBytes !== undefined ? { maxBytes: args.maxBytes } : {}),
    });
    const report = buildReport(parsed, detectColumns(parsed));
    io.out(args.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return 0;
  } catch (error) {
    if (!isDataError(error)) throw error;
    io.err(`${error.message}\n`);
    return 1;
  }
};

function parseArgs(argv: string[], io: CliIO): InspectArgs | number {
  const files: string[] = [];
  let json = false;
  let format: FileFormat | undefined;
  let maxBytes: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') {
      io.out(usage);
      return 0;
    } else if (arg === '--json') json = true;
    else if (arg === '--format') {
      const value = argv[++i];
      if (value !== 'conll' && value !== 'conllu') return fail(io, `--format must be conll or conllu`);
      format = value;
    } else if (arg === '--max-mb') {
      const value = Number(argv[++i]);
      if (!(value > 0)) return fail(io, `--max-mb needs a positive number`);
      maxBytes = Math.floor(value * 1024 * 1024);
    } else if (arg.startsWith('-') && arg !== '-') return fail(io, `unknown option ${arg}`);
    else files.push(arg);
  }
  if (files.length !== 1) return fail(io, files.length === 0 ? 'missing FILE' : 'give exactly one FILE');
  return { file: files[0], json, ...(format ? { format } : {}), ...(maxBytes !== undefined ? { maxBytes } : {}) };
}

function fail(io: CliIO, message: string): number {
  io.err(`mtaa inspect: ${message}\n${usage}`);
  return 2;
}

export function buildReport(parsed: ParsedFile, columns: readonly ColumnGuess[]): InspectReport {
  return {
    file: parsed.fileName,
    format: parsed.format,
    columnCount: parsed.columnCount,
    sentences: parsed.sentences.length,
    tokens: parsed.tokenCount,
    docStartLines: parsed.docStarts,
    multiwordTokens: parsed.multiwordTokens ?? 0,
    emptyNodes: parsed.emptyNodes ?? 0,
    columns: columns.map((c) => ({
      index: c.index,
      role: c.role,
      name: c.name,
      scheme: c.scheme,
      distinct: c.distinct ?? c.tags.length,
      tags: c.tags.map((tag, k) => ({ tag, count: c.counts[k] })),
    })),
  };
}

/** Inventories longer than this are cut in the text report (the JSON has them all). */
const MAX_TAGS_SHOWN = 60;

export function formatReport(report: InspectReport): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const lines = [
    `file:       ${report.file}`,
    `format:     ${report.format === 'conllu' ? 'CoNLL-U' : 'CoNLL'} (${report.columnCount} columns)`,
    `sentences:  ${n(report.sentences)}`,
    `tokens:     ${n(report.tokens)}`,
  ];
  if (report.format === 'conllu') {
    lines.push(`multiword tokens skipped: ${n(report.multiwordTokens)}`, `empty nodes skipped:      ${n(report.emptyNodes)}`);
  } else {
    lines.push(`-DOCSTART- lines skipped: ${n(report.docStartLines)}`);
  }
  lines.push('', 'columns:');
  for (const c of report.columns) {
    const head = `  [${c.index}] ${c.role.padEnd(5)} ${c.name.padEnd(8)}`;
    if (c.role !== 'tag') {
      lines.push(`${head} ${n(c.distinct)} distinct values`);
      continue;
    }
    lines.push(`${head} scheme ${c.scheme}, ${n(c.tags.length)} tags`);
    const shown = c.tags.slice(0, MAX_TAGS_SHOWN).map((t) => `${t.tag} ${n(t.count)}`);
    if (c.tags.length > MAX_TAGS_SHOWN) shown.push(`… ${n(c.tags.length - MAX_TAGS_SHOWN)} more (see --json)`);
    lines.push(...wrap(shown, 96).map((line) => `        ${line}`));
  }
  return `${lines.join('\n')}\n`;
}

function wrap(items: string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    if (line && line.length + 3 + item.length > width) {
      lines.push(line);
      line = '';
    }
    line = line ? `${line} · ${item}` : item;
  }
  if (line) lines.push(line);
  return lines;
}
