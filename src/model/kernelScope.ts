/**
 * Which tfjs kernel is running now, and how many ran: every kernel registered for a backend is
 * re-registered with a wrapper that keeps a stack of the kernels in progress and tells listeners
 * when one starts. The engine looks a kernel up in the registry on every call (`getKernel` in
 * `runKernelFunc`), so the wrappers take effect at once and uninstalling restores the originals.
 *
 * Why not `tf.profile`: it times every kernel (a readback per kernel on WebGPU), so it cannot run
 * inside a measured step, and it sees op scopes too. Why not the backend's own hooks: tfjs-webgpu
 * 4.22 names only its program classes (`program.constructor.name`), and only under `tf.time`.
 *
 * Kernels a kernel function calls directly (tfjs backends call e.g. `reshape({inputs, backend})` as
 * plain functions) are part of the outer kernel, as their GPU work is. Kernels registered after
 * `installKernelScope` (a fused kernel registered lazily) are not wrapped until the next install.
 */
import * as tf from '@tensorflow/tfjs';

type KernelListener = (name: string) => void;

interface Installation {
  readonly stack: string[];
  readonly listeners: Set<KernelListener>;
  /** The wrapped configs as registered, to restore the originals only where ours still stand. */
  readonly wrapped: Map<string, { original: tf.KernelConfig; wrapper: tf.KernelConfig }>;
}

const installations = new Map<string, Installation>();

export interface KernelScope {
  /** The innermost registered kernel running now on the backend, or undefined between kernels. */
  current(): string | undefined;
  /** Kernels started since the install (or the last `reset`), by name, most frequent first. */
  counts(): Array<[string, number]>;
  /** All kernels started since the install (or the last `reset`). */
  total(): number;
  reset(): void;
  /** Stops counting; the last scope of a backend to go restores its registry. */
  uninstall(): void;
}

function install(backendName: string): Installation {
  const existing = installations.get(backendName);
  if (existing) return existing;
  const state: Installation = { stack: [], listeners: new Set(), wrapped: new Map() };
  for (const original of tf.getKernelsForBackend(backendName)) {
    const name = original.kernelName;
    const kernelFunc = original.kernelFunc;
    const wrapper: tf.KernelConfig = {
      ...original,
      kernelFunc: (args) => {
        state.stack.push(name);
        for (const listener of state.listeners) listener(name);
        try {
          return kernelFunc(args);
        } finally {
          state.stack.pop();
        }
      },
    };
    tf.unregisterKernel(name, backendName);
    tf.registerKernel(wrapper);
    state.wrapped.set(name, { original, wrapper });
  }
  installations.set(backendName, state);
  return state;
}

function restore(backendName: string, state: Installation): void {
  for (const [name, { original, wrapper }] of state.wrapped) {
    if (tf.getKernel(name, backendName) !== wrapper) continue;
    tf.unregisterKernel(name, backendName);
    tf.registerKernel(original);
  }
  installations.delete(backendName);
}

/**
 * Starts tracking the kernels of `backendName` (default: the active backend). Scopes may overlap.
 * `onStart`, if given, is called as each kernel starts (e.g. to sample memory between kernels).
 */
export function installKernelScope(backendName: string = tf.getBackend(), onStart?: KernelListener): KernelScope {
  const state = install(backendName);
  const counts = new Map<string, number>();
  const listener: KernelListener = (name) => {
    counts.set(name, (counts.get(name) ?? 0) + 1);
    onStart?.(name);
  };
  state.listeners.add(listener);
  let installed = true;
  return {
    current: () => state.stack[state.stack.length - 1],
    counts: () => [...counts].sort((a, b) => b[1] - a[1]),
    total: () => [...counts.values()].reduce((a, b) => a + b, 0),
    reset: () => counts.clear(),
    uninstall: () => {
      if (!installed) return;
      installed = false;
      state.listeners.delete(listener);
      if (state.listeners.size === 0) restore(backendName, state);
    },
  };
}
