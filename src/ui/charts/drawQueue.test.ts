import { describe, expect, it } from 'vitest';
import { DrawQueue } from './drawQueue.ts';

/** A hand-cranked scheduler: `tick()` runs the earliest timer, as the event loop would. */
function manualClock() {
  let now = 0;
  let id = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    schedule: (fn: () => void, ms: number) => {
      timers.set(++id, { at: now + ms, fn });
      return id;
    },
    unschedule: (handle: unknown) => void timers.delete(handle as number),
    tick() {
      const next = [...timers.entries()].sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!next) return false;
      timers.delete(next[0]);
      now = next[1].at;
      next[1].fn();
      return true;
    },
    get now() {
      return now;
    },
  };
}

describe('DrawQueue', () => {
  it('runs one job per task, the next only after the previous one is done', () => {
    const clock = manualClock();
    const queue = new DrawQueue(clock.schedule, clock.unschedule);
    const log: string[] = [];
    const a = {};
    const b = {};
    const ta = queue.enqueue(a, () => log.push('a'));
    queue.enqueue(b, () => log.push('b'));
    expect(log).toEqual([]); // nothing runs in the caller's task
    clock.tick();
    expect(log).toEqual(['a']);
    expect(queue.size).toBe(1);
    // b waits for a's commit, not merely for the next task
    const before = clock.now;
    ta.done();
    clock.tick();
    expect(log).toEqual(['a', 'b']);
    expect(clock.now).toBe(before);
  });

  it('keeps one pending job per owner, with the latest work, in its original place', () => {
    const clock = manualClock();
    const queue = new DrawQueue(clock.schedule, clock.unschedule);
    const log: string[] = [];
    const a = {};
    const b = {};
    queue.enqueue(a, () => log.push('a1'));
    queue.enqueue(b, () => log.push('b'));
    queue.enqueue(a, () => log.push('a2'));
    expect(queue.size).toBe(2);
    while (clock.tick()) {
      /* drain: releases come from the fallback timer */
    }
    expect(log).toEqual(['a2', 'b']);
  });

  it('moves on after the fallback when a chart never reports its commit, and cancel drops a job', () => {
    const clock = manualClock();
    const queue = new DrawQueue(clock.schedule, clock.unschedule);
    const log: string[] = [];
    queue.enqueue({}, () => log.push('silent'));
    const dropped = queue.enqueue({}, () => log.push('dropped'));
    queue.enqueue({}, () => log.push('last'));
    clock.tick();
    dropped.cancel();
    expect(queue.size).toBe(1);
    while (clock.tick()) {
      /* drain */
    }
    expect(log).toEqual(['silent', 'last']);
    expect(clock.now).toBeGreaterThanOrEqual(250);
  });
});
