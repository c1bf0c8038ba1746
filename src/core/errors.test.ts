import { describe, expect, it } from 'vitest';
import { messageOf } from './errors.ts';

describe('messageOf', () => {
  it("reads an Error's message, a subclass's included", () => {
    expect(messageOf(new Error('quota exceeded'))).toBe('quota exceeded');
    expect(messageOf(new RangeError('λ1 must be ≥ 0'))).toBe('λ1 must be ≥ 0');
  });

  it('writes anything else thrown as a string', () => {
    expect(messageOf('plain text')).toBe('plain text');
    expect(messageOf(42)).toBe('42');
    expect(messageOf(undefined)).toBe('undefined');
    expect(messageOf(null)).toBe('null');
  });
});
