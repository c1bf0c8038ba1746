import { defineConfig } from '@playwright/test';
import { KERNEL_CHECK_PORT, KERNEL_CHECK_URL } from './e2e/kernelCheckServer.ts';

// Playwright cannot download its own browser here: it drives the system Chromium
// (apt-get install chromium). Point CHROMIUM_PATH at another build to use that one.
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const port = Number(process.env.E2E_PORT ?? 4319);

export default defineConfig({
  testDir: 'e2e',
  timeout: 120_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    headless: true,
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath,
      args: [
        '--no-sandbox',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--enable-unsafe-webgpu',
      ],
    },
  },
  webServer: [
    {
      // The production build, served as a user would get it (and no dev-server HMR noise).
      command: `npx vite build --logLevel warn && npx vite preview --host 127.0.0.1 --port ${port} --strictPort`,
      url: `http://127.0.0.1:${port}`,
      reuseExistingServer: !process.env.CI,
      timeout: 180_000,
    },
    {
      // The WebGPU kernel-check page (e2e/webgpu/, e2e/webgpuKernels.spec.ts) is a test page, not
      // part of the app's build: a build of its own, served by `vite preview` (see its config).
      command: `npx vite build -c e2e/kernelChecks.vite.config.ts && npx vite preview -c e2e/kernelChecks.vite.config.ts --host 127.0.0.1 --port ${KERNEL_CHECK_PORT} --strictPort`,
      url: KERNEL_CHECK_URL,
      reuseExistingServer: !process.env.CI,
      timeout: 180_000,
    },
  ],
});
