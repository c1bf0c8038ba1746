/**
 * The tfjs settings that matter on a real GPU, set on purpose (README "Speed"), and the guards that
 * say when a step breaks them. Applied by the worker's backend manager and the CLI right after
 * `@tensorflow/tfjs-backend-webgpu` is imported (it registers the flags) and before
 * `tf.setBackend('webgpu')`.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Dispatches tfjs-webgpu records into one command buffer before it submits it (its default: 15).
 * A submit costs CPU time in the browser's GPU process whatever it carries, so fewer, larger ones
 * are cheaper; but nothing runs on the GPU until the first submit of a step, so it should come
 * early. At 64, a step of ~1,000 dispatches makes ~16 submits and the first leaves after a few
 * milliseconds of encoding. The benchmark reports submits per step, so the effect is measured.
 */
export const DEFERRED_SUBMIT_BATCH_SIZE = 64;

/**
 * Sets the WebGPU flags and production mode. Throws if the WebGPU backend's module was not
 * imported yet (its flags would not exist).
 * - `WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE`: see `DEFERRED_SUBMIT_BATCH_SIZE`.
 * - `WEBGPU_CPU_FORWARD` off: by default tfjs-webgpu runs a kernel on the CPU when its inputs are
 *   small and still on the host (never uploaded), e.g. the batch's lengths and masks right after
 *   `tf.tensor`. Each such kernel's output must then be uploaded, and a CPU kernel between GPU
 *   kernels hides work from the GPU counters; off, every kernel runs on the GPU.
 * - production mode (`tf.enableProdMode`): no debug checks or tfjs warnings in the hot path
 *   (`DEBUG` stays off; it would read every kernel's output back).
 */
export function applyWebGpuSettings(): void {
  tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', DEFERRED_SUBMIT_BATCH_SIZE);
  tf.env().set('WEBGPU_CPU_FORWARD', false);
  tf.enableProdMode();
}

export interface StepGuardCounts {
  /** Synchronous readbacks (`dataSync`, `arraySync`…): each stalls the CPU until the GPU is idle. */
  syncReads: number;
  /** Kernels the backend ran on the CPU instead of the GPU (`shouldExecuteOnCPU` said yes). */
  cpuForwarded: number;
}

export interface StepGuards {
  counts(): StepGuardCounts;
  reset(): void;
  uninstall(): void;
}

interface GuardedBackend {
  readSync?: (dataId: object) => unknown;
  shouldExecuteOnCPU?: (...args: unknown[]) => boolean;
}

/**
 * Counts synchronous readbacks and CPU-forwarded kernels on `backend` (default: the active one),
 * by wrapping its `readSync` and `shouldExecuteOnCPU` (tfjs-webgpu and tfjs-webgl have both; on
 * another backend only what it has is counted). The benchmark fails a GPU run on either.
 */
export function installStepGuards(backend: object = tf.backend()): StepGuards {
  const target = backend as GuardedBackend;
  const counts: StepGuardCounts = { syncReads: 0, cpuForwarded: 0 };
  const own = {
    readSync: Object.prototype.hasOwnProperty.call(target, 'readSync'),
    shouldExecuteOnCPU: Object.prototype.hasOwnProperty.call(target, 'shouldExecuteOnCPU'),
  };
  const readSync = target.readSync;
  const shouldExecuteOnCPU = target.shouldExecuteOnCPU;
  if (readSync) {
    target.readSync = function (this: unknown, dataId: object) {
      counts.syncReads++;
      return readSync.call(this, dataId);
    };
  }
  if (shouldExecuteOnCPU) {
    target.shouldExecuteOnCPU = function (this: unknown, ...args: unknown[]) {
      const onCpu = shouldExecuteOnCPU.apply(this, args);
      if (onCpu) counts.cpuForwarded++;
      return onCpu;
    };
  }
  return {
    counts: () => ({ ...counts }),
    reset: () => {
      counts.syncReads = 0;
      counts.cpuForwarded = 0;
    },
    uninstall: () => {
      // Instance properties shadow the prototype's methods: deleting them restores those.
      if (readSync) {
        if (own.readSync) target.readSync = readSync;
        else delete target.readSync;
      }
      if (shouldExecuteOnCPU) {
        if (own.shouldExecuteOnCPU) target.shouldExecuteOnCPU = shouldExecuteOnCPU;
        else delete target.shouldExecuteOnCPU;
      }
    },
  };
}
