/**
 * Nothing lost on reload (issue 15): the dropped dataset, a file added to it and the test file come
 * back after a reload (a bad file in between keeps them); a run interrupted by a reload mid-epoch
 * lists its dev sentences in the inspector before it resumes, resumes at the batch of its last
 * checkpoint by time (not at the epoch's start), and its metrics CSV holds each step once.
 *
 * The page runs with `?testhooks` (the store as `window.__mtaa`); each test has a fresh browser
 * context, so IndexedDB starts empty.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { dropFile } from './dropFile.ts';
import { setNumber, shortSentences } from './workbenchPage.ts';

const artifact = (name: string) => `e2e-artifacts/${name}.png`;

interface StepView {
  epoch: number;
  batch: number;
  batches: number;
  step: number;
}
interface RunView {
  status: string;
  message?: string;
  steps: StepView[];
}

/** What the page holds of the dataset and the test file. */
function datasetView(page: Page): Promise<unknown> {
  return page.evaluate(() => {
    const state = (window as unknown as { __mtaa: { store: { getState(): { dataset: unknown; testFile: unknown } } } }).__mtaa.store.getState();
    return JSON.parse(JSON.stringify({ dataset: state.dataset, testFile: state.testFile })) as unknown;
  });
}

async function run1(page: Page): Promise<RunView> {
  const run = await page.evaluate(() => {
    const hooks = (window as unknown as { __mtaa: { store: { getState(): { runs: Record<string, unknown> } } } }).__mtaa;
    return JSON.stringify(hooks.store.getState().runs['run-1'] ?? null);
  });
  return (JSON.parse(run) as RunView | null) ?? { status: 'none', steps: [] };
}

async function openWorkbench(page: Page): Promise<void> {
  await page.goto('/?testhooks&backend=wasm');
  await expect(page.getByTestId('dataset-name')).toHaveText('en_ewt-ud-sample.conllu');
  await expect(page.getByTestId('backend-active')).toHaveText('wasm', { timeout: 60_000 });
}

const conllu = (name: string, text: string) => ({ name, mimeType: 'text/plain', buffer: Buffer.from(text) });
const card = (page: Page) => page.locator('[data-testid=run-card][data-run-id="run-1"]');

test('the dropped dataset, an added file and the test file come back after a reload; a bad file in between keeps them', async ({ page }) => {
  await openWorkbench(page);
  await dropFile(page, '[data-testid=drop-zone]', 'short.conllu', shortSentences(24));
  await expect(page.getByTestId('dataset-name')).toHaveText('short.conllu');
  await page.getByTestId('add-file-input').setInputFiles(conllu('more.conllu', shortSentences(12, 40)));
  await expect(page.getByTestId('dataset-name')).toHaveText('short.conllu + more.conllu');
  await page.getByTestId('test-file-input').setInputFiles(conllu('held-out.conllu', shortSentences(10, 80)));
  await expect(page.getByTestId('test-file-name')).toHaveText('held-out.conllu');
  const before = await datasetView(page);

  // A bad file is refused: the dataset and its test file stay, here and in storage.
  await dropFile(page, '[data-testid=drop-zone]', 'broken.conll', 'EU NNP I-NP I-ORG\nrejects VBZ I-VP O\nGerman JJ\n\n');
  await expect(page.getByTestId('load-error')).toContainText('broken.conll');
  await expect(page.getByTestId('dataset-name')).toHaveText('short.conllu + more.conllu');

  await page.reload();
  await expect(page.getByTestId('dataset-name')).toHaveText('short.conllu + more.conllu', { timeout: 60_000 });
  await expect(page.getByTestId('test-file-name')).toHaveText('held-out.conllu');
  await expect(page.getByTestId('load-error')).toHaveCount(0);
  // The same data: name, hash (of both files), sentences, tasks, columns, and the same test file.
  expect(await datasetView(page)).toEqual(before);
  await expect(page.getByTestId('run-start')).toContainText('short.conllu + more.conllu');
  // Before any run the inspector lists the reloaded dataset's dev sentences.
  await expect(page.getByTestId('inspector-sentences').locator('option[value]').first()).toBeAttached();
  await page.screenshot({ path: artifact('reload-dataset'), fullPage: true });
});

