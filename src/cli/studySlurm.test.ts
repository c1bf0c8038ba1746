import { describe, expect, it } from 'vitest';
import { queuedRuns } from './studySlurm.ts';

describe('queuedRuns', () => {
  it("maps `squeue -r`'s JOB_INDEX rows to run indices, the newest job's task winning", () => {
    const tasks = [
      { id: '41_0', state: 'RUNNING', detail: 'node1' },
      { id: '41_2', state: 'RUNNING', detail: 'node1' },
      { id: '57_2', state: 'PENDING', detail: '(Priority)' },
      { id: '99_1', state: 'RUNNING', detail: 'node2' }, // another study's job
      { id: '57', state: 'PENDING', detail: '(Resources)' }, // not an array task
    ];
    const byRun = queuedRuns(['41', '57'], tasks);
    expect([...byRun.entries()].sort(([a], [b]) => a - b)).toEqual([
      [0, tasks[0]],
      [2, tasks[2]],
    ]);
    expect(queuedRuns([], tasks).size).toBe(0);
  });
});
