/**
 * The page soak (issue 18: long sessions stay flat), `npm run soak:page` (E2E_PORT picks the port):
 * in ONE page, 20 `tiny` runs of one epoch on 24 short sentences of the built-in sample are each
 * started, trained and deleted, then one 8-configuration ablation study (the paper's eight, seed 1)
 * runs and is deleted with its runs. After every step it samples (e2e/soakProbe.ts) the trainer
 * worker's live tensors and tensor bytes, the runs held by the worker and the page's store, the
 * records per IndexedDB object store, the origin's storage use, and the page's, the trainer's and
 * the gradient peers' JS heaps after a forced GC (with the page's DOM nodes and listeners).
 *
 * After each deletion: tensors, tensor bytes, runs and records are exactly the baseline's (taken
 * after the data is loaded, before the first run). The heaps may differ from it by a tolerance
 * (code compiled on first use, V8's allocation noise) and must not grow over the session (the last
 * run's deletion against the first's); the page's event listeners and DOM nodes come back to what
 * they were before the runs (before the study, for the study), within a few. The
 * origin's storage use is not compared with the baseline: Chromium's IndexedDB is a LevelDB whose
 * write-ahead log keeps deleted values until it is flushed and compacted (at about 4 MB of log,
 * not at deletion, nor at a reload), so it rises and falls back; it must stay under a bound.
 * Prints the table (RELIABILITY.md "Long-run health (soak)" keeps the latest) and writes it as
 * JSON to test-results/page-soak/samples.json.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, expect, test, type Browser, type BrowserContext } from '@playwright/test';
import { dropFile } from '../../e2e/dropFile.ts';
import { deleteRunByCard, exactFigures, exactFiguresAfterFirstRun, HealthProbe, healthTable, trainOneRun, type HealthSample } from '../../e2e/soakProbe.ts';
import { setNumber, shortSentences, showView } from '../../e2e/workbenchPage.ts';

const RUNS = Number(process.env.SOAK_RUNS ?? 20);
/** What a heap may differ from the baseline by after everything is deleted: first-use code and noise. */
const HEAP_TOLERANCE = { share: 0.1, bytes: 8 * 2 ** 20 };
/** Growth allowed from the first deletion to the last (20 runs): a leak of 100 KB a run would pass only just. */
const HEAP_GROWTH = 2 * 2 ** 20;
/**
 * Storage use over the baseline's at any step: LevelDB's log (flushed at about 4 MB) and its level-0
 * tables before compaction, measured to rise to about 12 MB and fall back to 2.5 MB with 48 KB values.
 */
const STORAGE_BOUND = 24 * 2 ** 20;
/** Listeners and DOM nodes the page may have over its state before the runs once they are deleted (a focus ring, a tooltip). */
const DOM_NOISE = { listeners: 5, nodes: 100 };

type Heap = 'pageHeap' | 'trainerHeap' | 'peersHeap';
const HEAPS: Heap[] = ['pageHeap', 'trainerHeap', 'peersHeap'];

/**
 * A browser with a profile on disk, as a user's: Playwright's own contexts are incognito-like, and
 * there Chromium keeps IndexedDB in memory, where deleted values never leave the storage estimate
 * (0.33 MB a run in this soak). A DevTools port (chosen by Chromium, read from the profile) gives
 * the browser-wide CDP session the worker heaps are read through.
 */
