/**
 * The ten-run long-task journey of e2e/training.spec.ts without its DOM checks, recording a Chrome
 * trace for taskCpu.mjs (issue 15) and printing every long task as [start, duration] (ms):
 *
 *   E2E_PORT=4750 TRACE=/tmp/t.json npx playwright test -c bench/longTasks/playwright.config.ts
 *   node bench/longTasks/taskCpu.mjs /tmp/t.json 10
 */
import { expect, test } from '@playwright/test';
import { seedCompletedRuns } from '../../e2e/seedRuns.ts';

test('ten runs overlaid while the tenth trains: trace and long tasks', async ({ page, browser }) => {
  test.setTimeout(300_000);
  await page.goto('/?testhooks&backend=wasm');
  await expect(page.getByTestId('backend-active')).toHaveText('wasm', { timeout: 60_000 });
  await page.getByTestId('preset-select').selectOption('tiny');
  await seedCompletedRuns(page, { count: 9, epochs: 8, reportsPerEpoch: 20 });
  const ep = page.getByTestId('field-epochs');
  await ep.fill('30');
  await ep.press('Enter');
  await page.getByTestId('charts-panel').evaluate((element) => element.scrollIntoView({ block: 'start' }));
  await expect(page.locator('.line-chart[data-drawn=false]')).toHaveCount(0);
  await page.evaluate(() => {
    const w = window as unknown as { __lt: [number, number][] };
    w.__lt = [];
    new PerformanceObserver((list) => { for (const e of list.getEntries()) w.__lt.push([Math.round(e.startTime), Math.round(e.duration)]); }).observe({ type: 'longtask' });
  });
  if (process.env.TRACE) await browser.startTracing(page, { path: process.env.TRACE, categories: ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute'] });
  const t0 = await page.evaluate(() => performance.now());
  await page.getByTestId('run-start').dispatchEvent('click');
  await expect.poll(() => page.evaluate(() => (window as unknown as { __mtaa: { store: { getState(): { runs: Record<string, { epochs: unknown[] }> } } } }).__mtaa.store.getState().runs['run-1']?.epochs.length ?? 0), { timeout: 150_000 }).toBeGreaterThanOrEqual(Number(process.env.EPOCHS ?? 2));
  if (process.env.TRACE) await browser.stopTracing();
  const lt = await page.evaluate(() => (window as unknown as { __lt: [number, number][] }).__lt);
  console.log('t0', Math.round(t0), 'long tasks [start, ms]', JSON.stringify(lt));
});
