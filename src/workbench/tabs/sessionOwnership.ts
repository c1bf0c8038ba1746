/**
 * Run ownership (./runOwnership.ts) wired to one worker's session, recorder and storage: what the
 * trainer API (../trainerApi.ts) uses to keep the profile's tabs apart. A run another tab let go of
 * is read back from storage into the session; ids of new runs come from the shared counter.
 */
import { ACTIVE_STATUSES } from '../../core/runState.ts';
import type { WorkerEvent } from '../../protocol.ts';
import type { RunHandle } from '../../train/runEngine.ts';
import { restoredRun } from '../persistence/restore.ts';
import type { RunRecorder } from '../persistence/runRecorder.ts';
import type { RunStorage } from '../persistence/runStorage.ts';
import type { TrainingSession } from '../session/session.ts';
import { raiseRunCounter, reserveRunId } from './runIds.ts';
import { RunOwnership } from './runOwnership.ts';
import type { TabApis } from './tabLocks.ts';

export interface SessionOwnership {
  owner: RunOwnership;
  /** The next run id, unique across the profile's tabs (a counter in storage, under a Web Lock). */
  newRunId(): Promise<string>;
  /** Raises the shared counter above every run this session knows (after runs came in under ids of their own). */
  claimKnownIds(): Promise<void>;
  /** Gives a run's lock back unless it trains (a resume that failed leaves it idle). */
  releaseIfIdle(runId: string): void;
}

export function sessionOwnership<H extends RunHandle>(parts: {
  tabs: TabApis;
  session: TrainingSession<H>;
  recorder: RunRecorder;
  storage: RunStorage;
  /** To this tab's page only (not recorded, not told to the other tabs). */
  toPage(event: WorkerEvent): void;
}): SessionOwnership {
  const { tabs, session, recorder, storage, toPage } = parts;
  const owner = new RunOwnership({
    ...tabs,
    describe: (runId) => session.describe(runId),
    flush: () => recorder.flush(),
    toPage,
    lose: (runId) => recorder.drop(runId),
    async reclaim(runId) {
      const loaded = await recorder.reload(runId);
      if (!loaded) {
        // Deleted by the tab that had it.
        await session.forget(runId);
        return null;
      }
      session.reloadRun(restoredRun(storage, loaded));
      return loaded.saved;
    },
  });
  return {
    owner,
    newRunId: () => reserveRunId(tabs.locks, storage, session.runNumber),
    claimKnownIds: () => raiseRunCounter(tabs.locks, storage, session.runNumber),
    releaseIfIdle(runId) {
      const run = session.describe(runId);
      if (!run || !ACTIVE_STATUSES.includes(run.status)) owner.release(runId);
    },
  };
}
