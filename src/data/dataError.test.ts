import { describe, expect, it } from 'vitest';
import { DataError, isDataError } from './dataError.ts';

describe('DataError', () => {
  it('names file, line and reason in its message', () => {
    const error = new DataError({ kind: 'ragged', file: 'eng.bad', line: 17, reason: 'expected 4 columns like the lines before, found 3' });
    expect(error.message).toBe('eng.bad: line 17: expected 4 columns like the lines before, found 3');
    expect(error).toBeInstanceOf(Error);
    expect(isDataError(error)).toBe(true);
    expect(error.name).toBe('DataError');
    expect([error.kind, error.file, error.line]).toEqual(['ragged', 'eng.bad', 17]);
  });

  it('leaves the line out when there is none', () => {
    const error = new DataError({ kind: 'empty', file: 'x.conll', reason: 'the file is empty' });
    expect(error.message).toBe('x.conll: the file is empty');
    expect(error.line).toBeUndefined();
  });

  it('is not confused with other errors', () => {
    expect(isDataError(new Error('x'))).toBe(false);
    expect(isDataError('x')).toBe(false);
  });
});
