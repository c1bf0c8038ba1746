/**
 * Turns column guesses plus the user's choices into the word column and the task list. This is
 * where a bad choice (a column that does not exist, a "tag" column full of words) is refused with
 * a DataError, before anything is trained on it.
 */
import { DataError } from './dataError.ts';
import { columnStats, columnValues, guessTagName, looksLikeWords } from './columnDetection.ts';
import { detectScheme } from './tagSchemes.ts';
import type { ColumnGuess, ParsedFile, TaskSpec } from './types.ts';

/** A user's choice for one column; fields left out keep the guess. */
export interface ColumnOverride {
  column: number;
  role?: ColumnGuess['role'];
  name?: string;
}

export interface ColumnPlan {
  wordColumn: number;
  /** Tag columns in column order. */
  tasks: TaskSpec[];
  /** The guesses with the overrides applied (what the UI shows after the user's edits). */
  columns: ColumnGuess[];
}

/** Applies `overrides` to `guesses`; throws DataError ('bad-column', 'tag-looks-like-words'). */
export function planColumns(file: ParsedFile, guesses: readonly ColumnGuess[], overrides: readonly ColumnOverride[] = []): ColumnPlan {
  const fail = (kind: 'bad-column' | 'tag-looks-like-words', reason: string, line?: number): never => {
    throw new DataError({ kind, file: file.fileName, reason, ...(line === undefined ? {} : { line }) });
  };
  const columns = guesses.map((g) => ({ ...g }));
  const seen = new Set<number>();
  for (const override of overrides) {
    const { column } = override;
    if (!Number.isInteger(column) || column < 0 || column >= file.columnCount) {
      fail('bad-column', `column ${column} does not exist; the file has ${file.columnCount} columns (0 to ${file.columnCount - 1})`);
    }
    if (seen.has(column)) fail('bad-column', `column ${column} is set twice`);
    seen.add(column);
    const target = columns[column];
    if (override.name !== undefined) {
      if (override.name.trim() === '') fail('bad-column', `column ${column} needs a non-empty name`);
      target.name = override.name.trim();
    }
    if (override.role === undefined || override.role === target.role) continue;
    if (override.role === 'word') {
      for (const other of columns) if (other.role === 'word') other.role = 'other';
      target.role = 'word';
    } else if (override.role === 'tag') {
      const stats = columnStats(file, column);
      if (looksLikeWords(stats)) {
        fail(
          'tag-looks-like-words',
          `column ${column} has ${stats.values.length.toLocaleString('en-US')} distinct values in ${stats.tokens.toLocaleString('en-US')} tokens: it looks like words, not tags`,
          file.sentences[0]?.line,
        );
      }
      target.role = 'tag';
      target.scheme = detectScheme(columnValues(file, column));
      target.tags = stats.values;
      target.counts = stats.counts;
      if (override.name === undefined && /^col\d+$/.test(target.name)) {
        target.name = guessTagName(stats, target.scheme);
      }
    } else {
      target.role = override.role;
      target.tags = [];
      target.counts = [];
    }
  }

  const wordColumns = columns.filter((c) => c.role === 'word');
  if (wordColumns.length !== 1) {
    fail('bad-column', wordColumns.length === 0 ? 'no column is marked as the word column' : 'more than one column is marked as the word column');
  }
  const tasks: TaskSpec[] = [];
  const names = new Set<string>();
  for (const c of columns) {
    if (c.role !== 'tag') continue;
    if (names.has(c.name)) fail('bad-column', `two tag columns are both named '${c.name}'; give each task its own name`);
    names.add(c.name);
    tasks.push({ name: c.name, column: c.index, scheme: c.scheme });
  }
  return { wordColumn: wordColumns[0].index, tasks, columns };
}
