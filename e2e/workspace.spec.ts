/**
 * The workspace archive between two fresh browser profiles (issue 18): a `tiny` run trained in one
 * context is exported as one workspace .zip and imported into a second, fresh context, where the
 * run, its curves and its model appear and tag text identically; importing it again duplicates
 * nothing; a truncated copy is refused naming the archive, with nothing changed; after a reload the
 * imported run and the kept dataset are there. And the storage box: persistence asked for when the
 * first run is saved (granted or not, said), the space per run and in total against the quota.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { dropFile } from './dropFile.ts';
import { setNumber, shortSentences, showView } from './workbenchPage.ts';

const QUERY = '?testhooks&backend=wasm';

interface StoreView {
  order: string[];
  runs: Record<string, { status: string; notes?: string; info: { label: string }; epochs: { epoch: number; devScore: number }[] }>;
  restored: boolean;
  dataset: { name: string } | null;
}

function storeView(page: Page): Promise<StoreView> {
  return page.evaluate(() => {
    const { order, runs, restored, dataset } = (window as unknown as { __mtaa: { store: { getState(): StoreView } } }).__mtaa.store.getState();
    return JSON.parse(JSON.stringify({ order, runs, restored, dataset })) as StoreView;
  });
}

async function openWorkbench(page: Page): Promise<void> {
  await page.goto(`/${QUERY}`);
  await expect(page.getByTestId('dataset-name')).toHaveText('en_ewt-ud-sample.conllu');
  await expect(page.getByTestId('backend-active')).toHaveText('wasm', { timeout: 60_000 });
  await expect.poll(async () => (await storeView(page)).restored, { timeout: 60_000 }).toBe(true);
}

const card = (page: Page, runId: string) => page.locator(`[data-testid=run-card][data-run-id="${runId}"]`);

async function tagAll(page: Page, runId: string, text: string): Promise<string[][][]> {
  await showView(page, 'tagText');
  await page.getByTestId('tag-run').selectOption(runId);
  await page.getByTestId('tag-input').fill(text);
  await page.getByTestId('tag-submit').click();
  const sentences = page.getByTestId('tagged-sentence');
  await expect(sentences).toHaveCount(text.split('\n').filter((l) => l.trim()).length);
  return sentences.evaluateAll((els) =>
    els.map((s) => Array.from(s.querySelectorAll('[data-testid=tagged-line]'), (l) => (l.getAttribute('data-tags') ?? '').split(' '))),
  );
}

async function importArchive(page: Page, name: string, bytes: Buffer): Promise<void> {
  await page.getByTestId('workspace-file').setInputFiles({ name, mimeType: 'application/zip', buffer: bytes });
}

test('a workspace moves to a fresh profile: the run, its curves and its model come back; a second import adds nothing; a truncated copy is refused', async ({ browser }) => {
  test.setTimeout(240_000);
  const text = 'The cat sat on the mat .\nWhere is it ?';

  const first = await browser.newContext();
  const page = await first.newPage();
  await openWorkbench(page);
  // Nothing saved yet: persistence not asked for at page load.
  await expect(page.getByTestId('storage-persistence')).toHaveAttribute('data-asked', 'false');
  await dropFile(page, '[data-testid=drop-zone]', 'short.conllu', shortSentences(24));
  await expect(page.getByTestId('dataset-name')).toHaveText('short.conllu');
  await page.getByTestId('preset-select').selectOption('tiny');
  await setNumber(page, 'field-epochs', 2);
  await page.getByTestId('run-start').click();
  await expect(card(page, 'run-1')).toHaveAttribute('data-status', 'completed', { timeout: 90_000 });
  await card(page, 'run-1').getByTestId('run-notes').fill('moved between profiles');
  await card(page, 'run-1').getByTestId('run-notes').blur();

  // The storage box: asked once a dataset and a run were saved; granted or not, it says which.
  const persistence = page.getByTestId('storage-persistence');
  await expect(persistence).toHaveAttribute('data-asked', 'true');
  const persisted = await persistence.getAttribute('data-persisted');
  await expect(persistence).toContainText(persisted === 'true' ? 'kept in this browser until you delete them' : 'the browser may evict them under storage pressure');
  const size = card(page, 'run-1').getByTestId('run-storage-size');
  await expect(size).toContainText('checkpoints');
  expect(Number(await size.getAttribute('data-bytes'))).toBeGreaterThan(10_000);
  const total = page.getByTestId('storage-total');
  await expect(total).toContainText('1 run and 1 dataset take');
  expect(Number(await total.getAttribute('data-total'))).toBeGreaterThan(Number(await size.getAttribute('data-bytes')));
  expect(Number(await total.getAttribute('data-quota'))).toBeGreaterThan(0);

  const before = await tagAll(page, 'run-1', text);
  await showView(page, 'curves');
  const curves = page.locator('[data-testid=chart-line][data-series="run-1"]');
  await expect.poll(() => curves.count()).toBeGreaterThan(3);
  const curveCount = await curves.count();
  const epochs = (await storeView(page)).runs['run-1']!.epochs.map((e) => [e.epoch, e.devScore]);
  expect(epochs).toHaveLength(2);

  const download = page.waitForEvent('download');
  await page.getByTestId('export-workspace').click();
  const saved = await download;
  expect(saved.suggestedFilename()).toMatch(/^mtaa-workspace-\d{4}-\d{2}-\d{2}\.zip$/);
  const zip = readFileSync(await saved.path());
  await expect(page.getByTestId('workspace-message')).toContainText('Exported 1 run with its data as mtaa-workspace-');
  await page.getByTestId('workspace-storage').screenshot({ path: 'e2e-artifacts/workspace-storage.png' });

  // A second, fresh profile: empty storage, the sample.
  const second = await browser.newContext();
  const other = await second.newPage();
  await openWorkbench(other);
  await expect(other.getByTestId('run-card')).toHaveCount(0);
  await importArchive(other, 'workspace.zip', zip);
  await expect(other.getByTestId('workspace-message')).toContainText('Imported 1 run from workspace.zip');
  const moved = card(other, 'run-1');
  await expect(moved).toHaveAttribute('data-status', 'completed');
  await expect(moved.getByTestId('run-label')).toHaveText('MTAA');
  const view = await storeView(other);
  expect(view.runs['run-1']!.epochs.map((e) => [e.epoch, e.devScore])).toEqual(epochs);
  expect(view.runs['run-1']!.notes).toBe('moved between profiles');
  // Its curves: the same charts draw a line for it as in the first profile.
  await showView(other, 'curves');
  await expect(other.locator('[data-testid=chart-line][data-series="run-1"]')).toHaveCount(curveCount);
  expect(await tagAll(other, 'run-1', text)).toEqual(before);
  await expect(moved.getByTestId('run-storage-size')).toContainText('checkpoints');

  // Again: same content, nothing added.
  await importArchive(other, 'workspace.zip', zip);
  await expect(other.getByTestId('workspace-message')).toContainText('Imported 0 runs from workspace.zip; 1 already here (same content) skipped: MTAA');
  await expect(other.getByTestId('run-card')).toHaveCount(1);

  // A truncated copy: refused, naming the archive; nothing changes.
  await importArchive(other, 'truncated.zip', zip.subarray(0, Math.floor(zip.length * 0.7)));
  const refusal = other.getByTestId('workspace-message');
  await expect(refusal).toHaveAttribute('data-kind', 'error');
  await expect(refusal).toContainText('truncated.zip: archive: not a readable zip archive');
  await expect(refusal).toContainText('Nothing was imported.');
  await expect(other.getByTestId('run-card')).toHaveCount(1);
  expect((await storeView(other)).runs).toEqual(view.runs);

  // After a reload: the imported run is kept, and so is the dataset it came with (none was kept here).
  await other.waitForTimeout(1200);
  await other.reload();
  await expect.poll(async () => (await storeView(other)).restored, { timeout: 60_000 }).toBe(true);
  await expect(card(other, 'run-1')).toHaveAttribute('data-status', 'completed');
  await expect(other.getByTestId('dataset-name')).toHaveText('short.conllu');
  expect(await tagAll(other, 'run-1', text)).toEqual(before);
  await first.close();
  await second.close();
});
