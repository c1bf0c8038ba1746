import { defineConfig } from '@playwright/test';
import base from '../playwright.config.ts';

/**
 * `npm run bench:browser` only (never `npm test`): the benchmark page under the Vite dev server,
 * with the browser settings of the end-to-end tests.
 */
const port = Number(process.env.E2E_PORT ?? 4319);

export default defineConfig({
  ...base,
  testDir: '.',
  testMatch: 'bench.spec.ts',
  outputDir: '../test-results/bench',
  use: { ...base.use, baseURL: `http://127.0.0.1:${port}` },
  webServer: {
    command: `npx vite --host 127.0.0.1 --port ${port} --strictPort`,
    url: `http://127.0.0.1:${port}/bench/index.html`,
    reuseExistingServer: false,
    timeout: 180_000,
  },
});
