/** One tab runs a study's queue: its lock, the other tabs following it, and the hand-over when it lets go. */
import { describe, expect, it } from 'vitest';
import { presetConfig } from '../../core/config.ts';
import { createStudy } from '../study.ts';
import { StudyTabs, type StudyChannel, type StudyLocks } from './studyTabs.ts';

/** One origin's exclusive locks (requests queued in order) and one channel, for several tabs. */
function profile() {
  const held = new Set<string>();
  const queues = new Map<string, (() => void)[]>();
  const free = (name: string) => {
    held.delete(name);
    queues.get(name)?.shift()?.();
  };
  const locks: StudyLocks = {
    request(name, options, callback) {
      if (options.ifAvailable && held.has(name)) return Promise.resolve(callback(null));
      return new Promise((resolve) => {
        const grant = () => {
          held.add(name);
          void Promise.resolve(callback({ name })).then((value) => {
            free(name);
            resolve(value);
          });
        };
        if (held.has(name)) queues.set(name, [...(queues.get(name) ?? []), grant]);
        else grant();
      });
    },
  };
  const listeners: { tab: number; listener: (event: { data: unknown }) => void }[] = [];
  const channel = (tab: number): StudyChannel => ({
    postMessage: (data) => listeners.filter((l) => l.tab !== tab).forEach((l) => l.listener({ data: structuredClone(data) })),
    addEventListener: (_type, listener) => void listeners.push({ tab, listener }),
  });
  return { tab: (n: number) => new StudyTabs(locks, channel(n)), held };
}

describe('a study across tabs', () => {
  it('one tab holds the study; the other follows it, cannot take it, and gets it when the first lets go', async () => {
    const { tab, held } = profile();
    const a = tab(1);
    const b = tab(2);
    const study = createStudy('study-1', presetConfig('tiny', true), [{ name: 'MTAA', patch: {} }], [1, 2]);
    expect(await a.claim(study.id)).toBe(true);
    expect(a.owns(study.id)).toBe(true);
    expect(held.has('mtaa-study:study-1')).toBe(true);
    expect(await b.claim(study.id)).toBe(false);
    expect(b.owns(study.id)).toBe(false);

    const followed: string[] = [];
    b.onStudy((s) => followed.push(s.id));
    a.publish(study);
    // Only the tab that holds a study tells the others about it.
    b.publish(study);
    expect(followed).toEqual(['study-1']);

    let freed = 0;
    b.whenFree(study.id, () => freed++);
    b.whenFree(study.id, () => freed++);
    await Promise.resolve();
    expect(freed).toBe(0);
    a.release();
    await new Promise((resolve) => setTimeout(resolve, 0));
    // Told once, and then the study is free for b to take.
    expect(freed).toBe(1);
    expect(await b.claim(study.id)).toBe(true);
  });
});
