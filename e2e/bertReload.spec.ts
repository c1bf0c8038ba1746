/**
 * A BERT run survives a reload (issue 17), with the tiny random checkpoint the test writes itself
 * (src/train/bert/bertFixture.ts): a `tiny` + BERT run reloaded while it trains is `interrupted`,
 * to resume from its last checkpoint by time (mid-epoch); before its checkpoint is dropped again, its inspector shows β from its stored features and
 * the tag-text view names the checkpoint to drop; Resume trains it to the end on the features kept
 * in IndexedDB (no `bert-progress` event: nothing is featurised again); once the checkpoint is
 * dropped again, a typed sentence gets the same tags as the worker's inspection of that dev sentence.
 */
import { zipSync } from 'fflate';
import { expect, test, type Page } from '@playwright/test';
import { randomBertFiles } from '../src/train/bert/bertFixture.ts';
import { dropFile } from './dropFile.ts';
import { setNumber, shortSentences, showView } from './workbenchPage.ts';

interface StepView {
  epoch: number;
  step: number;
}
interface RunView {
  status: string;
  info: { label: string; bert?: { checkpoint: string; hash: string } };
  steps: StepView[];
  epochs: { epoch: number; train: { total: number } }[];
}
interface PageView {
  bertProgressEvents: number;
  bert: { hash: string } | null;
  run: RunView | null;
}

function view(page: Page): Promise<PageView> {
  return page.evaluate(() => {
    const { bertProgressEvents, bert, runs } = (window as unknown as { __mtaa: { store: { getState(): { bertProgressEvents: number; bert: unknown; runs: Record<string, unknown> } } } }).__mtaa.store.getState();
    return JSON.parse(JSON.stringify({ bertProgressEvents, bert, run: runs['run-1'] ?? null })) as PageView;
  });
}

const card = (page: Page) => page.locator('[data-testid=run-card][data-run-id="run-1"]');

