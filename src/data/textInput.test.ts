import { describe, expect, it } from 'vitest';
import { DataError } from './dataError.ts';
import { createRng, randomInt } from './prng.ts';
import { decodeInput, firstInvalidUtf8Offset, forEachLine } from './textInput.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);

function catchDataError(run: () => unknown): DataError {
  try {
    run();
  } catch (error) {
    if (error instanceof DataError) return error;
    throw error;
  }
  throw new Error('expected a DataError');
}

describe('forEachLine', () => {
  const lines = (text: string) => {
    const out: [string, number][] = [];
    forEachLine(text, (line, n) => {
      out.push([line, n]);
    });
    return out;
  };
  it('splits LF and CRLF, drops the CR and does not invent a line after the final break', () => {
    expect(lines('a\r\nb\n\nc\n')).toEqual([
      ['a', 1],
      ['b', 2],
      ['', 3],
      ['c', 4],
    ]);
    expect(lines('a')).toEqual([['a', 1]]);
    expect(lines('a\n\n')).toEqual([
      ['a', 1],
      ['', 2],
    ]);
  });
  it('splits CR-only files on CR', () => {
    expect(lines('a\rb\r')).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });
  it('stops when the visitor returns false', () => {
    const seen: string[] = [];
    forEachLine('a\nb\nc', (line) => {
      seen.push(line);
      return line !== 'b';
    });
    expect(seen).toEqual(['a', 'b']);
  });
});

describe('decodeInput', () => {
  it('strips a UTF-8 BOM from bytes and strings', () => {
    expect(decodeInput('f', utf8('\uFEFFab c'))).toBe('ab c');
    expect(decodeInput('f', '\uFEFFab c')).toBe('ab c');
  });

  it('rejects empty and blank input', () => {
    expect(catchDataError(() => decodeInput('f', new Uint8Array())).kind).toBe('empty');
    expect(catchDataError(() => decodeInput('f', '')).kind).toBe('empty');
    expect(catchDataError(() => decodeInput('f', utf8('\n \r\n\t\n'))).kind).toBe('empty');
    expect(catchDataError(() => decodeInput('f', utf8('\uFEFF'))).kind).toBe('empty');
  });

  it('rejects NUL bytes as binary, with the line', () => {
    const error = catchDataError(() => decodeInput('blob.bin', utf8('a b\nc d\ne\u0000f\n')));
    expect(error.kind).toBe('binary');
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/^blob\.bin: line 3: .*binary/);
  });

  it('rejects many control characters as binary but tolerates a stray one', () => {
    const many = catchDataError(() => decodeInput('f', utf8('a\u0001\u0002\u0003b\n')));
    expect(many.kind).toBe('binary');
    expect(many.line).toBe(1);
    const text = `${'word TAG\n'.repeat(200)}odd\u0007word TAG\n`;
    expect(decodeInput('f', utf8(text))).toBe(text);
  });

  it('reports the line of the first invalid UTF-8 byte', () => {
    const latin1 = Uint8Array.from([...utf8('Paris NNP\nM'), 0xfc, ...utf8('nchen NNP\n')]);
    const error = catchDataError(() => decodeInput('de.conll', latin1));
    expect(error.kind).toBe('encoding');
    expect(error.line).toBe(2);
    expect(error.message).toContain('0xfc');
  });

  it('enforces the size limit', () => {
    const error = catchDataError(() => decodeInput('big.conll', utf8('a b\n'.repeat(100)), { maxBytes: 100 }));
    expect(error.kind).toBe('too-large');
    expect(error.message).toMatch(/^big\.conll: the file is 400 bytes, over the 100 bytes limit/);
    expect(decodeInput('ok', utf8('a b\n'), { maxBytes: 4 })).toBe('a b\n');
  });
});

describe('firstInvalidUtf8Offset', () => {
  it('agrees with the fatal TextDecoder on random byte strings', () => {
    const rng = createRng(7);
    const decoder = new TextDecoder('utf-8', { fatal: true });
    // Bias towards bytes that form (and break) multi-byte sequences.
    const pool = [0x41, 0x0a, 0x80, 0xbf, 0xc2, 0xc0, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xa0, 0x90, 0x8f, 0x9f];
    for (let trial = 0; trial < 5000; trial++) {
      const bytes = Uint8Array.from({ length: randomInt(rng, 12) }, () => pool[randomInt(rng, pool.length)]);
      let valid = true;
      try {
        decoder.decode(bytes);
      } catch {
        valid = false;
      }
      const offset = firstInvalidUtf8Offset(bytes);
      expect(offset < 0, `bytes ${Array.from(bytes)}`).toBe(valid);
      if (!valid) {
        // Everything before the offset decodes on its own.
        expect(() => decoder.decode(bytes.subarray(0, offset))).not.toThrow();
      }
    }
  });
});
