/**
 * The floor under the long-task budget: a bare page doing 4 ms of work 4×/s (about one rendering
 * frame of the workbench) for 40 s, with WORKERS dedicated workers of its own burning CPU
 * (continuously, or BURN ms then a SLEEP ms pause), prints the long tasks it saw. On a loaded
 * 2-core machine it tells how much of the wall time of a main-thread task is the page's own busy
 * workers (the trainer and its gradient peer) rather than the page's work.
 *
 *   WORKERS=0 node bench/longTasks/workerContention.mjs
 *   WORKERS=2 BURN=20 SLEEP=4 node bench/longTasks/workerContention.mjs
 */
import { chromium } from 'playwright';

const workers = Number(process.env.WORKERS ?? 2);
const burn = Number(process.env.BURN ?? 0);
const sleep = Number(process.env.SLEEP ?? 0);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage();
await page.setContent('<p id=t>0</p>');
await page.evaluate(
  ([workers, burn, sleep]) => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__longTasks.push(Math.round(entry.duration));
    }).observe({ type: 'longtask' });
    const code = burn
      ? `let x = 0; (async () => { for (;;) { const t = performance.now(); while (performance.now() - t < ${burn}) x += Math.sqrt(x + 1); await new Promise((r) => setTimeout(r, ${sleep})); } })();`
      : 'let x = 0; for (;;) x += Math.sqrt(x + 1);';
    const source = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
    for (let i = 0; i < workers; i++) new Worker(source);
    let n = 0;
    setInterval(() => {
      const start = performance.now();
      while (performance.now() - start < 4);
      document.getElementById('t').textContent = String(++n);
    }, 250);
  },
  [workers, burn, sleep],
);
await page.waitForTimeout(40_000);
const longTasks = await page.evaluate(() => window.__longTasks);
console.log(`workers ${workers} ${burn ? `burn ${burn} ms, sleep ${sleep} ms` : 'burning continuously'}`, JSON.stringify({ over50: longTasks.filter((d) => d > 50).length, longest: Math.max(0, ...longTasks), longTasks }));
await browser.close();
