/**
 * A Web Lock held for as long as we choose. The browser's API (`navigator.locks`, in a page or a
 * worker) holds a lock only while its callback's promise is pending, so the lock is held on a
 * promise that `release()` settles; the browser also lets go when the context ends (a tab closed,
 * a worker crashed), which is what frees a run or a study for the other tabs. Shared by the trainer
 * worker's run locks (src/workbench/tabs/runOwnership.ts) and the page's study lock
 * (src/ui/store/studyTabs.ts).
 */

/** The part of `LockManager` this needs. */
export interface LockRequester {
  request(name: string, options: { ifAvailable?: boolean }, callback: (lock: { name: string } | null) => unknown): Promise<unknown>;
}

export interface HeldLock {
  /** True once held; false when another context holds it (or the lock could not be asked for). */
  granted: Promise<boolean>;
  /** Gives the lock back (a context waiting for it gets it). */
  release(): void;
}

/** Takes `name` if no one holds it and keeps it until `release()`; without Web Locks, granted at once (one tab). */
export function holdLockIfAvailable(locks: LockRequester | null, name: string): HeldLock {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const granted = !locks
    ? Promise.resolve(true)
    : new Promise<boolean>((answer) => {
        locks
          .request(name, { ifAvailable: true }, (lock) => {
            answer(lock !== null);
            return lock ? released : undefined;
          })
          .catch(() => answer(false));
      });
  return { granted, release };
}
