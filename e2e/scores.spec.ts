/**
 * Scores by type: one epoch of the tiny preset on the built-in sample with a test file loaded; the
 * scores panel shows per-type scores and a confusion matrix per task for the dev epoch and the test
 * file (the same numbers as the store's run record), and an error is one click from the inspector.
 */
import { expect, test, type Page } from '@playwright/test';
import { dropFile } from './dropFile.ts';
import { setNumber, shortSentences, showView } from './workbenchPage.ts';

interface Breakdown {
  task: string;
  types: { type: string; f1: number }[];
  confusion: { labels: string[]; counts: number[][] };
  errors?: { cells: { gold: string; pred: string; sentences: number[] }[] };
}

/** The run's breakdowns as the store keeps them (through the `?testhooks` hook). */
function breakdowns(page: Page, runId: string): Promise<{ dev?: { epoch: number; tasks: Breakdown[] }; test?: Breakdown[] }> {
  return page.evaluate((id) => {
    const hooks = (window as unknown as { __mtaa: { store: { getState(): { runs: Record<string, { devBreakdown?: unknown; test?: { breakdown?: unknown } }> } } } }).__mtaa;
    const run = hooks.store.getState().runs[id]!;
    return JSON.parse(JSON.stringify({ dev: run.devBreakdown, test: run.test?.breakdown })) as { dev?: { epoch: number; tasks: Breakdown[] }; test?: Breakdown[] };
  }, runId);
}

test('per-type scores and a confusion matrix per task, for dev and the test file; an error opens in the inspector', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('/?testhooks&backend=wasm');
  await expect(page.getByTestId('dataset-name')).toHaveText('en_ewt-ud-sample.conllu');
  await expect(page.getByTestId('backend-active')).toHaveText('wasm', { timeout: 60_000 });
  await dropFile(page, '[data-testid=test-file]', 'held-out.conllu', shortSentences(12, 24));
  await expect(page.getByTestId('test-file-name')).toHaveText('held-out.conllu');
  await page.getByTestId('preset-select').selectOption('tiny');
  await setNumber(page, 'field-epochs', 1);
  await showView(page, 'scores');
  const panel = page.getByTestId('scores-panel');
  await expect(panel.getByTestId('scores-empty')).toBeVisible();
  await page.getByTestId('run-start').click();

  // The test file is scored when the run ends: then both evaluations are offered.
  await expect(panel.getByTestId('scores-source-test')).toBeVisible({ timeout: 180_000 });
  const { dev, test: onTest } = await breakdowns(page, 'run-1');
  expect(dev?.epoch).toBe(1);
  expect(dev!.tasks.map((t) => t.task)).toEqual(['UPOS', 'XPOS', 'DEPREL']);
  expect(onTest!.map((t) => t.task)).toEqual(['UPOS', 'XPOS', 'DEPREL']);

  // Dev: a tab per task; the per-type table and the matrix show the store's numbers.
  await panel.getByTestId('scores-source-dev').click();
  await expect(panel.getByTestId('scores-task')).toHaveCount(3);
  const upos = dev!.tasks[0]!;
  const table = panel.getByTestId('type-scores');
  await expect(table).toHaveAttribute('data-task', 'UPOS');
  await expect(table.getByTestId('type-score')).toHaveCount(upos.types.length);
  await expect(table.getByTestId('type-score').first()).toHaveAttribute('data-f1', upos.types[0]!.f1.toFixed(4));
  const matrix = panel.getByTestId('confusion-matrix');
  const n = upos.confusion.labels.length;
  await expect(matrix.getByTestId('confusion-cell')).toHaveCount(n * n);
  await expect(matrix.getByTestId('confusion-cell').first()).toHaveAttribute('data-count', String(upos.confusion.counts[0]![0]));

  // The largest confusion: its cell lists the dev sentences with that error…
  const cell = upos.errors!.cells[0]!;
  await matrix.locator(`[data-testid=confusion-cell][data-gold="${cell.gold}"][data-pred="${cell.pred}"] button`).click();
  const list = panel.getByTestId('error-sentences');
  await expect(list).toContainText(`gold ${cell.gold} predicted as ${cell.pred}`);
  await expect(list.getByTestId('error-sentence')).toHaveCount(cell.sentences.length);
  const first = list.getByTestId('error-sentence').first();
  await expect(first).toHaveAttribute('data-index', String(cell.sentences[0]));
  await expect(first).not.toHaveText(/^sentence \d+$/);

  // …and one click opens it in the inspector, scrolled into view.
  await first.click();
  const inspector = page.getByTestId('inspector-panel');
  await expect(inspector.getByTestId('inspector-sentences')).toHaveValue(String(cell.sentences[0]));
  await expect(inspector.getByTestId('inspection')).toBeVisible({ timeout: 30_000 });
  await expect(inspector.getByTestId('inspection')).toBeInViewport();

  // A type lists its sentences too; another task's tab shows its own table and matrix.
  await showView(page, 'scores');
  await panel.getByTestId('type-errors').first().click();
  await expect(list.getByTestId('error-sentence').first()).toBeVisible();
  await panel.locator('[data-testid=scores-task][data-task=DEPREL]').click();
  await expect(panel.getByTestId('type-scores')).toHaveAttribute('data-task', 'DEPREL');
  await expect(panel.getByTestId('error-sentences')).toHaveCount(0);

  // The test file: its numbers, counted but not listed.
  await panel.getByTestId('scores-source-test').click();
  await panel.locator('[data-testid=scores-task][data-task=UPOS]').click();
  const testUpos = onTest![0]!;
  await expect(panel.getByTestId('type-score')).toHaveCount(testUpos.types.length);
  await expect(panel.getByTestId('confusion-cell')).toHaveCount(testUpos.confusion.labels.length ** 2);
  await expect(panel.getByTestId('type-errors')).toHaveCount(0);
  await page.screenshot({ path: 'e2e-artifacts/scores.png', fullPage: false });
});
