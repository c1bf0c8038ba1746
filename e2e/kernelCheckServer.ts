/**
 * Where the WebGPU kernel-check page is served: a build of its own under `vite preview` (the second
 * `webServer` of playwright.config.ts, `e2e/kernelChecks.vite.config.ts`), 100 above the e2e port so
 * parallel checkouts do not collide.
 */
export const KERNEL_CHECK_PORT = Number(process.env.KERNEL_CHECK_PORT ?? Number(process.env.E2E_PORT ?? 4319) + 100);
export const KERNEL_CHECK_URL = `http://127.0.0.1:${KERNEL_CHECK_PORT}/e2e/webgpu/index.html`;