test('a BERT run: interrupted by a reload, resumed on its stored features to the end, and it tags typed text once its checkpoint is dropped again', async ({ page }) => {
  test.setTimeout(240_000);
  const files = randomBertFiles();
  const zip = { name: 'tiny-bert.zip', mimeType: 'application/zip', buffer: Buffer.from(zipSync(Object.fromEntries([...files].map(([n, b]) => [`tiny-bert/${n}`, b])))) };

  await page.goto('/?testhooks&backend=wasm');
  await expect(page.getByTestId('backend-active')).toHaveText('wasm', { timeout: 60_000 });
  await dropFile(page, '[data-testid=drop-zone]', 'short.conllu', shortSentences(100));
  await expect(page.getByTestId('dataset-name')).toHaveText('short.conllu');
  await page.getByTestId('preset-select').selectOption('tiny');
  await setNumber(page, 'field-batchSize', 2);
  await setNumber(page, 'field-epochs', 3);
  await page.getByTestId('bert-zip-input').setInputFiles(zip);
  await expect(page.getByTestId('bert-features')).toHaveAttribute('data-from-cache', 'false');
  await expect(page.getByTestId('bert-use')).toBeChecked();
  // Checkpoints by time every 100 ms of training (a minute by default): the reload then interrupts it mid-epoch.
  await page.evaluate(() => (window as unknown as { __mtaa: { worker(): { setCheckpointInterval(ms: number): Promise<void> } } }).__mtaa.worker().setCheckpointInterval(100));
  await page.getByTestId('run-start').click();
  await expect.poll(async () => (await view(page)).run?.steps.at(-1)?.step ?? 0, { timeout: 60_000, intervals: [50] }).toBeGreaterThanOrEqual(10);
  const before = (await view(page)).run!;
  expect(before.status).toBe('running');
  expect(before.info.bert?.checkpoint).toBe('tiny-bert.zip');

  await page.reload();
  await expect(card(page)).toHaveAttribute('data-status', 'interrupted', { timeout: 60_000 });
  // Its checkpoint was kept: Resume continues inside an epoch, not from the start.
  await expect(card(page).getByTestId('run-message')).toContainText(/Resume continues from batch [1-9]\d* of epoch \d/);
  expect(await view(page)).toMatchObject({ bertProgressEvents: 0, bert: null });

  // Tag text names the checkpoint to drop, and will not tag without it.
  await showView(page, 'tagText');
  await expect(page.getByTestId('tag-run')).toHaveValue('run-1');
  await expect(page.getByTestId('tag-bert-needed')).toHaveText(
    `No BERT checkpoint is loaded in this session: ${before.info.label} was trained with the features of "tiny-bert.zip". Drop "tiny-bert.zip" (its folder or zip) on the BERT panel to tag text with it.`,
  );
  await page.getByTestId('tag-input').fill('the cat sat');
  await expect(page.getByTestId('tag-submit')).toBeDisabled();

  // The inspector: the restored run's dev sentences and β per token, from its stored features.
  await showView(page, 'inspector');
  const inspector = page.getByTestId('inspector-panel');
  await expect(inspector.getByTestId('inspector-run')).toHaveValue('run-1');
  await expect(inspector.getByTestId('inspector-sentences').locator('option[value]').first()).toBeAttached({ timeout: 30_000 });
  await expect(inspector.getByTestId('inspector-sentences-error')).toHaveCount(0);
  await inspector.getByTestId('inspector-sentences').selectOption({ index: 0 });
  await expect(inspector.getByTestId('beta-row').first()).toBeAttached({ timeout: 30_000 });
  await expect(inspector.getByTestId('inspector-error')).toHaveCount(0);

  // Resume: on to the end, on the features read back from IndexedDB (none computed).
  await card(page).getByTestId('run-label').click();
  await page.getByTestId('run-resume').click();
  await expect.poll(async () => (await view(page)).run?.status, { timeout: 120_000 }).toBe('completed');
  const after = await view(page);
  expect(after.bertProgressEvents).toBe(0);
  expect(after.run!.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
  // Each step once: what was trained after the checkpoint and again after the resume is not doubled.
  const steps = after.run!.steps.map((s) => s.step);
  expect(new Set(steps).size).toBe(steps.length);
  expect(after.run!.epochs.every((e) => Number.isFinite(e.train.total))).toBe(true);
  expect(after.run!.steps.at(-1)!.step).toBeGreaterThan(before.steps.at(-1)!.step);

  // The checkpoint dropped again: its features of this dataset come from IndexedDB, and typed text is tagged.
  await page.getByTestId('bert-zip-input').setInputFiles(zip);
  await expect(page.getByTestId('bert-features')).toHaveAttribute('data-from-cache', 'true');
  expect((await view(page)).bertProgressEvents).toBe(0);
  const expected = await page.evaluate(async () => {
    const worker = (window as unknown as { __mtaa: { worker(): { devSentences(limit: number, runId: string): Promise<{ text: string }[]>; inspectSentence(runId: string, request: { devIndex: number }): Promise<{ tasks: { task: string; predicted: string[] }[] }> } } }).__mtaa.worker();
    const [first] = await worker.devSentences(1, 'run-1');
    const inspection = await worker.inspectSentence('run-1', { devIndex: 0 });
    return { text: first!.text, tags: inspection.tasks.map((t) => [t.task, t.predicted.join(' ')]) };
  });
  await showView(page, 'tagText');
  await expect(page.getByTestId('tag-bert-needed')).toHaveCount(0);
  await page.getByTestId('tag-input').fill(expected.text);
  await page.getByTestId('tag-submit').click();
  await expect(page.getByTestId('tagged-sentence')).toHaveCount(1, { timeout: 30_000 });
  await expect(page.getByTestId('tag-error')).toHaveCount(0);
  // The typed sentence's features (computed now) are its stored ones: the same tags as the dev sentence's.
  const lines = page.getByTestId('tagged-line');
  const shown = await lines.evaluateAll((els) => els.map((el) => [el.getAttribute('data-task') ?? '', el.getAttribute('data-tags') ?? '']));
  expect(shown).toEqual(expected.tags);

  // Its exported model still exports.
  const [download] = await Promise.all([page.waitForEvent('download'), card(page).getByTestId('export-model').click()]);
  expect(download.suggestedFilename()).toMatch(/\.zip$/);
});
