/**
 * Byte and line mutations for the seeded fuzzer: each takes well-formed input and breaks it in one
 * of the ways real files break (cut short, binary junk, invalid UTF-8, NUL bytes, ragged columns,
 * huge lines, runaway sentences, repeated headers). Pure TypeScript, deterministic given the rng.
 */
import { randomInt } from '../prng.ts';

export type Rng = () => number;

const encoder = new TextEncoder();

export function toBytes(input: Uint8Array | string): Uint8Array {
  return typeof input === 'string' ? encoder.encode(input) : input;
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[randomInt(rng, items.length)]!;
}

/** `n` uniformly random bytes. */
export function randomBytes(rng: Rng, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = randomInt(rng, 256);
  return out;
}

/** Cut at a random byte (possibly inside a UTF-8 sequence or a zip entry). */
export function truncate(rng: Rng, bytes: Uint8Array): Uint8Array {
  return bytes.slice(0, randomInt(rng, bytes.length + 1));
}

/** Overwrites `count` random bytes with random values. */
export function flipBytes(rng: Rng, bytes: Uint8Array, count: number): Uint8Array {
  const out = bytes.slice();
  if (out.length === 0) return out;
  for (let k = 0; k < count; k++) out[randomInt(rng, out.length)] = randomInt(rng, 256);
  return out;
}

/** Inserts `insert` at a random offset. */
export function insertAt(rng: Rng, bytes: Uint8Array, insert: Uint8Array): Uint8Array {
  const at = randomInt(rng, bytes.length + 1);
  const out = new Uint8Array(bytes.length + insert.length);
  out.set(bytes.subarray(0, at), 0);
  out.set(insert, at);
  out.set(bytes.subarray(at), at + insert.length);
  return out;
}

/** Byte sequences a strict UTF-8 decoder must refuse (lone bytes, truncated, overlong, surrogate, > U+10FFFF). */
export const INVALID_UTF8: readonly (readonly number[])[] = [
  [0xff],
  [0xfe, 0xff],
  [0xc3],
  [0xe2, 0x82],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0x80],
  [0xe9], // Latin-1 é
];

export function insertInvalidUtf8(rng: Rng, bytes: Uint8Array): Uint8Array {
  return insertAt(rng, bytes, Uint8Array.from(pick(rng, INVALID_UTF8)));
}

export function insertNul(rng: Rng, bytes: Uint8Array): Uint8Array {
  return insertAt(rng, bytes, new Uint8Array(1 + randomInt(rng, 4)));
}

/** Lines of `text` without the final empty one. */
export function lines(text: string): string[] {
  const out = text.split('\n');
  if (out.length > 1 && out[out.length - 1] === '') out.pop();
  return out;
}

/** Indices of lines that carry tokens (not blank, not comments). */
function tokenLines(all: readonly string[]): number[] {
  const out: number[] = [];
  all.forEach((line, i) => {
    if (line.trim() !== '' && !line.startsWith('#')) out.push(i);
  });
  return out;
}

/** Adds or drops a column on one token line (`separator` is the file's column separator). */
export function raggedColumns(rng: Rng, text: string, separator: string): string {
  const all = lines(text);
  const candidates = tokenLines(all);
  if (candidates.length === 0) return text;
  const i = pick(rng, candidates);
  const fields = all[i]!.split(separator);
  if (rng() < 0.5 && fields.length > 1) fields.splice(randomInt(rng, fields.length), 1);
  else fields.splice(randomInt(rng, fields.length + 1), 0, rng() < 0.5 ? 'extra' : '');
  all[i] = fields.join(separator);
  return `${all.join('\n')}\n`;
}

/** Puts one line of about `size` characters at a random place: one huge token, or many columns. */
export function hugeLine(rng: Rng, text: string, size: number, separator: string): string {
  const all = lines(text);
  const at = randomInt(rng, all.length + 1);
  const unit = pick(rng, ['x', 'é', '\u{1F600}', `a${separator}`]);
  all.splice(at, 0, unit.repeat(Math.max(1, Math.floor(size / unit.length))));
  return `${all.join('\n')}\n`;
}

/** Replaces the blank lines of one region by token lines: one sentence of `tokens` tokens. */
export function longSentence(rng: Rng, text: string, tokens: number, makeLine: (index: number) => string): string {
  const all = lines(text);
  const at = randomInt(rng, all.length + 1);
  const sentence: string[] = [];
  for (let t = 0; t < tokens; t++) sentence.push(makeLine(t));
  all.splice(at, 0, '', ...sentence, '');
  return `${all.join('\n')}\n`;
}

/** Repeats a header-like line (a comment, `-DOCSTART-`, the first token line) several times. */
export function duplicateHeaders(rng: Rng, text: string, headers: readonly string[]): string {
  const all = lines(text);
  const copies = 2 + randomInt(rng, 4);
  const header = pick(rng, [...headers, all[0] ?? '']);
  const at = randomInt(rng, all.length + 1);
  all.splice(at, 0, ...Array.from({ length: copies }, () => header));
  return `${all.join('\n')}\n`;
}

/** Swaps line breaks for CRLF, CR only, or strips them all. */
export function lineBreaks(rng: Rng, text: string): string {
  const choice = randomInt(rng, 3);
  if (choice === 0) return text.replace(/\n/g, '\r\n');
  if (choice === 1) return text.replace(/\n/g, '\r');
  return text.replace(/\n/g, ' ');
}
