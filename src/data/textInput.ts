/**
 * Bytes (or a string) to checked text, shared by the CoNLL and CoNLL-U readers: size limit, empty
 * input, binary data and invalid UTF-8 are reported here with the line they sit on, before any
 * parsing, so the readers only ever see well-formed text.
 */
import { DataError } from './dataError.ts';

/** Default size limit: large enough for any CoNLL corpus we know, small enough not to freeze a tab. */
export const DEFAULT_MAX_BYTES = 200 * 1024 * 1024;

export interface ReadOptions {
  /** Reject inputs larger than this many bytes (strings: UTF-16 code units). Default 200 MB. */
  maxBytes?: number;
}

/**
 * A text file may carry a stray control character; a binary file has NULs or many of them. Above
 * this share of control characters we call it binary.
 */
const BINARY_CONTROL_SHARE = 0.01;

/** Decodes and checks `input`; the returned text has no BOM. Throws DataError. */
export function decodeInput(fileName: string, input: Uint8Array | string, options: ReadOptions = {}): string {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const size = input.length;
  if (size > maxBytes) {
    throw new DataError({
      kind: 'too-large',
      file: fileName,
      reason: `the file is ${formatBytes(size)}, over the ${formatBytes(maxBytes)} limit`,
    });
  }
  if (size === 0) throw new DataError({ kind: 'empty', file: fileName, reason: 'the file is empty' });

  let text: string;
  if (typeof input === 'string') {
    checkNotBinary(fileName, input.length, (i) => input.charCodeAt(i));
    text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  } else {
    checkNotBinary(fileName, input.length, (i) => input[i]);
    text = decodeUtf8(fileName, input);
  }
  if (isAllWhitespace(text)) {
    throw new DataError({ kind: 'empty', file: fileName, reason: 'the file contains only blank lines' });
  }
  return text;
}

function decodeUtf8(fileName: string, bytes: Uint8Array): string {
  try {
    // The decoder strips a leading UTF-8 BOM (ignoreBOM defaults to false).
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const offset = firstInvalidUtf8Offset(bytes);
    const at = offset < 0 ? 0 : offset;
    const byte = bytes[at] ?? 0;
    throw new DataError({
      kind: 'encoding',
      file: fileName,
      ...(offset < 0 ? {} : { line: lineOfOffset(bytes.length, (i) => bytes[i], at) }),
      reason:
        offset < 0
          ? 'the file is not valid UTF-8; save it as UTF-8 and try again'
          : `byte 0x${byte.toString(16).padStart(2, '0')} at offset ${at} is not valid UTF-8; save the file as UTF-8 (it may be Latin-1 or Windows-1252)`,
    });
  }
}

/** Control characters that do not occur in text files (tab, LF, VT, FF, CR and ESC are allowed). */
function isControl(code: number): boolean {
  return code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0b && code !== 0x0c && code !== 0x0d && code !== 0x1b;
}

function checkNotBinary(fileName: string, length: number, codeAt: (i: number) => number): void {
  let firstNul = -1;
  let firstControl = -1;
  let controls = 0;
  for (let i = 0; i < length; i++) {
    const code = codeAt(i);
    if (code >= 0x20) continue;
    if (code === 0) {
      firstNul = i;
      break;
    }
    if (isControl(code)) {
      controls++;
      if (firstControl < 0) firstControl = i;
    }
  }
  if (firstNul >= 0) {
    throw new DataError({
      kind: 'binary',
      file: fileName,
      line: lineOfOffset(length, codeAt, firstNul),
      reason: 'found a NUL byte: this looks like a binary file, not CoNLL text',
    });
  }
  if (controls > 0 && controls >= Math.max(1, length * BINARY_CONTROL_SHARE)) {
    throw new DataError({
      kind: 'binary',
      file: fileName,
      line: lineOfOffset(length, codeAt, firstControl),
      reason: `found ${controls} control characters (first: 0x${codeAt(firstControl).toString(16).padStart(2, '0')}): this looks like a binary file, not CoNLL text`,
    });
  }
}

/** 1-based line of a byte/char offset (counts LF before it). */
function lineOfOffset(length: number, codeAt: (i: number) => number | undefined, offset: number): number {
  let line = 1;
  const end = Math.min(offset, length);
  for (let i = 0; i < end; i++) if (codeAt(i) === 0x0a) line++;
  return line;
}

/**
 * Offset of the first byte that makes `bytes` invalid UTF-8 (WHATWG rules: no overlongs, no
 * surrogates, nothing above U+10FFFF, no truncated sequences), or -1. Only run after the fast
 * decoder has failed, to name the line.
 */
export function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b0 = bytes[i];
    if (b0 < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lower = 0x80;
    let upper = 0xbf;
    if (b0 >= 0xc2 && b0 <= 0xdf) need = 1;
    else if (b0 >= 0xe0 && b0 <= 0xef) {
      need = 2;
      if (b0 === 0xe0) lower = 0xa0;
      if (b0 === 0xed) upper = 0x9f;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      need = 3;
      if (b0 === 0xf0) lower = 0x90;
      if (b0 === 0xf4) upper = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return i;
      const b = bytes[i + k];
      const lo = k === 1 ? lower : 0x80;
      const hi = k === 1 ? upper : 0xbf;
      if (b < lo || b > hi) return i;
    }
    i += need + 1;
  }
  return -1;
}

function isAllWhitespace(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (!isSpaceCode(text.charCodeAt(i))) return false;
  }
  return true;
}

/** ASCII whitespace that separates CoNLL columns: space, tab, CR, LF, VT, FF. */
export function isSpaceCode(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * Calls `visit` for every line of `text` with its 1-based number; the line excludes the LF and a
 * trailing CR. An indexOf loop, not split(), so a 200 MB file does not allocate a second copy of
 * itself as an array. Files that use only CR as line break (classic Mac) are split on CR.
 * `visit` may return false to stop early.
 */
export function forEachLine(text: string, visit: (line: string, lineNumber: number) => boolean | void): void {
  const hasLf = text.indexOf('\n') >= 0;
  const separator = hasLf || text.indexOf('\r') < 0 ? '\n' : '\r';
  let start = 0;
  let lineNumber = 1;
  const n = text.length;
  while (start <= n) {
    let end = text.indexOf(separator, start);
    if (end < 0) end = n;
    let stop = end;
    if (separator === '\n' && stop > start && text.charCodeAt(stop - 1) === 0x0d) stop--;
    // A final line break does not open another (empty) line.
    if (end === n && start === n && lineNumber > 1) break;
    if (visit(text.slice(start, stop), lineNumber) === false) break;
    start = end + 1;
    lineNumber++;
  }
}
