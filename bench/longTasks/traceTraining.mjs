/**
 * Main-thread long tasks while the built-in sample trains (tiny preset, WASM), outside the test
 * runner: prints every 'longtask' the page saw and, with TRACE=file.json, records a Chrome trace
 * for taskCpu.mjs. Serve a build first (`npx vite build && npx vite preview --port 4336`).
 *
 *   PORT=4336 SECONDS=40 TRACE=/tmp/t.json node bench/longTasks/traceTraining.mjs
 *   SCROLL=1   the charts panel scrolled into view once the run started
 *   HIDE=sel   elements matching the selector hidden (attributing cost to a part of the page)
 */
import { chromium } from 'playwright';

const port = process.env.PORT ?? '4336';
const seconds = Number(process.env.SECONDS ?? 40);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage();
await page.goto(`http://127.0.0.1:${port}/?testhooks&backend=wasm`);
await page.getByTestId('backend-active').filter({ hasText: 'wasm' }).waitFor({ timeout: 60_000 });
await page.getByTestId('preset-select').selectOption('tiny');
if (process.env.HIDE) await page.addStyleTag({ content: `${process.env.HIDE} { display: none !important; }` });
const epochs = page.getByTestId('field-epochs');
await epochs.fill('30');
await epochs.press('Enter');
await page.evaluate(() => {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__longTasks.push(Math.round(entry.duration));
  }).observe({ type: 'longtask' });
});
const categories = ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline'];
if (process.env.TRACE) await browser.startTracing(page, { path: process.env.TRACE, categories });
await page.getByTestId('run-start').click();
if (process.env.SCROLL) await page.getByTestId('charts-panel').evaluate((element) => element.scrollIntoView({ block: 'start' }));
await page.waitForTimeout(seconds * 1000);
if (process.env.TRACE) await browser.stopTracing();
const longTasks = await page.evaluate(() => window.__longTasks);
const progress = await page.evaluate(() => {
  const run = window.__mtaa.store.getState().runs['run-1'];
  return { epochs: run?.epochs.length, steps: run?.steps.length };
});
console.log(JSON.stringify({ over50: longTasks.filter((d) => d > 50).length, longest: Math.max(0, ...longTasks), longTasks, ...progress }));
await browser.close();
