/**
 * Run ownership across tabs (issue 18): pages of ONE browser context share a profile (one IndexedDB,
 * one origin's Web Locks). A `tiny` run trains in tab A; tab B lists it as training in another tab
 * (not interrupted), follows its progress live and refuses Resume and Delete; a third tab likewise;
 * a run started in B meanwhile gets an id of its own. Closing tab A releases the run's lock: B then
 * has it as interrupted with its history up to its last stored record, and B's Resume trains it on
 * to the end. One tab runs a study's queue; another shows it as running there, starts none of it,
 * and takes it over when the first tab closes.
 *
 * The pages run with `?testhooks` (the store as `window.__mtaa`).
 */
import { expect, test, type Page } from '@playwright/test';
import { dropFile } from './dropFile.ts';
import { setNumber, shortSentences, showView } from './workbenchPage.ts';

interface RunView {
  status: string;
  elsewhere?: boolean;
  message?: string;
  steps: { step: number; epoch: number }[];
  epochs: { epoch: number }[];
}

async function runView(page: Page, runId: string): Promise<RunView> {
  const json = await page.evaluate((id) => {
    const hooks = (window as unknown as { __mtaa: { store: { getState(): { runs: Record<string, unknown> } } } }).__mtaa;
    return JSON.stringify(hooks.store.getState().runs[id] ?? null);
  }, runId);
  return (JSON.parse(json) as RunView | null) ?? { status: 'none', steps: [], epochs: [] };
}

const lastStep = async (page: Page, runId: string) => (await runView(page, runId)).steps.at(-1)?.step ?? 0;

async function openWorkbench(page: Page): Promise<void> {
  await page.goto('/?testhooks&backend=wasm');
  await expect(page.getByTestId('backend-active')).toHaveText('wasm', { timeout: 60_000 });
}

const card = (page: Page, runId: string) => page.locator(`[data-testid=run-card][data-run-id="${runId}"]`);

/** Pauses or resumes tab A's run: paused while other tabs open, so that it trains only while they watch. */
async function control(page: Page, action: 'pause' | 'resume'): Promise<void> {
  await card(page, 'run-1').getByTestId('run-label').click();
  await page.getByTestId(`run-${action}`).click();
  await expect(card(page, 'run-1')).toHaveAttribute('data-status', action === 'pause' ? 'paused' : 'running');
}

/** `page` sees tab A's run train on: A resumes it, the page's last step report moves on, A pauses it again. */
async function followsLive(a: Page, page: Page): Promise<void> {
  const seen = await lastStep(page, 'run-1');
  await control(a, 'resume');
  await expect(card(page, 'run-1')).toHaveAttribute('data-status', 'running', { timeout: 30_000 });
  await expect.poll(() => lastStep(page, 'run-1'), { timeout: 60_000 }).toBeGreaterThan(seen);
  await control(a, 'pause');
  await expect(card(page, 'run-1')).toHaveAttribute('data-status', 'paused', { timeout: 30_000 });
  // Each report once: those read from storage and those that came live do not overlap.
  const steps = (await runView(page, 'run-1')).steps.map((s) => s.step);
  expect(new Set(steps).size).toBe(steps.length);
}

/** Another tab's run as this tab shows it: marked, not interrupted, and every action on it refused with the reason. */
async function expectElsewhere(page: Page, runId: string): Promise<void> {
  const shown = card(page, runId);
  await expect(shown).toHaveAttribute('data-elsewhere', 'true', { timeout: 30_000 });
  await expect(shown.getByTestId('run-elsewhere')).toHaveText('training in another tab');
  await expect(shown).not.toHaveAttribute('data-status', 'interrupted');
  await shown.getByTestId('run-label').click();
  for (const control of ['run-resume', 'run-stop', 'run-pause']) {
    await expect(page.getByTestId(control)).toBeDisabled();
    await expect(page.getByTestId(control)).toHaveAttribute('title', /Another tab of this browser trains this/);
  }
  await expect(shown.getByTestId('run-delete')).toBeDisabled();
  await expect(shown.getByTestId('run-delete')).toHaveAttribute('title', /Another tab of this browser trains this/);
}

