/**
 * The trainer worker: the only place the browser parses data and runs tfjs. It wires what the
 * browser provides — tfjs backends (./backends.ts), the tfjs engine with gradient peers on the
 * machine's other cores (./gradientPeers.ts), IndexedDB (./idbRunStorage.ts), the sample's URL, Web
 * Locks and the tabs' BroadcastChannel — into the workbench's application
 * (src/workbench/trainerApi.ts) and exposes it over comlink. The page never blocks on it.
 */
import { messageOf } from '../src/core/errors.ts';
import { expose, transfer } from 'comlink';
import * as tf from '@tensorflow/tfjs';
import type { Backend, BackendFault } from '../src/protocol.ts';
import { loadBertFeaturizer } from '../src/train/bert/bertFeaturizer.ts';
import { tfjsSessionEngine, withGradientPool } from '../src/train/sessionEngine.ts';
import { deferredStorage, MemoryRunStorage } from '../src/workbench/persistence/runStorage.ts';
import { withQuotaFaults } from '../src/workbench/persistence/storageFaults.ts';
import { createTrainerApi } from '../src/workbench/trainerApi.ts';
import { RUNS_CHANNEL } from '../src/workbench/tabs/tabLocks.ts';
import { BackendManager } from './backends.ts';
import { BrowserGradientPools } from './gradientPeers.ts';
import { IdbRunStorage } from './idbRunStorage.ts';

const SAMPLE_NAME = 'en_ewt-ud-sample.conllu';

// Runs, events and checkpoints are kept in IndexedDB; without it (some private modes), in memory,
// and the page is told so. Writes pass through the quota faults only a test turns on.
let storageNotice: string | null = null;
const quotaFaults = withQuotaFaults(
  deferredStorage(
    IdbRunStorage.open().catch((error: unknown) => {
      storageNotice = `Runs cannot be kept after a reload: IndexedDB is not available (${messageOf(error)}).`;
      return new MemoryRunStorage();
    }),
  ),
);

// Training steps on WASM/CPU also use the machine's other cores (data-parallel gradient peers).
const gradientPools = new BrowserGradientPools();
let onDeviceLost: (backend: Backend, reason: string, fault: BackendFault) => void = () => undefined;
const backends = new BackendManager({
  onLost: (backend, reason, fault) => onDeviceLost(backend, reason, fault),
  threads: (backend) => gradientPools.threadsFor(backend),
});

expose(
  createTrainerApi({
    backends,
    watchDeviceLoss: (handler) => {
      onDeviceLost = handler;
    },
    engine: withGradientPool(tfjsSessionEngine, () => gradientPools.poolFor(backends.info().name)),
    bert: { load: loadBertFeaturizer },
    storage: quotaFaults.storage,
    storageNotice: () => storageNotice,
    failNextWrites: (writes) => quotaFaults.failNextWrites(writes),
    sample: { name: SAMPLE_NAME, fetch: () => fetch(new URL(`${import.meta.env.BASE_URL}samples/${SAMPLE_NAME}`, self.location.origin)) },
    // The page names the worker `…:testhooks` when it runs with `?testhooks` (browser tests).
    testHooks: self.name.endsWith(':testhooks'),
    async storageEstimate() {
      const estimate = await navigator.storage?.estimate?.();
      return estimate && estimate.quota !== undefined ? { usage: estimate.usage ?? 0, quota: estimate.quota } : null;
    },
    async holdLock(name) {
      const locks = (self.navigator as Navigator & { locks?: LockManager }).locks;
      if (!locks) return;
      await new Promise<void>((held) => {
        void locks.request(name, () => {
          held();
          // Never released: the lock goes when the worker does.
          return new Promise<never>(() => undefined);
        });
      });
    },
    transfer,
    tensorMemory: () => tf.memory(),
    // Shared by the profile's tabs: run ids, a lock per training run, other tabs' runs followed live.
    tabs: {
      locks: (self.navigator as Navigator & { locks?: LockManager }).locks ?? null,
      channel: typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(RUNS_CHANNEL),
    },
  }),
);
