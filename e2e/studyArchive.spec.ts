/**
 * A study collected on the command line (or a cluster) opened in the page: `mtaa study collect`
 * writes study-archive.zip; chosen on the study panel, its runs, curves and table appear as if run
 * here, and stay after a reload. A broken archive is refused naming the file and changes nothing.
 * The archive is written with the same code the CLI uses (src/study/archive.ts); the Slurm test
 * reads a CLI-made one back (src/cli/study.slurm.test.ts).
 */
import { expect, test, type Page } from '@playwright/test';
import { presets } from '../src/core/config.ts';
import type { EpochEvent } from '../src/core/events.ts';
import type { ArchivedStudy, SavedRun } from '../src/protocol.ts';
import { writeStudyArchive } from '../src/study/archive.ts';
import { showView } from './workbenchPage.ts';

const QUERY = '?testhooks&backend=wasm';
const loss = { total: 1, tasks: {}, adversarial: 0, orthogonality: 0 };

/** Two epochs of a run whose dev UPOS is `upos` then `upos + 2` (its best: the second). */
function archivedRun(runId: string, configName: string, seed: number, upos: number): SavedRun {
  const config = structuredClone(presets.tiny);
  config.train.seed = seed;
  if (configName === 'no-TD') config.model.adversary = 'none';
  const epoch = (n: number): EpochEvent => {
    const value = upos + 2 * (n - 1);
    return {
      type: 'epoch', runId, epoch: n, step: 10 * n, seconds: 5, learningRate: 0.01, lambdaAdversarial: 0.5, train: loss,
      dev: { scores: [{ task: 'UPOS', metric: 'accuracy', value, accuracy: value }], discriminatorAccuracy: [], attention: [], loss },
      devScore: value, best: true,
    };
  };
  return {
    info: { runId, label: `${configName} · seed ${seed}`, config, datasetName: 'held-out.conllu', backend: 'wasm' },
    status: 'completed',
    notes: '',
    events: [epoch(1), epoch(2), { type: 'done', runId, reason: 'completed', epochs: 2, bestEpoch: 2, best: [], seconds: 10 }],
    checkpoints: { last: null, best: null },
  };
}

function archive(): Buffer {
  const runs = [archivedRun('run-1', 'MTAA', 1, 80), archivedRun('run-2', 'MTAA', 2, 84), archivedRun('run-3', 'no-TD', 1, 70), archivedRun('run-4', 'no-TD', 2, 72)];
  const study: ArchivedStudy = {
    id: 'study-cli',
    items: runs.map((r, i) => ({ id: `cli-${i + 1}`, configName: r.info.label.split(' · ')[0]!, seed: r.info.config.train.seed, config: r.info.config, status: 'done', runId: r.info.runId })),
    active: false,
  };
  return Buffer.from(writeStudyArchive({ study, runs }));
}

async function openArchive(page: Page, name: string, buffer: Buffer): Promise<void> {
  await page.getByTestId('study-archive-file').setInputFiles({ name, mimeType: 'application/zip', buffer });
}

test('a study archive from the command line opens in the page: runs, table and curves, kept after a reload; a broken one changes nothing', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(`/${QUERY}`);
  await expect(page.getByTestId('dataset-name')).toHaveText('en_ewt-ud-sample.conllu');
  await expect(page.getByTestId('backend-active')).toHaveText('wasm', { timeout: 60_000 });
  await showView(page, 'study');

  await openArchive(page, 'study-archive.zip', archive());
  const rows = page.getByTestId('study-row');
  await expect(rows).toHaveCount(2, { timeout: 30_000 });
  // Best epoch's dev UPOS, mean over the two seeds: MTAA (82 + 86) / 2, no-TD (72 + 74) / 2.
  const cell = (config: string) => page.locator(`[data-testid=study-row][data-config="${config}"] [data-testid=study-cell][data-task=UPOS]`);
  expect(Number(await cell('MTAA').getAttribute('data-mean'))).toBeCloseTo(84, 10);
  await expect(cell('MTAA')).toHaveAttribute('data-n', '2');
  expect(Number(await cell('no-TD').getAttribute('data-mean'))).toBeCloseTo(73, 10);
  await expect(page.locator('[data-testid=study-item][data-status=done]')).toHaveCount(4);
  await expect(page.locator('[data-testid=run-card]')).toHaveCount(4);
  await expect(page.locator('[data-testid=run-card]').first()).toHaveAttribute('data-status', 'completed');

  // A broken archive: refused naming the file, the study and runs as they were.
  await openArchive(page, 'cut.zip', archive().subarray(0, 200));
  await expect(page.getByTestId('study-archive-error')).toContainText('cut.zip: not a zip archive');
  await expect(rows).toHaveCount(2);
  await expect(page.locator('[data-testid=run-card]')).toHaveCount(4);

  // Kept in the browser like runs trained here.
  await page.reload();
  await showView(page, 'study');
  await expect(page.getByTestId('study-row')).toHaveCount(2, { timeout: 60_000 });
  await expect(page.locator('[data-testid=run-card]')).toHaveCount(4);
  expect(Number(await cell('MTAA').getAttribute('data-mean'))).toBeCloseTo(84, 10);
});
