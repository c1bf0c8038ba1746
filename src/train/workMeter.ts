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
  /** Most bytes of live tfjs tensors at any kernel's start (or at the end) of the measured call. */
  peakBytes: number;
  /**
   * WebGPU only: most bytes of GPU buffers in use by tfjs at any kernel's start or the end (tensors'
   * buffers, rounded up as the backend allocates them), and the bytes its buffer pool holds at the
   * end (buffers in use and free ones kept for reuse): what the device really gives the step.
   */
  peakGpuBytes?: number;
  gpuBytesAllocated?: number;
}

/** tfjs-webgpu's `memory()` adds these to tfjs's figures. */
interface GpuMemoryInfo extends tf.MemoryInfo {
  numBytesInGPU?: number;
  numBytesAllocatedInGPU?: number;
}

/** Memory high-water marks, sampled between kernels (each kernel's start: cheap counters, no readback). */
class MemoryPeaks {
  bytes = 0;
  gpuBytes = 0;

  note(): void {
    const memory = tf.memory() as GpuMemoryInfo;
    this.bytes = Math.max(this.bytes, memory.numBytes);
    this.gpuBytes = Math.max(this.gpuBytes, memory.numBytesInGPU ?? 0);
  }

  reset(): void {
    this.bytes = 0;
    this.gpuBytes = 0;
    this.note();
  }
}

export class WorkMeter {
  private constructor(
    private readonly scope: KernelScope,
    private readonly gpu: GpuWorkCounter | null,
    private readonly guards: StepGuards | null,
    private readonly peaks: MemoryPeaks,
  ) {}

  /** Starts counting on the active backend. `uninstall` when done. */
  static install(): WorkMeter {
    const backendName = tf.getBackend();
    const peaks = new MemoryPeaks();
    const scope = installKernelScope(backendName, () => peaks.note());
    const device = backendName === 'webgpu' ? (tf.backend() as unknown as { device?: CountableDevice }).device : undefined;
    const gpu = device ? installGpuWorkCounter(device, () => scope.current()) : null;
    const guards = backendName === 'webgpu' || backendName === 'webgl' ? installStepGuards() : null;
    return new WorkMeter(scope, gpu, guards, peaks);
  }

  /** True when the counts include real GPU dispatches. */
  get countsDispatches(): boolean {
    return this.gpu !== null;
  }

  /** Runs `fn` and returns its value and the work it gave the backend (awaited work included). */
  async measure<T>(fn: () => T | Promise<T>): Promise<{ value: T; work: WorkSummary }> {
    this.scope.reset();
    this.guards?.reset();
    this.peaks.reset();
    const before = this.gpu?.snapshot();
    const value = await fn();
    this.peaks.note();
    const work: WorkSummary = { kernels: this.scope.total(), topKernels: this.scope.counts().slice(0, TOP), peakBytes: this.peaks.bytes };
    if (this.gpu && before) {
      const memory = tf.memory() as GpuMemoryInfo;
      work.peakGpuBytes = this.peaks.gpuBytes;
      if (memory.numBytesAllocatedInGPU !== undefined) work.gpuBytesAllocated = memory.numBytesAllocatedInGPU;
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
