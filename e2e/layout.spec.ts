/**
 * The one-screen workbench at 1440×900 (issue 15): while a tiny run trains, Start, the selected
 * run's progress and a live chart are on screen together without scrolling; the main pane's views
 * are tabs; runs have unique names, say what data they trained on, and are renamed in place (the
 * name kept across a reload); paper terms explain themselves on hover and focus.
 *
 * The page runs with `?testhooks` (the store as `window.__mtaa`) on WASM; a fresh browser context,
 * so IndexedDB starts empty. The screenshot goes to this test's output folder under test-results/.
 */
import { expect, test, type Page } from '@playwright/test';
import { dropFile } from './dropFile.ts';
import { setNumber, shortSentences, showView } from './workbenchPage.ts';

test.use({ viewport: { width: 1440, height: 900 } });

interface StoreView {
  view: string;
  dataset: { name: string; sentences: number; hash?: string } | null;
  runs: Record<string, { status: string; info: { label: string }; steps: { step: number }[]; epochs: unknown[] }>;
}

function storeView(page: Page): Promise<StoreView> {
  return page.evaluate(() => {
    const { view, dataset, runs } = (window as unknown as { __mtaa: { store: { getState(): StoreView } } }).__mtaa.store.getState();
    return JSON.parse(JSON.stringify({ view, dataset, runs })) as StoreView;
  });
}

const card = (page: Page, runId: string) => page.locator(`[data-testid=run-card][data-run-id="${runId}"]`);

test('at 1440×900 Start, the progress and the live curves share the screen while a run trains', async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  await page.goto('/?testhooks&backend=wasm');
  await expect(page.getByTestId('backend-active')).toHaveText('wasm', { timeout: 60_000 });
  await dropFile(page, '[data-testid=drop-zone]', 'short.conllu', shortSentences(24));
  await expect(page.getByTestId('dataset-name')).toHaveText('short.conllu');
  await page.getByTestId('preset-select').selectOption('tiny');
  await setNumber(page, 'field-epochs', 60);
  await page.getByTestId('run-start').click();
  const first = card(page, 'run-1');
  await expect(first).toHaveAttribute('data-status', 'running');
  // A finished epoch: the score charts have points to draw.
  await expect.poll(async () => (await storeView(page)).runs['run-1']?.epochs.length ?? 0, { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
  const scoreChart = page.getByTestId('chart-score').first();
  await expect.poll(() => scoreChart.getByTestId('chart-dot').count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
  await expect(page.getByTestId('chart-loss').getByTestId('chart-line').first()).toHaveAttribute('d', /^M.*L/);

  // The page itself does not scroll: the side panel and the main pane scroll on their own, and
  // neither has been scrolled to reach these.
  const scroll = await page.evaluate(() => ({
    page: document.scrollingElement!.scrollHeight - window.innerHeight,
    y: window.scrollY,
    side: document.querySelector('[data-testid=training-panel]')!.scrollTop,
    main: document.querySelector('[data-testid=main-pane]')!.scrollTop,
  }));
  expect(scroll).toEqual({ page: 0, y: 0, side: 0, main: 0 });
  await expect(page.getByTestId('run-start')).toBeInViewport({ ratio: 1 });
  await expect(page.getByTestId('selected-run')).toHaveText('MTAA');
  await expect(page.getByTestId('selected-progress')).toBeInViewport({ ratio: 1 });
  await expect(scoreChart).toBeInViewport({ ratio: 1 });
  await expect(page.getByTestId('chart-loss')).toBeInViewport();
  // …and live: the progress moves while it is watched.
  // (By its percentage: an epoch of this tiny file is two batches, reported at its end, so the
  // batch text reads "batch 2/2" epoch after epoch.)
  const progress = page.getByTestId('selected-progress').getByTestId('run-progress');
  const before = Number(await progress.getAttribute('data-percent'));
  await expect.poll(async () => Number(await progress.getAttribute('data-percent')), { timeout: 20_000 }).toBeGreaterThan(before);
  await expect(first).toHaveAttribute('data-status', 'running');
  const shot = testInfo.outputPath('layout-1440x900.png');
  await page.screenshot({ path: shot });
  await testInfo.attach('layout-1440x900', { path: shot, contentType: 'image/png' });

  // The run says what it trained on: file, sentence count and short hash, on its card and beside the curves.
  const { dataset } = await storeView(page);
  const data = `short.conllu · 24 sentences · ${dataset!.hash!.slice(0, 8)}`;
  await expect(first.getByTestId('run-dataset')).toHaveText(`on ${data}`);
  await expect(page.getByTestId('charts-dataset')).toContainText(data);

  // The other views are tabs of the main pane: one shown at a time, by click or arrow keys.
  await showView(page, 'compare');
  await expect(page.getByTestId('charts-panel')).toBeHidden();
  await expect(page.getByTestId('compare-row')).toHaveCount(1);
  await expect(page.getByTestId('compare-settings')).toHaveText('preset tiny · epochs 60');
  await page.getByTestId('view-tab-compare').press('ArrowRight');
  await expect(page.getByTestId('view-inspector')).toBeVisible();
  await expect(page.getByTestId('view-tab-inspector')).toBeFocused();
  await expect(page.getByTestId('inspector-run').locator('option')).toHaveText([`MTAA — ${data}`]);
  expect((await storeView(page)).view).toBe('inspector');
  await showView(page, 'curves');

  // A second run of the same settings gets a name of its own.
  await page.getByTestId('run-stop').click();
  await expect(first).toHaveAttribute('data-status', 'stopped');
  await setNumber(page, 'field-epochs', 1);
  await page.getByTestId('run-start').click();
  const second = card(page, 'run-2');
  await expect(second.getByTestId('run-label')).toHaveText('MTAA 2');
  await expect(second).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });

  // Renamed on its card: another run's name is refused as it is typed; a new one is kept across a reload.
  await second.getByTestId('run-rename').click();
  const name = second.getByTestId('run-name-input');
  await name.fill('MTAA');
  await expect(second.getByTestId('run-rename-problem')).toHaveText('run-1 is already called "MTAA": run names are unique.');
  await name.fill('tiny on short sentences');
  await name.press('Enter');
  await expect(second.getByTestId('run-label')).toHaveText('tiny on short sentences');
  await expect(page.getByTestId('chart-loss').getByTestId('legend-run')).toHaveText(['MTAA', 'tiny on short sentences'], { timeout: 20_000 });
  await page.reload();
  await expect(card(page, 'run-2').getByTestId('run-label')).toHaveText('tiny on short sentences', { timeout: 60_000 });
  await expect(card(page, 'run-2').getByTestId('run-dataset')).toHaveText(`on ${data}`);

  // Paper terms explain themselves with their section, on hover (title) and on keyboard focus.
  const lambda1 = page.locator('[data-testid=paper-term][data-term=lambda1]').first();
  await expect(lambda1).toHaveAttribute('title', /^λ1 — .*\(paper §III-E, eq\. 12\)$/);
  await lambda1.focus();
  expect(await lambda1.evaluate((el) => getComputedStyle(el, '::after').content)).toContain('§III-E');
  await expect(page.locator('[data-testid=paper-term][data-term=taskDim]')).toHaveAttribute('title', /task dim k — .*§III-A/);
  await expect(page.getByTestId('field-adversary').locator('option[value=embedding]')).toHaveAttribute('title', /^E-ADV — .*§IV-E/);
});