test('a run training in one tab is followed live in two others, refused there, and resumable there once its tab closes', async ({ context }) => {
  test.setTimeout(420_000);
  const a = await context.newPage();
  await openWorkbench(a);
  await dropFile(a, '[data-testid=drop-zone]', 'tabs.conllu', shortSentences(40));
  await expect(a.getByTestId('dataset-name')).toHaveText('tabs.conllu');
  await a.getByTestId('preset-select').selectOption('tiny');
  await setNumber(a, 'field-batchSize', 4);
  // Long enough that it cannot end while tabs B and C watch it train (on a loaded machine a watch
  // can last many epochs): a finished run has no Pause to press.
  await setNumber(a, 'field-epochs', 40);
  // Checkpoints by time every 100 ms of training, so a resume elsewhere starts close to where A was.
  await a.evaluate(() => (window as unknown as { __mtaa: { worker(): { setCheckpointInterval(ms: number): Promise<void> } } }).__mtaa.worker().setCheckpointInterval(100));
  await a.getByTestId('run-start').click();
  await expect(card(a, 'run-1')).toHaveAttribute('data-status', 'running');
  await expect.poll(() => lastStep(a, 'run-1'), { timeout: 60_000 }).toBeGreaterThan(0);
  // Paused, it is still A's (its lock held); it trains only while another tab watches.
  await control(a, 'pause');

  // Tab B: A's run is another tab's (paused there, not interrupted), its progress live.
  const b = await context.newPage();
  await openWorkbench(b);
  await expectElsewhere(b, 'run-1');
  await expect(card(b, 'run-1')).toHaveAttribute('data-status', 'paused');
  await followsLive(a, b);

  // A third tab likewise.
  const c = await context.newPage();
  await openWorkbench(c);
  await expectElsewhere(c, 'run-1');
  await followsLive(a, c);

  // A run started in B meanwhile has an id of its own; A and C follow it as B's.
  await b.getByTestId('preset-select').selectOption('tiny');
  await setNumber(b, 'field-epochs', 1);
  await b.getByTestId('run-start').click();
  await expect(b.getByTestId('run-card')).toHaveCount(2);
  const runIds = await b.getByTestId('run-card').evaluateAll((cards) => cards.map((el) => el.getAttribute('data-run-id')));
  const bRun = runIds.find((id) => id !== 'run-1')!;
  expect(bRun).toMatch(/^run-\d+$/);
  await expect(card(a, bRun)).toHaveAttribute('data-elsewhere', 'true', { timeout: 30_000 });
  await expect(card(b, bRun)).toHaveAttribute('data-status', 'completed', { timeout: 120_000 });
  // Finished in B: free everywhere (as completed), so A may act on it.
  await expect(card(a, bRun)).not.toHaveAttribute('data-elsewhere', 'true', { timeout: 30_000 });
  await expect(card(a, bRun)).toHaveAttribute('data-status', 'completed');

  // A's run is still paused and A's. The recorder writes a second after the last event; the page then closes as a user closes a tab.
  await a.waitForTimeout(1500);
  const before = await runView(a, 'run-1');
  await a.close();

  // In B (and C) without a reload: interrupted, its history as A left it, resumable.
  await expect(card(b, 'run-1')).not.toHaveAttribute('data-elsewhere', 'true', { timeout: 30_000 });
  await expect(card(b, 'run-1')).toHaveAttribute('data-status', 'interrupted');
  await expect(card(c, 'run-1')).toHaveAttribute('data-status', 'interrupted', { timeout: 30_000 });
  const freed = await runView(b, 'run-1');
  expect(freed.steps.map((s) => s.step)).toEqual(before.steps.map((s) => s.step));
  expect(freed.epochs.length).toBe(before.epochs.length);
  await card(b, 'run-1').getByTestId('run-label').click();
  await expect(b.getByTestId('run-resume')).toBeEnabled();
  await expect(card(b, 'run-1').getByTestId('run-delete')).toBeEnabled();
  await b.getByTestId('run-resume').click();
  await expect(card(b, 'run-1')).toHaveAttribute('data-status', 'running');
  // Now B's: C follows it from B and refuses to resume it.
  await expect(card(c, 'run-1')).toHaveAttribute('data-elsewhere', 'true', { timeout: 30_000 });
  await card(c, 'run-1').getByTestId('run-label').click();
  await expect(c.getByTestId('run-resume')).toBeDisabled();
  await expect(card(b, 'run-1')).toHaveAttribute('data-status', 'completed', { timeout: 180_000 });
  const done = await runView(b, 'run-1');
  expect(done.epochs.at(-1)?.epoch).toBe(40);
  // Each step once, in order: resumed from the checkpoint, not trained twice.
  const steps = done.steps.map((s) => s.step);
  expect(steps).toEqual([...new Set(steps)].sort((x, y) => x - y));
  await expect(card(c, 'run-1')).toHaveAttribute('data-status', 'completed', { timeout: 30_000 });
  await b.screenshot({ path: 'e2e-artifacts/tabs-resumed-in-b.png', fullPage: true });
});

