import { describe, expect, it } from 'vitest';
import { shallow } from 'zustand/shallow';
import { fixtureRun, fixtureRuns } from '../charts/testFixtures.ts';
import type { Study } from '../study.ts';
import { studyRunsOf } from './studyRuns.ts';

describe('the study panel selector', () => {
  const study = {
    active: true,
    items: [
      { id: 'i1', configName: 'MTAA', seed: 1, status: 'completed', runId: 'a' },
      { id: 'i2', configName: 'no-TD', seed: 1, status: 'queued' },
    ],
  } as unknown as Study;

  it("picks the study's runs only, and compares equal while they are unchanged", () => {
    const { runs } = fixtureRuns(fixtureRun('a', 'MTAA'), fixtureRun('b', 'other'));
    const first = studyRunsOf({ study, runs });
    expect(Object.keys(first)).toEqual(['a']);
    // Another run reports: the selection is shallow-equal, so the panel does not re-render.
    const otherReported = { ...runs, b: { ...runs.b!, steps: [] } };
    expect(shallow(first, studyRunsOf({ study, runs: otherReported }))).toBe(true);
    // The study's own run reports: it is not.
    const ownReported = { ...runs, a: { ...runs.a!, steps: [] } };
    expect(shallow(first, studyRunsOf({ study, runs: ownReported }))).toBe(false);
    expect(studyRunsOf({ study: null, runs })).toEqual({});
  });
});
