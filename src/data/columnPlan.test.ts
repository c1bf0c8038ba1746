import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectColumns } from './columnDetection.ts';
import { planColumns } from './columnPlan.ts';
import { readConll } from './conllReader.ts';
import { readCorpus } from './readCorpus.ts';
import { DataError } from './dataError.ts';

const shared = new URL('../../../shared/data/', import.meta.url);
const read = (path: string) => readCorpus(path, new Uint8Array(readFileSync(new URL(path, shared))));

function catchDataError(run: () => unknown): DataError {
  try {
    run();
  } catch (error) {
    if (error instanceof DataError) return error;
    throw error;
  }
  throw new Error('expected a DataError');
}

describe('planColumns', () => {
  const testa = read('conll2003/eng.testa');
  const guesses = detectColumns(testa);

  it('without overrides: the detected tag columns, in column order', () => {
    const plan = planColumns(testa, guesses);
    expect(plan.wordColumn).toBe(0);
    expect(plan.tasks).toEqual([
      { name: 'POS', column: 1, scheme: 'plain' },
      { name: 'chunk', column: 2, scheme: 'IOB1' },
      { name: 'NER', column: 3, scheme: 'IOB1' },
    ]);
  });

  it('renames, drops and re-adds tasks', () => {
    const plan = planColumns(testa, guesses, [
      { column: 3, name: 'entities' },
      { column: 1, role: 'other' },
    ]);
    expect(plan.tasks.map((t) => t.name)).toEqual(['chunk', 'entities']);
    expect(plan.columns[1].role).toBe('other');
    expect(guesses[1].role).toBe('tag'); // the guesses themselves are not mutated
  });

  it('refuses a word column chosen as a task: tag-looks-like-words', () => {
    const error = catchDataError(() => planColumns(testa, guesses, [{ column: 0, role: 'tag', name: 'words' }]));
    expect(error.kind).toBe('tag-looks-like-words');
    expect(error.file).toBe('conll2003/eng.testa');
    expect(error.line).toBe(3);
    expect(error.message).toBe(
      'conll2003/eng.testa: line 3: column 0 has 9,966 distinct values in 51,362 tokens: it looks like words, not tags',
    );
  });

  it('refuses the LEMMA column of a treebank as a task', () => {
    const ud = read('ud-ewt/en_ewt-ud-dev.conllu');
    expect(catchDataError(() => planColumns(ud, detectColumns(ud), [{ column: 2, role: 'tag' }])).kind).toBe('tag-looks-like-words');
  });

  it('accepts a small non-word column as a task and detects its scheme', () => {
    const file = readConll('t', 'a X I-A\nb Y I-A\n\nc X B-A\n');
    const detected = detectColumns(file);
    const plan = planColumns(file, detected, [{ column: 2, role: 'other' }, { column: 1, role: 'tag', name: 'mine' }]);
    expect(plan.tasks).toEqual([{ name: 'mine', column: 1, scheme: 'plain' }]);
  });

  it('moves the word column', () => {
    const plan = planColumns(testa, guesses, [{ column: 1, role: 'word' }]);
    expect(plan.wordColumn).toBe(1);
    expect(plan.columns[0].role).toBe('other');
  });

  it('refuses columns that do not exist, duplicate names and a missing word column', () => {
    expect(catchDataError(() => planColumns(testa, guesses, [{ column: 4, role: 'tag' }])).message).toBe(
      'conll2003/eng.testa: column 4 does not exist; the file has 4 columns (0 to 3)',
    );
    expect(catchDataError(() => planColumns(testa, guesses, [{ column: 1, name: 'NER' }])).kind).toBe('bad-column');
    expect(catchDataError(() => planColumns(testa, guesses, [{ column: 0, role: 'other' }])).kind).toBe('bad-column');
    expect(catchDataError(() => planColumns(testa, guesses, [{ column: 2, name: '  ' }])).kind).toBe('bad-column');
    expect(catchDataError(() => planColumns(testa, guesses, [{ column: 2 }, { column: 2 }])).kind).toBe('bad-column');
  });
});
