import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { installStepGuards } from './webgpuSettings.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('installStepGuards', () => {
  it('counts synchronous readbacks of the backend and uninstalls', () => {
    const backend = tf.backend() as unknown as { readSync: unknown };
    const guards = installStepGuards();
    const x = tf.tensor1d([1, 2]);
    x.dataSync();
    x.arraySync();
    expect(guards.counts().syncReads).toBe(2);
    guards.reset();
    expect(guards.counts()).toEqual({ syncReads: 0, cpuForwarded: 0 });
    guards.uninstall();
    expect(Object.prototype.hasOwnProperty.call(backend, 'readSync')).toBe(false);
    x.dataSync();
    expect(guards.counts().syncReads).toBe(0);
    x.dispose();
  });

  it('counts kernels a backend forwards to the CPU', () => {
    class FakeGpuBackend {
      small = true;
      shouldExecuteOnCPU(_inputs: unknown[]) {
        return this.small;
      }
    }
    const backend = new FakeGpuBackend();
    const guards = installStepGuards(backend);
    expect(backend.shouldExecuteOnCPU([])).toBe(true);
    backend.small = false;
    expect(backend.shouldExecuteOnCPU([])).toBe(false);
    expect(guards.counts().cpuForwarded).toBe(1);
    guards.uninstall();
    expect(backend.shouldExecuteOnCPU).toBe(FakeGpuBackend.prototype.shouldExecuteOnCPU);
  });
});
