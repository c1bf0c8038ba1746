import { describe, expect, it } from 'vitest';
import { countsBetween, installGpuWorkCounter, OUTSIDE_KERNELS } from './gpuWorkCounter.ts';

/** A fake WebGPU device whose methods live on prototypes, as Chromium's and Dawn's do. */
class FakePass {
  dispatched: number[][] = [];
  dispatchWorkgroups(x: number, y = 1, z = 1) {
    this.dispatched.push([x, y, z]);
  }
  end() {}
}
class FakeEncoder {
  beginComputePass() {
    return new FakePass();
  }
  finish() {
    return {};
  }
}
class FakeQueue {
  submitted = 0;
  written = 0;
  submit(_buffers: unknown[]) {
    this.submitted++;
  }
  writeBuffer(_buffer: unknown, _offset: number, data: ArrayBufferView | ArrayBuffer, _dataOffset?: number, size?: number) {
    this.written += size ?? data.byteLength;
  }
}
class FakeDevice {
  readonly queue = new FakeQueue();
  bindGroups = 0;
  createBindGroup(_descriptor: unknown) {
    this.bindGroups++;
    return {};
  }
  createCommandEncoder() {
    return new FakeEncoder();
  }
}

/** What tfjs-webgpu does per kernel: a uniform write, a bind group, a dispatch; a submit every `every`. */
function runKernels(device: FakeDevice, count: number, every: number) {
  let pass = device.createCommandEncoder().beginComputePass();
  for (let i = 1; i <= count; i++) {
    device.queue.writeBuffer({}, 0, new ArrayBuffer(48), 0, 40);
    device.createBindGroup({});
    pass.dispatchWorkgroups(4, 2);
    if (i % every === 0) {
      pass.end();
      device.queue.submit([]);
      pass = device.createCommandEncoder().beginComputePass();
    }
  }
}

describe('installGpuWorkCounter', () => {
  it('counts dispatches, submits, writes and bind groups, and still calls the device', () => {
    const device = new FakeDevice();
    let clock = 0;
    const counter = installGpuWorkCounter(device, undefined, () => ++clock);
    runKernels(device, 31, 15);
    const counts = counter.snapshot();
    expect(counts).toMatchObject({ dispatches: 31, submits: 2, writeBuffers: 31, writeBufferBytes: 31 * 40, bindGroups: 31, lastSubmitAt: 2 });
    expect(counts.dispatchesByKernel).toEqual([[OUTSIDE_KERNELS, 31]]);
    // The wrapped methods did their work.
    expect(device.queue.submitted).toBe(2);
    expect(device.queue.written).toBe(31 * 40);
    expect(device.bindGroups).toBe(31);
    counter.uninstall();
  });

  it('attributes each dispatch to the kernel its label names', () => {
    const device = new FakeDevice();
    let kernel: string | undefined;
    const counter = installGpuWorkCounter(device, () => kernel);
    const pass = device.createCommandEncoder().beginComputePass();
    kernel = 'MatMul';
    pass.dispatchWorkgroups(1);
    pass.dispatchWorkgroups(1);
    kernel = 'Add';
    pass.dispatchWorkgroups(1);
    kernel = undefined;
    pass.dispatchWorkgroups(1);
    expect(counter.snapshot().dispatchesByKernel).toEqual([
      ['MatMul', 2],
      ['Add', 1],
      [OUTSIDE_KERNELS, 1],
    ]);
    counter.uninstall();
  });

  it('counts only its own device on the queue and device prototypes', () => {
    const device = new FakeDevice();
    const other = new FakeDevice();
    const counter = installGpuWorkCounter(device);
    other.queue.submit([]);
    other.queue.writeBuffer({}, 0, new Uint8Array(8));
    other.createBindGroup({});
    device.queue.writeBuffer({}, 0, new Uint8Array(8));
    expect(counter.snapshot()).toMatchObject({ submits: 0, writeBuffers: 1, writeBufferBytes: 8, bindGroups: 0 });
    counter.uninstall();
  });

  it('uninstalls to the original methods, refuses a second counter, and resets', () => {
    const original = FakeQueue.prototype.submit;
    const originalDispatch = FakePass.prototype.dispatchWorkgroups;
    const device = new FakeDevice();
    const counter = installGpuWorkCounter(device);
    expect(FakeQueue.prototype.submit).not.toBe(original);
    expect(() => installGpuWorkCounter(device)).toThrow(/counted already/);
    runKernels(device, 3, 1);
    counter.reset();
    expect(counter.snapshot()).toMatchObject({ dispatches: 0, submits: 0, lastSubmitAt: null, dispatchesByKernel: [] });
    counter.uninstall();
    expect(FakeQueue.prototype.submit).toBe(original);
    expect(FakePass.prototype.dispatchWorkgroups).toBe(originalDispatch);
    runKernels(device, 3, 1);
    expect(counter.snapshot().dispatches).toBe(0);
    const again = installGpuWorkCounter(device);
    again.uninstall();
  });

  it('countsBetween subtracts two snapshots, kernel by kernel', () => {
    const device = new FakeDevice();
    let kernel = 'A';
    const counter = installGpuWorkCounter(device, () => kernel);
    runKernels(device, 2, 2);
    const before = counter.snapshot();
    kernel = 'B';
    runKernels(device, 3, 3);
    const between = countsBetween(before, counter.snapshot());
    expect(between).toMatchObject({ dispatches: 3, submits: 1, bindGroups: 3, writeBuffers: 3, dispatchesByKernel: [['B', 3]] });
    counter.uninstall();
  });
});
