/**
 * The browser tests' fault injections and probes (the TrainerApi's `simulate…`, `setCheckpointInterval`
 * and `memorySample`): each refuses unless the page was opened with `?testhooks`.
 */
import type { Backend } from '../core/config.ts';
import type { TrainerApi } from '../protocol.ts';
import type { RunStorage } from './persistence/runStorage.ts';
import type { TrainingSession } from './session/session.ts';
import type { RunHandle } from '../train/runEngine.ts';

export type TestHookCalls = Pick<
  TrainerApi,
  'simulateFailure' | 'simulateNaN' | 'simulateDeviceLost' | 'simulateGpuError' | 'setCheckpointInterval' | 'simulateQuotaExceeded' | 'memorySample'
>;

export interface TestHookDeps<H extends RunHandle> {
  /** Whether the hooks are allowed (`?testhooks`). */
  enabled: boolean;
  session: TrainingSession<H>;
  storage: RunStorage;
  backends: { active(): Backend; markFailed(backend: Backend, reason: string): void; provokeGpuError(): void };
  /** What the worker does when a device is really lost (its runs fail, tfjs moves on). */
  deviceLost(backend: Backend, reason: string): Promise<void>;
  /** Sets the training time between checkpoints by time. */
  setCheckpointInterval(ms: number): void;
  /** The next `writes` writes fail as a full quota does. */
  failNextWrites(writes: number): void;
  tensorMemory?(): { numTensors: number; numBytes: number };
  storageEstimate(): Promise<{ usage: number; quota: number } | null>;
}

export function testHookCalls<H extends RunHandle>(deps: TestHookDeps<H>): TestHookCalls {
  const { session, backends } = deps;
  const allow = (name: string) => {
    if (!deps.enabled) throw new Error(`${name} is a test hook: open the page with ?testhooks`);
  };
  return {
    async simulateFailure(runId, message) {
      allow('simulateFailure');
      session.simulateFailure(runId, message);
    },
    async simulateNaN(runId) {
      allow('simulateNaN');
      session.simulateNaN(runId);
    },
    async simulateDeviceLost(reason) {
      allow('simulateDeviceLost');
      const backend = backends.active();
      // As the backends do for a real `device.lost`: the backend drops out, then its runs fail.
      backends.markFailed(backend, reason);
      await deps.deviceLost(backend, reason);
    },
    async simulateGpuError() {
      allow('simulateGpuError');
      backends.provokeGpuError();
    },
    async setCheckpointInterval(ms) {
      allow('setCheckpointInterval');
      if (!Number.isFinite(ms) || ms <= 0) throw new RangeError(`setCheckpointInterval: ${ms} is not a positive number of milliseconds`);
      deps.setCheckpointInterval(ms);
    },
    async simulateQuotaExceeded(writes) {
      allow('simulateQuotaExceeded');
      deps.failNextWrites(writes);
    },
    async memorySample() {
      allow('memorySample');
      const tensors = deps.tensorMemory?.() ?? null;
      return {
        tensors: tensors?.numTensors ?? null,
        tensorBytes: tensors?.numBytes ?? null,
        runs: session.runInfos().length,
        records: await deps.storage.recordCounts(),
        storageUsage: (await deps.storageEstimate())?.usage ?? null,
      };
    },
  };
}
