/** formatFixed/padField against perl's own sprintf, which the conlleval report goes through. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { compareBytes, formatFixed, padField, printfFixed, utf8Length } from './printf.ts';

/** Sends doubles to perl bit-exactly (as big-endian hex) and returns its `%.<d>f` for each. */
function perlFixed(values: readonly number[], decimals: number): string[] {
  const hex = values.map((v) => {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, v);
    return [...new Uint8Array(view.buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
  });
  const script = `while (<STDIN>) { chomp; printf("%.${decimals}f\\n", unpack("d>", pack("H16", $_))); }`;
  const run = spawnSync('perl', ['-e', script], { input: hex.join('\n') + '\n', encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return run.stdout.split('\n').slice(0, -1);
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('formatFixed matches perl sprintf on the exact double', () => {
  const rng = mulberry32(42);
  const values: number[] = [0, -0, 100, 0.125, 0.375, 12.125, 2.5, 3.5, 99.995, 66.665, 0.005, 1e-320, 5e-324, 1e21, 2 ** 60, 123456.785];
  for (let k = 1; k < 200; k++) values.push(k / 8, (100 * k) / 800, -k / 8);
  for (let i = 0; i < 400; i++) {
    const a = 1 + Math.floor(rng() * 5000);
    const b = a + Math.floor(rng() * 5000);
    const p = (100 * a) / b;
    const r = (100 * Math.floor(rng() * b)) / b;
    values.push(p, (2 * p * r) / (p + r), rng() * 100, rng());
  }
  for (const decimals of [0, 2, 3]) {
    it(`%.${decimals}f on ${values.length} values`, () => {
      const expected = perlFixed(values, decimals);
      const ours = values.map((v) => formatFixed(v, decimals));
      const mismatches = values.flatMap((v, i) => (ours[i] === expected[i] ? [] : [`${v}: ${ours[i]} vs ${expected[i]}`]));
      expect(mismatches).toEqual([]);
    });
  }

  it('rounds exact ties to even, unlike toFixed', () => {
    expect(formatFixed(0.125, 2)).toBe('0.12');
    expect((0.125).toFixed(2)).toBe('0.13');
    expect(formatFixed(0.375, 2)).toBe('0.38');
    expect(printfFixed(12.125, 6, 2)).toBe(' 12.12');
    expect(printfFixed(100, 6, 2)).toBe('100.00');
    expect(formatFixed(-0, 2)).toBe('-0.00');
  });
});

describe('strings as perl sees bytes', () => {
  it('pads by UTF-8 byte length', () => {
    expect(utf8Length('Ärger')).toBe(6);
    expect(padField('Ärger', 8, 'right')).toBe('  Ärger');
    expect(padField('LOC', 7, 'left')).toBe('LOC    ');
    expect(padField('longer than width', 3, 'right')).toBe('longer than width');
  });

  it('sorts by UTF-8 bytes (code points), not UTF-16 units', () => {
    const names = ['\uE000', '😀', 'b', 'B', 'Ä', ''];
    expect([...names].sort(compareBytes)).toEqual(['', 'B', 'b', 'Ä', '\uE000', '😀']);
    expect([...names].sort()).not.toEqual([...names].sort(compareBytes));
  });
});
