import * as tf from '@tensorflow/tfjs';
import type { GpuBufferLimits } from '../trainingMemory.ts';

/** The part of tfjs-webgpu's backend read here (its `device` is the `GPUDevice` it trains on). */
interface WebGpuBackendLike {
  device?: { limits?: Partial<GpuBufferLimits> };
}

/**
 * The buffer limits of the device tfjs-webgpu trains on (it asks the adapter for its own maxima when
 * it creates the device), or null when the active backend is not WebGPU or its device reports none.
 */
export function webgpuBufferLimits(backendName: string = tf.getBackend()): GpuBufferLimits | null {
  if (backendName !== 'webgpu') return null;
  const limits = (tf.backend() as unknown as WebGpuBackendLike).device?.limits;
  const maxBufferSize = limits?.maxBufferSize;
  const maxStorageBufferBindingSize = limits?.maxStorageBufferBindingSize;
  if (!(typeof maxBufferSize === 'number' && maxBufferSize > 0 && typeof maxStorageBufferBindingSize === 'number' && maxStorageBufferBindingSize > 0)) return null;
  return { maxBufferSize, maxStorageBufferBindingSize };
}
