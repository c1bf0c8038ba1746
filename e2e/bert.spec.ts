/**
 * BERT features in the page (issue 17), with a tiny random checkpoint the test writes itself
 * (src/train/bert/bertFixture.ts: 2 layers, hidden 32, a 50-piece vocabulary): a mismatched
 * checkpoint is refused naming the file and the tensor; the checkpoint's files dropped on the BERT
 * panel are read in the worker, the dataset's features computed with progress, and a tiny run with
 * BERT on trains an epoch; after a reload the same checkpoint (now as a zip) finds its features in
 * IndexedDB: no progress event, nothing recomputed.
 */
import { zipSync } from 'fflate';
import { expect, test, type Page } from '@playwright/test';
import { TINY_BERT, randomBertFiles } from '../src/train/bert/bertFixture.ts';
import { dropFile } from './dropFile.ts';
import { setNumber, shortSentences } from './workbenchPage.ts';

const QUERY = '?testhooks&backend=wasm';

interface BertView {
  bertProgressEvents: number;
  bert: { hiddenSize: number; features: { fromCache: boolean; sentences: number; dim: number } | null } | null;
  runs: Record<string, { status: string; info: { config: { model: { embedding: { bert?: { hiddenSize: number } } } } }; epochs: { epoch: number; train: { total: number } }[] }>;
}

function view(page: Page): Promise<BertView> {
  return page.evaluate(() => {
    const { bertProgressEvents, bert, runs } = (window as unknown as { __mtaa: { store: { getState(): BertView } } }).__mtaa.store.getState();
    return JSON.parse(JSON.stringify({ bertProgressEvents, bert, runs })) as BertView;
  });
}

/** Drops several files at once on an element (a real `drop` DragEvent), as a folder's files are dropped. */
async function dropFiles(page: Page, selector: string, files: Map<string, Uint8Array>): Promise<void> {
  const payload = [...files].map(([name, bytes]) => ({ name, base64: Buffer.from(bytes).toString('base64') }));
  const dataTransfer = await page.evaluateHandle((list) => {
    const transfer = new DataTransfer();
    for (const { name, base64 } of list) {
      const binary = atob(base64);
      const bytes = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
      transfer.items.add(new File([bytes], name));
    }
    return transfer;
  }, payload);
  await page.dispatchEvent(selector, 'dragover', { dataTransfer });
  await page.dispatchEvent(selector, 'drop', { dataTransfer });
}

async function openWithShortData(page: Page, data: string): Promise<void> {
  await page.goto(`/${QUERY}`);
  await expect(page.getByTestId('backend-active')).toHaveText('wasm', { timeout: 60_000 });
  await dropFile(page, '[data-testid=drop-zone]', 'short.conllu', data);
  await expect(page.getByTestId('dataset-name')).toHaveText('short.conllu');
  await page.getByTestId('preset-select').selectOption('tiny');
}

test('a dropped BERT checkpoint: features computed once with progress, a run trains on them, a reload reads them from IndexedDB', async ({ page }) => {
  test.setTimeout(90_000);
  const data = shortSentences(24);
  const files = randomBertFiles();
  await openWithShortData(page, data);
  await setNumber(page, 'field-epochs', 1);

  // A checkpoint whose weights do not match its config.json is refused, naming file and tensor.
  const mismatched = new Map(files);
  mismatched.set('model.safetensors', randomBertFiles({ ...TINY_BERT, intermediateSize: 48 }).get('model.safetensors')!);
  await dropFiles(page, '[data-testid=bert-panel]', mismatched);
  await expect(page.getByTestId('bert-error')).toContainText('model.safetensors: bert.encoder.layer.0.intermediate.dense.weight: has shape [48, 32] but config.json calls for [64, 32]');
  expect((await view(page)).bert).toBeNull();
  await page.getByTestId('bert-error').getByRole('button', { name: 'Dismiss error' }).click();

  await dropFiles(page, '[data-testid=bert-panel]', files);
  await expect(page.getByTestId('bert-info')).toHaveAttribute('data-hidden', '32');
  await expect(page.getByTestId('bert-features')).toHaveAttribute('data-from-cache', 'false');
  const computed = await view(page);
  expect(computed.bertProgressEvents).toBeGreaterThan(0);
  expect(computed.bert!.features!.dim).toBe(32);
  await expect(page.getByTestId('bert-use')).toBeChecked();

  await page.getByTestId('run-start').click();
  await expect.poll(async () => (await view(page)).runs['run-1']?.status, { timeout: 45_000 }).toBe('completed');
  const run = (await view(page)).runs['run-1']!;
  expect(run.info.config.model.embedding.bert?.hiddenSize).toBe(32);
  expect(run.epochs).toHaveLength(1);
  expect(Number.isFinite(run.epochs[0]!.train.total)).toBe(true);

  // Reload: the same data and the same checkpoint (as a zip this time) find the features in IndexedDB.
  await page.reload();
  await openWithShortData(page, data);
  await page.getByTestId('bert-zip-input').setInputFiles({ name: 'tiny-bert.zip', mimeType: 'application/zip', buffer: Buffer.from(zipSync(Object.fromEntries([...files].map(([n, b]) => [`tiny-bert/${n}`, b])))) });
  await expect(page.getByTestId('bert-features')).toHaveAttribute('data-from-cache', 'true');
  const cached = await view(page);
  expect(cached.bertProgressEvents).toBe(0);
  expect(cached.bert!.features!.sentences).toBe(computed.bert!.features!.sentences);
  await expect(page.getByTestId('bert-features')).toContainText('read from IndexedDB');
});
