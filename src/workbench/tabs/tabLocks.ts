/**
 * What the workbench needs of the browser to share one profile's runs between tabs: the Web Locks
 * API (`navigator.locks`, also in dedicated workers) and a BroadcastChannel. Only their shapes here,
 * so the ownership logic (./runOwnership.ts, ./runIds.ts) is tested with fakes (./fakeTabs.ts).
 *
 * Lock names are per origin, shared by every tab and worker of the profile; the browser releases a
 * context's locks when it ends (a tab closed, a worker crashed), which is what frees a run.
 */

/** A granted lock (`null` to an `ifAvailable` request that someone else holds). */
export interface TabLock {
  name: string;
}

/** The part of `LockManager` we use. */
export interface TabLocks {
  /** The lock is held until `callback`'s promise settles. */
  request(name: string, options: { ifAvailable?: boolean }, callback: (lock: TabLock | null) => unknown): Promise<unknown>;
  /** Every lock held in the origin (ours included). */
  query(): Promise<{ held?: { name?: string }[] }>;
}

/** The part of `BroadcastChannel` we use: messages reach every other context on the channel, not the sender. */
export interface TabChannel {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

/** What the trainer worker gets from the browser for cross-tab work; null parts: that API is missing. */
export interface TabApis {
  locks: TabLocks | null;
  channel: TabChannel | null;
}

/** The lock a run holds while it trains. */
export const RUN_LOCK_PREFIX = 'mtaa-run:';
export const runLockName = (runId: string) => `${RUN_LOCK_PREFIX}${runId}`;

/** The lock that guards the run-id counter (./runIds.ts). */
export const RUN_IDS_LOCK = 'mtaa-run-ids';

/** The channel on which a tab's worker tells the others about the runs it trains. */
export const RUNS_CHANNEL = 'mtaa-runs';