async function diskProfile(baseURL: string, launchArgs: string[], executablePath: string): Promise<{ context: BrowserContext; browser: Browser; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'mtaa-soak-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath, baseURL, headless: true, args: [...launchArgs, '--remote-debugging-port=0'] });
  const port = readFileSync(join(profile, 'DevToolsActivePort'), 'utf8').split('\n')[0]!;
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
  return {
    context,
    browser,
    async close() {
      await browser.close();
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

test(`${RUNS} runs and an 8-configuration study created, trained and deleted in one page: everything returns to the baseline`, async ({ baseURL, launchOptions }) => {
  const { context, browser, close } = await diskProfile(baseURL!, launchOptions.args ?? [], launchOptions.executablePath!);
  try {
    await soak(context, browser);
  } finally {
    await close();
  }
});

async function soak(context: BrowserContext, browser: Browser): Promise<void> {
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto('/?testhooks&backend=wasm');
  await expect(page.getByTestId('backend-active')).toHaveText('wasm', { timeout: 60_000 });
  await dropFile(page, '[data-testid=drop-zone]', 'short.conllu', shortSentences(24));
  await expect(page.getByTestId('dataset-name')).toHaveText('short.conllu');
  await page.getByTestId('preset-select').selectOption('tiny');
  await setNumber(page, 'field-epochs', 1);
  const probe = await HealthProbe.attach(page, browser, { heap: true });
  const baseline = await probe.sample('baseline');
  const started = Date.now();
  const deletions: HealthSample[] = [];
  const table = () => healthTable(probe.samples);

  for (let i = 1; i <= RUNS; i++) {
    const runId = `run-${i}`;
    await trainOneRun(page, runId);
    await probe.sample(`${runId} trained`);
    await deleteRunByCard(page, runId);
    const deleted = await probe.sample(`${runId} deleted`);
    deletions.push(deleted);
    expect(exactFigures(deleted), `after deleting ${runId}:\n${table()}`).toEqual(exactFiguresAfterFirstRun(baseline));
  }

  // The paper's eight configurations (the panel's default choice), one seed, one after another.
  await showView(page, 'study');
  await page.getByTestId('study-seeds').fill('1');
  // The study view is mounted on its first visit: its DOM is the study's own yardstick.
  const studyShown = await probe.sample('study view shown');
  await page.getByTestId('study-start').click();
  await expect(page.getByTestId('study-item')).toHaveCount(8);
  await expect(page.locator('[data-testid=study-item][data-status=done]')).toHaveCount(8, { timeout: 15 * 60_000 });
  const studied = await probe.sample('study of 8 trained');
  expect(studied.runs).toBe(8);
  await page.getByTestId('study-delete').click();
  await page.getByTestId('study-delete-confirm').click();
  await expect(page.getByTestId('study-queue')).toHaveCount(0);
  await expect(page.getByTestId('run-card')).toHaveCount(0);
  await expect(page.getByTestId('charts-empty')).toHaveCount(1);
  const end = await probe.sample('study and its runs deleted');
  deletions.push(end);
  expect(exactFigures(end), `after deleting the study:\n${table()}`).toEqual(exactFiguresAfterFirstRun(baseline));
  const seconds = (Date.now() - started) / 1000;

  console.log(`\n${RUNS} runs and a study of 8 in ${seconds.toFixed(0)} s\n\n${table()}\n`);
  mkdirSync('test-results/page-soak', { recursive: true });
  writeFileSync('test-results/page-soak/samples.json', `${JSON.stringify({ seconds, samples: probe.samples }, null, 1)}\n`);

  for (const heap of HEAPS) {
    const limit = baseline[heap]! * (1 + HEAP_TOLERANCE.share) + HEAP_TOLERANCE.bytes;
    expect(end[heap]!, `${heap} after everything was deleted, against the baseline + tolerance`).toBeLessThanOrEqual(limit);
    expect(deletions.at(-2)![heap]! - deletions[0]![heap]!, `${heap} growth from the first run's deletion to the last run's`).toBeLessThanOrEqual(HEAP_GROWTH);
  }
  for (const [s, before] of [...deletions.slice(0, -1).map((s) => [s, baseline] as const), [end, studyShown] as const]) {
    expect(s.listeners! - before.listeners!, `page event listeners at "${s.step}" against "${before.step}"`).toBeLessThanOrEqual(DOM_NOISE.listeners);
    expect(s.domNodes! - before.domNodes!, `page DOM nodes at "${s.step}" against "${before.step}"`).toBeLessThanOrEqual(DOM_NOISE.nodes);
  }
  for (const s of probe.samples) expect(s.storageUsage! - baseline.storageUsage!, `storage use at "${s.step}"`).toBeLessThanOrEqual(STORAGE_BOUND);
}
