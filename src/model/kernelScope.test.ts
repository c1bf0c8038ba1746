import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countKernels } from './kernelCount.ts';
import { installKernelScope } from './kernelScope.ts';

/** A kernel that records which kernel the scope says is running while it runs. */
const seen: (string | undefined)[] = [];
let probeScope: ReturnType<typeof installKernelScope> | null = null;

beforeAll(async () => {
  await tf.setBackend('cpu');
  tf.registerKernel({
    kernelName: 'ScopeProbe',
    backendName: 'cpu',
    kernelFunc: ({ inputs, backend }) => {
      seen.push(probeScope?.current());
      const x = inputs['x'] as tf.TensorInfo;
      (backend as { incRef(id: tf.DataId): void }).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  });
});

afterAll(() => {
  tf.unregisterKernel('ScopeProbe', 'cpu');
});

describe('installKernelScope', () => {
  it('names the kernel running now and counts kernels by name', () => {
    const scope = installKernelScope('cpu');
    probeScope = scope;
    const x = tf.tensor1d([1, 2, 3]);
    const y = tf.engine().runKernel('ScopeProbe', { x }) as tf.Tensor;
    const z = tf.add(tf.mul(x, 2), y);
    expect(seen).toEqual(['ScopeProbe']);
    expect(scope.current()).toBeUndefined();
    expect(scope.counts()).toEqual(expect.arrayContaining([['ScopeProbe', 1], ['Multiply', 1], ['Add', 1]]));
    expect(scope.total()).toBe(3);
    scope.reset();
    expect(scope.total()).toBe(0);
    scope.uninstall();
    probeScope = null;
    tf.dispose([x, y, z]);
  });

  it('restores the registry when the last scope goes; overlapping scopes count independently', () => {
    const original = tf.getKernel('Add', 'cpu');
    const a = installKernelScope('cpu');
    const b = installKernelScope('cpu');
    expect(tf.getKernel('Add', 'cpu')).not.toBe(original);
    tf.tidy(() => tf.add(1, 2));
    b.uninstall();
    tf.tidy(() => tf.add(1, 2));
    expect(b.total()).toBe(1);
    expect(a.counts()).toEqual([['Add', 2]]);
    a.uninstall();
    expect(tf.getKernel('Add', 'cpu')).toBe(original);
  });

  it('tells onStart of each kernel as it starts, while the earlier outputs are alive', () => {
    const x = tf.ones([4]);
    const starts: Array<[string, number]> = [];
    const scope = installKernelScope('cpu', (name) => starts.push([name, tf.memory().numBytes]));
    const before = tf.memory().numBytes;
    const y = tf.tidy(() => {
      const sum = tf.add(x, x);
      return tf.mul(sum, sum);
    });
    scope.uninstall();
    expect(starts.map(([name]) => name)).toEqual(['Add', 'Multiply']);
    // At Multiply's start the sum's 4 floats are alive.
    expect(starts[0]![1]).toBe(before);
    expect(starts[1]![1] - before).toBe(4 * 4);
    tf.dispose([x, y]);
  });

  it('countKernels counts what a function runs and disposes its result', async () => {
    const before = tf.memory().numTensors;
    const x = tf.ones([2, 2]);
    const count = await countKernels(() => tf.tidy(() => tf.matMul(tf.add(x, 1), x)));
    expect(count.total).toBe(2);
    expect(count.byName.map(([n]) => n).sort()).toEqual(['Add', 'BatchMatMul']);
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
