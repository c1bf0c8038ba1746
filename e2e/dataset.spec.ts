import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { dropFile } from './dropFile.ts';
import { showView } from './workbenchPage.ts';

const shared = (path: string) => fileURLToPath(new URL(`../../shared/data/${path}`, import.meta.url));
const artifact = (name: string) => `e2e-artifacts/${name}.png`;

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('dataset-name')).toHaveText('en_ewt-ud-sample.conllu');
});

test('opens with the built-in UD EWT sample and its three tasks', async ({ page }) => {
  await expect(page.getByTestId('dataset-format')).toHaveText('CoNLL-U');
  await expect(page.getByTestId('dataset-sentences')).toHaveText('600');
  await expect(page.getByTestId('dataset-tokens')).toHaveText('8,761');
  const tasks = page.getByTestId('task-card');
  await expect(tasks).toHaveCount(3);
  await expect(tasks.nth(0)).toHaveAttribute('data-task', 'UPOS');
  await expect(tasks.nth(1)).toHaveAttribute('data-task', 'XPOS');
  await expect(tasks.nth(2)).toHaveAttribute('data-task', 'DEPREL');
  await expect(tasks.nth(0).getByTestId('task-tag-count')).toHaveText('17');
  await showView(page, 'data');
  await expect(tasks.nth(0)).toBeVisible();
  await page.screenshot({ path: artifact('sample-loaded'), fullPage: true });
});

test('dropping CoNLL-2003 dev detects word, POS, chunk and NER with the true counts', async ({ page }) => {
  await dropFile(page, '[data-testid=drop-zone]', 'eng.testa', readFileSync(shared('conll2003/eng.testa')));
  await expect(page.getByTestId('dataset-name')).toHaveText('eng.testa');
  await expect(page.getByTestId('dataset-sentences')).toHaveText('3,250');
  await expect(page.getByTestId('dataset-tokens')).toHaveText('51,362');
  await expect(page.getByTestId('dataset-docstarts')).toHaveText('216');

  const columns = page.getByTestId('column-row');
  await expect(columns).toHaveCount(4);
  const roles = await columns.evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-role')}:${r.getAttribute('data-name')}`));
  expect(roles[0]).toMatch(/^word:/);
  expect(roles.slice(1)).toEqual(['tag:POS', 'tag:chunk', 'tag:NER']);

  const tasks = page.getByTestId('task-card');
  await expect(tasks).toHaveCount(3);
  const ner = page.locator('[data-testid=task-card][data-task=NER]');
  await expect(ner.getByTestId('task-scheme')).toHaveText('IOB1');
  await expect(ner.getByTestId('task-tag-count')).toHaveText('6'); // dev: O, I-PER/ORG/LOC/MISC, B-MISC
  await expect(page.locator('[data-testid=task-card][data-task=chunk]').getByTestId('task-scheme')).toHaveText('IOB1');
  await showView(page, 'data');
  await page.screenshot({ path: artifact('conll2003-dropped'), fullPage: true });
});

test('a broken file is refused with file, line and reason; the previous dataset stays', async ({ page }) => {
  const broken = 'EU NNP I-NP I-ORG\nrejects VBZ I-VP O\nGerman JJ\n\n';
  await dropFile(page, '[data-testid=drop-zone]', 'broken.conll', broken);
  const error = page.getByTestId('load-error');
  await expect(error).toBeVisible();
  await expect(error).toContainText('broken.conll');
  await expect(error).toContainText('line 3');
  await expect(error).toContainText(/column/i);
  // Nothing else changed.
  await expect(page.getByTestId('dataset-name')).toHaveText('en_ewt-ud-sample.conllu');
  await expect(page.getByTestId('dataset-sentences')).toHaveText('600');
  await expect(page.getByTestId('task-card')).toHaveCount(3);
  await page.screenshot({ path: artifact('broken-file-refused'), fullPage: true });

  const binary = Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe, 0x00, 0x10]);
  await dropFile(page, '[data-testid=drop-zone]', 'image.bin', binary);
  await expect(error).toContainText('image.bin');
  await expect(page.getByTestId('dataset-name')).toHaveText('en_ewt-ud-sample.conllu');
});

test('the file picker loads a file too', async ({ page }) => {
  await page.getByTestId('file-input').setInputFiles(shared('conll2000/test.txt'));
  await expect(page.getByTestId('dataset-name')).toHaveText('test.txt');
  await expect(page.getByTestId('dataset-sentences')).toHaveText('2,012');
  await expect(page.getByTestId('dataset-tokens')).toHaveText('47,377');
  await expect(page.getByTestId('dataset-task-names')).toHaveText('POS · chunk');
});
