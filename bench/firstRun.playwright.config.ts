import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';
import base from '../playwright.config.ts';

/** `npm run bench:first-run` only (never `npm test`): the built page under `vite preview`. */
const port = Number(process.env.E2E_PORT ?? 4319);

export default defineConfig({
  ...base,
  testDir: '.',
  testMatch: 'firstRun.spec.ts',
  outputDir: '../test-results/bench',
  use: { ...base.use, baseURL: `http://127.0.0.1:${port}` },
  webServer: {
    command: `npx vite build --logLevel warn && npx vite preview --host 127.0.0.1 --port ${port} --strictPort`,
    url: `http://127.0.0.1:${port}`,
    // The repository root: the app's index.html, not the benchmark page beside this file.
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    reuseExistingServer: false,
    timeout: 180_000,
  },
});
