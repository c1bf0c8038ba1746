/**
 * Measures the work one piece of code gives the backend, for the benchmark: tfjs kernels (every
 * backend), and on WebGPU the real dispatches, submits, buffer writes and bind groups counted on
 * the device (`gpuWorkCounter.ts`), each dispatch attributed to its tfjs kernel (`kernelScope.ts`),
 * plus synchronous readbacks and CPU-forwarded kernels (`webgpuSettings.ts`'s guards).
 */
import * as tf from '@tensorflow/tfjs';
import { installKernelScope, type KernelScope } from '../model/kernelScope.ts';
import { installStepGuards, type StepGuards } from '../model/webgpuSettings.ts';
import { countsBetween, installGpuWorkCounter, type CountableDevice, type GpuWorkCounter } from './gpuWorkCounter.ts';

/** Kernels listed in a summary's `topKernels`. */
const TOP = 12;

export interface WorkSummary {
  /** Registered tfjs kernels run. */
  kernels: number;
  /** GPU figures: absent on a backend without a WebGPU device. */
  dispatches?: number;
  submits?: number;
  writeBuffers?: number;
  writeBufferBytes?: number;
  bindGroups?: number;
  /** Synchronous readbacks (WebGPU, WebGL); a training step must have none. */
  syncReads?: number;
  /** Kernels run on the CPU by a GPU backend; must be none. */
  cpuForwarded?: number;
  /** The kernels with most dispatches (on WebGPU) or most runs (elsewhere), most first. */
  topKernels: Array<[string, number]>;
}

export class WorkMeter {
  private constructor(
    private readonly scope: KernelScope,
    private readonly gpu: GpuWorkCounter | null,
    private readonly guards: StepGuards | null,
  ) {}

  /** Starts counting on the active backend. `uninstall` when done. */
  static install(): WorkMeter {
    const backendName = tf.getBackend();
    const scope = installKernelScope(backendName);
    const device = backendName === 'webgpu' ? (tf.backend() as unknown as { device?: CountableDevice }).device : undefined;
    const gpu = device ? installGpuWorkCounter(device, () => scope.current()) : null;
    const guards = backendName === 'webgpu' || backendName === 'webgl' ? installStepGuards() : null;
    return new WorkMeter(scope, gpu, guards);
  }

  /** True when the counts include real GPU dispatches. */
  get countsDispatches(): boolean {
    return this.gpu !== null;
  }

  /** Runs `fn` and returns its value and the work it gave the backend (awaited work included). */
  async measure<T>(fn: () => T | Promise<T>): Promise<{ value: T; work: WorkSummary }> {
    this.scope.reset();
    this.guards?.reset();
    const before = this.gpu?.snapshot();
    const value = await fn();
    const work: WorkSummary = { kernels: this.scope.total(), topKernels: this.scope.counts().slice(0, TOP) };
    if (this.gpu && before) {
      const gpu = countsBetween(before, this.gpu.snapshot());
      Object.assign(work, {
        dispatches: gpu.dispatches,
        submits: gpu.submits,
        writeBuffers: gpu.writeBuffers,
        writeBufferBytes: gpu.writeBufferBytes,
        bindGroups: gpu.bindGroups,
        topKernels: gpu.dispatchesByKernel.slice(0, TOP),
      });
    }
    if (this.guards) Object.assign(work, this.guards.counts());
    return { value, work };
  }

  uninstall(): void {
    this.gpu?.uninstall();
    this.guards?.uninstall();
    this.scope.uninstall();
  }
}
