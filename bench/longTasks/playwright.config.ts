import { defineConfig } from '@playwright/test';
import base from '../../playwright.config.ts';

/** The ten-run trace only (never `npm test`): the production build, as the e2e journeys serve it. */
export default defineConfig({
  ...base,
  testDir: '.',
  testMatch: 'tenRunsTrace.spec.ts',
  outputDir: '../../test-results/bench-long-tasks',
  // The app's build and preview server, run from the repository root.
  webServer: { ...(Array.isArray(base.webServer) ? base.webServer[0]! : base.webServer!), cwd: '../..' },
});
