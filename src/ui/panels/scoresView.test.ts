import { describe, expect, it } from 'vitest';
import type { TaskBreakdown, TestScoresEvent } from '../../core/events.ts';
import { breakdownSources, describeSelection, errorsFor, foldNote, matrixRows, matrixUnit } from './scoresView.ts';

const ner: TaskBreakdown = {
  task: 'NER',
  metric: 'f1',
  types: [{ type: 'PER', precision: 50, recall: 100, f1: 66.67, support: 1, predicted: 2, correct: 1 }],
  confusion: { labels: ['O', 'PER'], counts: [[6, 2], [0, 2]], folded: [] },
  errors: { cells: [{ gold: 'O', pred: 'PER', sentences: [4, 9], count: 2 }], types: [{ type: 'PER', sentences: [4], count: 1 }] },
};
const { errors: _errors, ...nerCounts } = ner;
const test: TestScoresEvent = { type: 'test-scores', runId: 'r', epoch: 2, fileName: 'eng.testb', scores: [], breakdown: [nerCounts] };

describe('scores view', () => {
  it('offers the latest dev epoch, then the test file, when each has a breakdown', () => {
    expect(breakdownSources({})).toEqual([]);
    expect(breakdownSources({ devBreakdown: { epoch: 3, tasks: [ner] }, test }).map((s) => [s.key, s.label])).toEqual([
      ['dev', 'Dev, epoch 3'],
      ['test', 'Test (eng.testb), best epoch 2'],
    ]);
    const { breakdown: _none, ...failed } = test;
    expect(breakdownSources({ test: failed })).toEqual([]);
  });

  it('finds the error sentences behind a cell or a type; a test breakdown has none', () => {
    expect(errorsFor(ner, { kind: 'cell', gold: 'O', pred: 'PER' })).toEqual({ gold: 'O', pred: 'PER', sentences: [4, 9], count: 2 });
    expect(errorsFor(ner, { kind: 'type', type: 'PER' })?.sentences).toEqual([4]);
    expect(errorsFor(ner, { kind: 'cell', gold: 'PER', pred: 'O' })).toBeNull();
    expect(errorsFor(nerCounts, { kind: 'type', type: 'PER' })).toBeNull();
    expect(describeSelection(ner, { kind: 'cell', gold: 'O', pred: 'PER' })).toBe('NER: gold O predicted as PER');
    expect(describeSelection(ner, { kind: 'type', type: 'PER' })).toBe('NER: a PER chunk missed or spurious');
  });

  it('shades each cell by its share of the gold row', () => {
    const rows = matrixRows(ner.confusion);
    expect(rows.map((r) => [r.gold, r.total])).toEqual([
      ['O', 8],
      ['PER', 2],
    ]);
    expect(rows[0]!.cells.map((c) => [c.pred, c.count, c.share, c.diagonal])).toEqual([
      ['O', 6, 0.75, true],
      ['PER', 2, 0.25, false],
    ]);
    expect(matrixRows({ labels: ['X'], counts: [[0]], folded: [] })[0]!.cells[0]!.share).toBe(0);
    expect(matrixUnit(ner)).toContain('chunk type');
  });

  it('says which labels a capped matrix folded into (other)', () => {
    expect(foldNote(ner.confusion)).toBeNull();
    const note = foldNote({ labels: ['NOUN', 'VERB', '(other)'], counts: [], folded: ['INTJ', 'SYM', 'X'] });
    expect(note).toBe('The 2 most frequent of 5 labels; the other 3 (INTJ, SYM, X) are summed in “(other)”.');
  });
});
