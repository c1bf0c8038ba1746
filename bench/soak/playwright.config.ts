import { defineConfig } from '@playwright/test';
import base from '../../playwright.config.ts';

/** The page soak only (`npm run soak:page`, never `npm test`): the production build, as the e2e journeys serve it. */
export default defineConfig({
  ...base,
  testDir: '.',
  testMatch: 'pageSoak.spec.ts',
  timeout: 30 * 60_000,
  outputDir: '../../test-results/page-soak',
  // The app's build and preview server, run from the repository root (not the kernel-check page).
  webServer: { ...(Array.isArray(base.webServer) ? base.webServer[0]! : base.webServer!), cwd: '../..' },
});
