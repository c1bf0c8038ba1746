/**
 * The page soak's short version (the long one: `npm run soak:page`, bench/soak/pageSoak.spec.ts):
 * three `tiny` runs created, trained and deleted in one page leave the trainer worker with exactly
 * the tensors, runs and IndexedDB records it had before the first (issue 18: long sessions stay flat).
 */
import { expect, test } from '@playwright/test';
import { dropFile } from './dropFile.ts';
import { deleteRunByCard, exactFigures, exactFiguresAfterFirstRun, HealthProbe, healthTable, trainOneRun } from './soakProbe.ts';
import { setNumber, shortSentences } from './workbenchPage.ts';

test('three runs created, trained and deleted: tensors, runs and IndexedDB records return to the baseline exactly', async ({ page, browser }) => {
  test.setTimeout(120_000);
  await page.goto('/?testhooks&backend=wasm');
  await expect(page.getByTestId('backend-active')).toHaveText('wasm', { timeout: 60_000 });
  await dropFile(page, '[data-testid=drop-zone]', 'short.conllu', shortSentences(12));
  await expect(page.getByTestId('dataset-name')).toHaveText('short.conllu');
  await page.getByTestId('preset-select').selectOption('tiny');
  await setNumber(page, 'field-epochs', 1);
  const probe = await HealthProbe.attach(page, browser, { heap: false });
  const baseline = await probe.sample('baseline');
  // The dataset is kept for the next visit: its record is there before any run.
  expect(baseline.records.datasets).toBe(1);
  expect(baseline.tensors).not.toBeNull();

  for (const runId of ['run-1', 'run-2', 'run-3']) {
    await trainOneRun(page, runId);
    const trained = await probe.sample(`${runId} trained`);
    // The run holds something while it exists: its record, events, checkpoints, and its model's tensors.
    expect(trained.records.runs).toBe(baseline.records.runs + 1);
    expect(trained.records.checkpoints).toBeGreaterThan(baseline.records.checkpoints);
    expect(trained.tensors!).toBeGreaterThan(baseline.tensors!);
    await deleteRunByCard(page, runId);
    const deleted = await probe.sample(`${runId} deleted`);
    expect(exactFigures(deleted), `after deleting ${runId}:\n${healthTable(probe.samples)}`).toEqual(exactFiguresAfterFirstRun(baseline));
  }
  console.log(healthTable(probe.samples));
});