test('a run interrupted by a reload mid-epoch lists its dev sentences, resumes at its batch, and its CSV has each step once', async ({ page }) => {
  test.setTimeout(240_000);
  await openWorkbench(page);
  // ~160 training sentences at batch size 1: about 160 batches an epoch.
  await dropFile(page, '[data-testid=drop-zone]', 'long.conllu', shortSentences(180));
  await expect(page.getByTestId('dataset-name')).toHaveText('long.conllu');
  await page.getByTestId('preset-select').selectOption('tiny');
  await setNumber(page, 'field-batchSize', 1);
  await setNumber(page, 'field-epochs', 3);
  // Checkpoints by time every 100 ms of training (a minute by default), so the test need not wait a minute.
  await page.evaluate(() => (window as unknown as { __mtaa: { worker(): { setCheckpointInterval(ms: number): Promise<void> } } }).__mtaa.worker().setCheckpointInterval(100));
  await page.getByTestId('run-start').click();
  // Well inside an epoch, with checkpoints by time behind it: pause (no checkpoint is taken while paused).
  await expect
    .poll(async () => {
      const last = (await run1(page)).steps.at(-1);
      return last !== undefined && last.batch >= 40 && last.batch <= last.batches - 60;
    }, { timeout: 120_000, intervals: [50] })
    .toBe(true);
  await card(page).getByTestId('run-label').click();
  await page.getByTestId('run-pause').click();
  await expect(card(page)).toHaveAttribute('data-status', 'paused');
  // Let the recorder write the events since its last flush (every second; checkpoints at once).
  await page.waitForTimeout(1500);
  const before = await run1(page);

  await page.reload();
  await expect(card(page)).toHaveAttribute('data-status', 'interrupted', { timeout: 60_000 });
  const message = (await card(page).getByTestId('run-message').textContent()) ?? '';
  const [, batchText, epochText] = /Resume continues from batch (\d+) of epoch (\d+)/.exec(message) ?? [];
  expect(batchText, message).toBeDefined();
  const batch = Number(batchText);
  const epoch = Number(epochText);
  expect(batch).toBeGreaterThan(0);

  // The inspector lists the restored run's dev sentences (from its stored dataset), before any resume.
  const inspector = page.getByTestId('inspector-panel');
  await expect(inspector.getByTestId('inspector-run')).toHaveValue('run-1');
  await expect(inspector.getByTestId('inspector-sentences').locator('option[value]').first()).toBeAttached({ timeout: 30_000 });
  await expect(inspector.getByTestId('inspector-sentences-error')).toHaveCount(0);
  await expect(inspector.getByTestId('inspector-no-sentences')).toHaveCount(0);

  await card(page).getByTestId('run-label').click();
  await page.getByTestId('run-resume').click();
  await expect(card(page)).toHaveAttribute('data-status', 'running');
  // The message's epoch is the one under way (1-based), as step reports count it.
  const checkpointStep = (epoch - 1) * before.steps.at(-1)!.batches + batch;
  await expect.poll(async () => (await run1(page)).steps.some((s) => s.step > checkpointStep), { timeout: 60_000 }).toBe(true);
  const after = await run1(page);
  // Nothing up to the checkpoint was trained again: the reports up to it are the ones from before.
  expect(after.steps.filter((s) => s.step <= checkpointStep)).toEqual(before.steps.filter((s) => s.step <= checkpointStep));
  // The first report after the resume is in the same epoch, past the checkpoint's batch.
  const first = after.steps.find((s) => s.step > checkpointStep)!;
  expect(first.epoch).toBe(epoch);
  expect(first.batch).toBeGreaterThan(batch);
  await page.screenshot({ path: artifact('reload-resumed-mid-epoch'), fullPage: true });
  await page.getByTestId('run-stop').click();
  await expect(card(page)).toHaveAttribute('data-status', 'stopped');

  // The metrics CSV: each step once, in order, and λ2 on every step row.
  const [download] = await Promise.all([page.waitForEvent('download'), card(page).getByTestId('export-csv').click()]);
  const csvPath = 'test-results/reload/metrics.csv';
  await download.saveAs(csvPath);
  const [header, ...rows] = readFileSync(csvPath, 'utf8').trimEnd().split('\r\n').map((line) => line.split(','));
  const column = (name: string) => header!.indexOf(name);
  const stepRows = rows.filter((row) => row[column('kind')] === 'step');
  const steps = stepRows.map((row) => Number(row[column('step')]));
  expect(steps.length).toBeGreaterThan(2);
  expect(new Set(steps).size).toBe(steps.length);
  expect(steps).toEqual([...steps].sort((a, b) => a - b));
  expect(stepRows.every((row) => row[column('lambda_orth')] !== '')).toBe(true);
});
