import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The WebGPU kernel-check page (e2e/webgpu/) as a production build, served by `vite preview`: the
 * second `webServer` of playwright.config.ts. Not the dev server: its dependency optimiser reloads
 * the page when it first meets the worker's imports, and a check's navigation was then interrupted
 * (a CI failure: "Navigation … is interrupted by another navigation"). A build has no such reload.
 * The page keeps its dev-server path (`/e2e/webgpu/index.html`); the output goes to `.vite/`
 * (ignored), apart from the app's `dist/`, which the first webServer empties as it builds.
 */
const root = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root,
  logLevel: 'warn',
  worker: { format: 'es' },
  build: {
    outDir: '.vite/kernel-checks',
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: { input: fileURLToPath(new URL('webgpu/index.html', import.meta.url)) },
  },
});