async function chooseConfigs(page: Page, names: string[]): Promise<void> {
  await showView(page, 'study');
  for (const box of await page.locator('[data-testid^=study-config-]').all()) {
    const name = (await box.getAttribute('data-testid'))!.slice('study-config-'.length);
    await box.setChecked(names.includes(name));
  }
}

const item = (page: Page, config: string) => page.locator(`[data-testid=study-item][data-config="${config}"]`);

test("one tab runs a study's queue; another shows it as running there, starts none of it, and takes it over when the first closes", async ({ context }) => {
  test.setTimeout(240_000);
  const a = await context.newPage();
  await openWorkbench(a);
  await dropFile(a, '[data-testid=drop-zone]', 'study.conllu', shortSentences(16));
  await expect(a.getByTestId('dataset-name')).toHaveText('study.conllu');
  await a.getByTestId('preset-select').selectOption('tiny');
  // Long runs: the journey stops them by hand.
  await setNumber(a, 'field-epochs', 400);
  await chooseConfigs(a, ['MTAA', 'base']);
  await a.getByTestId('study-start').click();
  await expect(item(a, 'MTAA')).toHaveAttribute('data-status', 'running');

  const b = await context.newPage();
  await openWorkbench(b);
  await showView(b, 'study');
  await expect(b.getByTestId('study-elsewhere')).toBeVisible({ timeout: 30_000 });
  await expect(b.getByTestId('study-start')).toBeDisabled();
  await expect(b.getByTestId('study-cancel-all')).toBeDisabled();
  await expect(item(b, 'MTAA')).toHaveAttribute('data-status', 'running');
  await expect(item(b, 'base')).toHaveAttribute('data-status', 'queued');

  // A's first run stops: A's queue moves on to `base`, and B follows it there.
  await card(a, 'run-1').getByTestId('run-label').click();
  await a.getByTestId('run-stop').click();
  await expect(item(a, 'base')).toHaveAttribute('data-status', 'running', { timeout: 30_000 });
  const baseRun = (await item(a, 'base').getAttribute('data-run-id'))!;
  await expect(item(b, 'MTAA')).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
  await expect(item(b, 'base')).toHaveAttribute('data-status', 'running');
  await expect(item(b, 'base')).toHaveAttribute('data-run-id', baseRun);
  // B started nothing: its two runs are A's, and A has no run of another tab.
  await expect(b.getByTestId('run-card')).toHaveCount(2);
  await expect(card(b, baseRun)).toHaveAttribute('data-elsewhere', 'true', { timeout: 30_000 });
  await expect(a.locator('[data-testid=run-card][data-elsewhere=true]')).toHaveCount(0);

  // A closes: the study is B's now, its running item's run interrupted there and resumable.
  await a.waitForTimeout(1500);
  await a.close();
  await expect(b.getByTestId('study-elsewhere')).toHaveCount(0, { timeout: 30_000 });
  await expect(card(b, baseRun)).toHaveAttribute('data-status', 'interrupted', { timeout: 30_000 });
  await expect(b.getByTestId('study-cancel-all')).toBeEnabled();
  await expect(item(b, 'base')).toHaveAttribute('data-status', 'running');
});
