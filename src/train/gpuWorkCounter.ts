/**
 * Real counts of the GPU work a WebGPU device is given, for the benchmark: compute dispatches,
 * queue submits, `writeBuffer` calls (and bytes) and bind groups, with each dispatch attributed to
 * the tfjs kernel running at the time (a `label` function, e.g. `kernelScope.ts`'s `current`).
 *
 * The wrappers sit on the prototypes of the device's own objects (found from the device: its
 * prototype, its queue's, and that of a compute pass of a throwaway command encoder), so the same
 * code counts in a browser worker (Chromium's `GPUDevice`, `GPUQueue`, `GPUComputePassEncoder`)
 * and in Node (the `webgpu` package's Dawn objects), and a fake device in a unit test. Queue and
 * device calls count only for this device; a compute pass does not know its device, so dispatches
 * of another device at the same time would count too (the benchmark has one).
 *
 * These counts do not depend on the adapter: the software adapter measures them exactly.
 */

/** The part of a WebGPU device the counter touches (TS 5.9's DOM typings have no WebGPU). */
export interface CountableDevice {
  readonly queue: object;
  createBindGroup(descriptor: unknown): unknown;
  createCommandEncoder(descriptor?: unknown): { beginComputePass(descriptor?: unknown): { end(): void } };
}

export interface GpuWorkCounts {
  dispatches: number;
  submits: number;
  writeBuffers: number;
  writeBufferBytes: number;
  bindGroups: number;
  /** Dispatches per tfjs kernel name ('(no kernel)' for dispatches outside any kernel), most first. */
  dispatchesByKernel: Array<[string, number]>;
  /** `performance.now()` at the last submit, or null before the first. */
  lastSubmitAt: number | null;
}

export interface GpuWorkCounter {
  snapshot(): GpuWorkCounts;
  reset(): void;
  /** Restores the device's methods (only where this counter's wrappers still stand). */
  uninstall(): void;
}

export const OUTSIDE_KERNELS = '(no kernel)';

type Method = (this: unknown, ...args: unknown[]) => unknown;
interface Patch {
  target: Record<string, unknown>;
  key: string;
  original: Method;
  wrapper: Method;
}

/** Prototypes being counted: a second counter on the same objects would double-count. */
const counting = new WeakSet<object>();

function byteLength(data: unknown, size: unknown): number {
  if (typeof size === 'number') return size;
  if (ArrayBuffer.isView(data) || data instanceof ArrayBuffer) return data.byteLength;
  return 0;
}

/**
 * Starts counting `device`'s work. `label` names the kernel a dispatch belongs to (undefined:
 * outside any kernel); `now` is the clock of `lastSubmitAt`.
 */
export function installGpuWorkCounter(
  device: CountableDevice,
  label: () => string | undefined = () => undefined,
  now: () => number = () => performance.now(),
): GpuWorkCounter {
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.end();
  const passProto = Object.getPrototypeOf(pass) as Record<string, unknown>;
  const queueProto = Object.getPrototypeOf(device.queue) as Record<string, unknown>;
  const deviceProto = Object.getPrototypeOf(device) as Record<string, unknown>;
  for (const proto of [passProto, queueProto, deviceProto]) {
    if (counting.has(proto)) throw new Error('this device is counted already: uninstall the other counter first');
  }

  let counts = fresh();
  const byKernel = new Map<string, number>();
  const patches: Patch[] = [];
  const patch = (target: Record<string, unknown>, key: string, count: (self: unknown, args: unknown[]) => void) => {
    const original = target[key];
    if (typeof original !== 'function') return;
    const wrapper: Method = function (this: unknown, ...args: unknown[]) {
      count(this, args);
      return (original as Method).apply(this, args);
    };
    target[key] = wrapper;
    patches.push({ target, key, original: original as Method, wrapper });
  };
  const dispatch = () => {
    counts.dispatches++;
    const name = label() ?? OUTSIDE_KERNELS;
    byKernel.set(name, (byKernel.get(name) ?? 0) + 1);
  };
  patch(passProto, 'dispatchWorkgroups', dispatch);
  patch(passProto, 'dispatchWorkgroupsIndirect', dispatch);
  patch(queueProto, 'submit', (self) => {
    if (self !== device.queue) return;
    counts.submits++;
    counts.lastSubmitAt = now();
  });
  patch(queueProto, 'writeBuffer', (self, args) => {
    if (self !== device.queue) return;
    counts.writeBuffers++;
    counts.writeBufferBytes += byteLength(args[2], args[4]);
  });
  patch(deviceProto, 'createBindGroup', (self) => {
    if (self === device) counts.bindGroups++;
  });
  for (const proto of [passProto, queueProto, deviceProto]) counting.add(proto);

  let installed = true;
  return {
    snapshot: () => ({ ...counts, dispatchesByKernel: [...byKernel].sort((a, b) => b[1] - a[1]) }),
    reset: () => {
      counts = fresh();
      byKernel.clear();
    },
    uninstall: () => {
      if (!installed) return;
      installed = false;
      for (const { target, key, original, wrapper } of patches) if (target[key] === wrapper) target[key] = original;
      for (const proto of [passProto, queueProto, deviceProto]) counting.delete(proto);
    },
  };
}

function fresh(): Omit<GpuWorkCounts, 'dispatchesByKernel'> {
  return { dispatches: 0, submits: 0, writeBuffers: 0, writeBufferBytes: 0, bindGroups: 0, lastSubmitAt: null };
}

/** `after - before`, field by field (kernels present in either; `lastSubmitAt` from `after`). */
export function countsBetween(before: GpuWorkCounts, after: GpuWorkCounts): GpuWorkCounts {
  const earlier = new Map(before.dispatchesByKernel);
  const byKernel = after.dispatchesByKernel
    .map(([name, n]): [string, number] => [name, n - (earlier.get(name) ?? 0)])
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  return {
    dispatches: after.dispatches - before.dispatches,
    submits: after.submits - before.submits,
    writeBuffers: after.writeBuffers - before.writeBuffers,
    writeBufferBytes: after.writeBufferBytes - before.writeBufferBytes,
    bindGroups: after.bindGroups - before.bindGroups,
    dispatchesByKernel: byKernel,
    lastSubmitAt: after.lastSubmitAt,
  };
}
