/**
 * Counts the WebGPU compute dispatches a piece of work encodes, for the kernel checks' before/after
 * figures: wraps `GPUComputePassEncoder.prototype.dispatchWorkgroups` while counting (tfjs encodes
 * each program's dispatch synchronously when the kernel runs, so the count is exact whatever the
 * adapter). Outside a browser with WebGPU it throws. The benchmark has its own counters.
 */
interface DispatchingEncoder {
  dispatchWorkgroups(...args: unknown[]): unknown;
}

/** Starts counting; `stop()` restores the encoder and returns the count. */
export function startCountingDispatches(): { stop(): number } {
  const encoderClass = (globalThis as { GPUComputePassEncoder?: { prototype: DispatchingEncoder } }).GPUComputePassEncoder;
  if (!encoderClass) throw new Error('counting dispatches needs WebGPU (GPUComputePassEncoder)');
  const proto = encoderClass.prototype;
  const original = proto.dispatchWorkgroups;
  let dispatches = 0;
  proto.dispatchWorkgroups = function (this: DispatchingEncoder, ...args: unknown[]) {
    dispatches++;
    return original.apply(this, args);
  };
  return {
    stop() {
      proto.dispatchWorkgroups = original;
      return dispatches;
    },
  };
}

/** The dispatches `fn` encodes (awaited), with its value. */
export async function countDispatches<T>(fn: () => Promise<T> | T): Promise<{ value: T; dispatches: number }> {
  const counter = startCountingDispatches();
  let dispatches = 0;
  try {
    const value = await fn();
    dispatches = counter.stop();
    return { value, dispatches };
  } finally {
    if (dispatches === 0) counter.stop();
  }
}
