/**
 * Run ids unique across the tabs of one browser profile. Each worker used to number runs `run-N`
 * from the runs it restored, so two tabs could both mint `run-3`. Now the next number is taken under
 * a Web Lock from a counter kept in the shared storage: one tab at a time reads it, adds one and
 * writes it back. Ids keep their `run-N` form, so stored runs (and their names) work as before.
 */
import type { RunStorage } from '../persistence/runStorage.ts';
import { RUN_IDS_LOCK, type TabLocks } from './tabLocks.ts';

/** Key of the counter in the storage's named values: the highest run number handed out. */
export const RUN_COUNTER_KEY = 'runCounter';

/**
 * Reserves the next run id: `run-(max(counter, floor) + 1)`, where `floor` is the highest number
 * this worker knows. Without Web Locks (Node, old browsers) the same without the lock: one tab only.
 * A counter that cannot be written (a full quota) still gives an id above everything seen.
 */
export async function reserveRunId(locks: TabLocks | null, storage: Pick<RunStorage, 'getValue' | 'putValue'>, floor: number): Promise<string> {
  const take = async (): Promise<string> => {
    const next = Math.max(storedCounter(await storage.getValue(RUN_COUNTER_KEY)), floor) + 1;
    try {
      await storage.putValue(RUN_COUNTER_KEY, next);
    } catch {
      // The recorder reports a full storage with its own next write; the id is still above all we know.
    }
    return `run-${next}`;
  };
  if (!locks) return take();
  let id = '';
  await locks.request(RUN_IDS_LOCK, {}, async () => {
    id = await take();
  });
  return id;
}

/**
 * Raises the counter to `floor` when it is lower: runs stored under ids this tab chose itself (a
 * workspace import's, clear of the runs it knows) are then never minted again by another tab.
 */
export async function raiseRunCounter(locks: TabLocks | null, storage: Pick<RunStorage, 'getValue' | 'putValue'>, floor: number): Promise<void> {
  const raise = async (): Promise<void> => {
    if (storedCounter(await storage.getValue(RUN_COUNTER_KEY)) < floor) await storage.putValue(RUN_COUNTER_KEY, floor);
  };
  if (!locks) return raise();
  await locks.request(RUN_IDS_LOCK, {}, raise);
}

function storedCounter(stored: unknown): number {
  return typeof stored === 'number' && Number.isFinite(stored) ? stored : 0;
}
