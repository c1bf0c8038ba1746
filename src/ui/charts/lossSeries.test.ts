import { describe, expect, it } from 'vitest';
import type { RunState } from '../store/runsSlice.ts';
import { DASHES } from './lineStyles.ts';
import { defaultLossParts, lossPartDashes, lossPartKeys, lossParts, lossSeries } from './lossSeries.ts';
import { fixtureRun, fixtureRuns, stepEvent } from './testFixtures.ts';

/** The run with its loss reports' tasks renamed (another dataset's tasks). */
function withLossTasks(run: RunState, names: string[]): RunState {
  return { ...run, steps: run.steps.map((s) => ({ ...s, loss: { ...s.loss, tasks: Object.fromEntries(Object.values(s.loss.tasks).map((v, i) => [names[i]!, v])) } })) };
}

describe('(b) loss parts', () => {
  it('lists total, each task and the two regularisers; the default leaves the total out', () => {
    const view = fixtureRuns(fixtureRun('a', 'MTAA'));
    const parts = lossParts(view);
    expect(parts).toEqual(['total', 'task:POS', 'task:chunk', 'task:NER', 'adversarial', 'orthogonality']);
    expect(defaultLossParts(parts)).toEqual(['task:POS', 'task:chunk', 'task:NER', 'adversarial', 'orthogonality']);
    expect(lossParts(fixtureRuns())).toEqual([]);
  });

  it('gives one series per run and part, dashed by the part, x = step, the orthogonality term on the right axis', () => {
    const view = fixtureRuns(fixtureRun('a', 'MTAA', { steps: 5 }));
    const parts = lossParts(view);
    const series = lossSeries(view, parts, ['task:NER', 'orthogonality']);
    expect(series.map((s) => [s.key, s.dash, s.axis])).toEqual([
      ['a:task:NER', DASHES[2], 'left'],
      ['a:orthogonality', DASHES[4], 'right'],
    ]);
    expect(series[0]!.points.map((p) => p.x)).toEqual([1, 2, 3, 4, 5]);
    expect(series[0]!.points[1]!.y).toBeCloseTo(4);
    expect(lossPartKeys(parts, ['task:NER', 'orthogonality'])).toEqual([
      { label: 'NER (CRF)', dash: DASHES[2] },
      { label: 'orthogonality (right axis)', dash: DASHES[4] },
    ]);
  });

  it('drops non-positive values on a log scale and all-zero regularisers always', () => {
    const run = fixtureRun('a', 'base', { steps: 3 });
    run.steps = [stepEvent('a', 1, { adversarial: 0, orthogonality: 0 }), stepEvent('a', 2, { adversarial: 0, orthogonality: 0 })];
    run.steps[1]!.loss.tasks.NER = 0;
    const view = fixtureRuns(run);
    const parts = lossParts(view);
    expect(lossSeries(view, parts, parts).map((s) => s.key)).toEqual(['a:total', 'a:task:POS', 'a:task:chunk', 'a:task:NER']);
    const ner = lossSeries(view, parts, ['task:NER'], { log: true });
    expect(ner[0]!.points).toEqual([{ x: 1, y: 8 }]);
  });

  it('downsamples long runs and serves an unchanged run from the cache', () => {
    const long = fixtureRun('a', 'MTAA', { steps: 2000 });
    const view = fixtureRuns(long);
    const first = lossSeries(view, lossParts(view), ['task:NER'], { maxPoints: 300 });
    expect(first[0]!.points).toHaveLength(300);
    expect(first[0]!.points[0]!.x).toBe(1);
    expect(first[0]!.points.at(-1)!.x).toBe(2000);
    const again = lossSeries(fixtureRuns(long), lossParts(view), ['task:NER'], { maxPoints: 300 });
    expect(again[0]!.points).toBe(first[0]!.points);
  });
});

describe('loss line styles', () => {
  it('gives every part of one chart its own dash, however many tasks merged runs bring', () => {
    // A UD run and a CoNLL-2003 run overlaid: six tasks, the adversarial and the orthogonality term, the total.
    const view = fixtureRuns(withLossTasks(fixtureRun('a', 'UD', { steps: 3 }), ['UPOS', 'XPOS', 'DEPREL']), fixtureRun('b', 'CoNLL', { steps: 3 }));
    const parts = lossParts(view);
    expect(parts).toHaveLength(9);
    const dashes = lossPartDashes(parts);
    expect(new Set(dashes.values()).size).toBe(parts.length);
    // The first task is solid, and only it: the orthogonality term is not (issue 15: both were solid).
    expect(dashes.get('task:UPOS')).toBe('');
    expect([...dashes].filter(([, dash]) => dash === '').map(([part]) => part)).toEqual(['task:UPOS']);
    // Every run draws a part with the same dash, so a dash names a part across runs.
    const series = lossSeries(view, parts, defaultLossParts(parts));
    for (const s of series) expect(s.dash).toBe(dashes.get(s.key.slice(2)));
    expect(lossPartKeys(parts, parts).map((k) => k.dash)).toEqual(parts.map((p) => dashes.get(p)));
  });
});
