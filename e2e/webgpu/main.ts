/**
 * The kernel-check page: `window.runKernelChecks(request)` runs the requested checks in a fresh
 * module worker and resolves with its reply. Driven by `e2e/webgpuKernels.spec.ts`.
 */
import type { KernelCheckReply, KernelCheckRequest, KernelCheckWindow } from './protocol.ts';

(window as unknown as KernelCheckWindow).runKernelChecks = (request: KernelCheckRequest) =>
  new Promise<KernelCheckReply>((resolve) => {
    const worker = new Worker(new URL('./kernelChecks.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<KernelCheckReply>) => {
      worker.terminate();
      resolve(event.data);
    };
    worker.onerror = (event) => {
      worker.terminate();
      resolve({ ok: false, error: event.message || 'worker error' });
    };
    worker.postMessage(request);
  });
