/**
 * Research-tool journeys on short sentences with the tiny preset (WASM backend): runs and models
 * kept across a reload (an interrupted run resumes), notes and deletion; the config shared through
 * the URL and a JSON file; an ablation study; run comparison; tagging text; importing a model.
 *
 * The page runs with `?testhooks` (the store as `window.__mtaa`); each test has a fresh browser
 * context, so IndexedDB starts empty.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { dropFile } from './dropFile.ts';
import { setNumber, shortSentences, showView } from './workbenchPage.ts';

const artifact = (name: string) => `e2e-artifacts/${name}.png`;
const QUERY = '?testhooks&backend=wasm';

interface RunView {
  status: string;
  restored?: boolean;
  notes?: string;
  info: { label: string; config: unknown };
  epochs: { epoch: number; devScore: number; train: { total: number }; dev: { scores: { task: string; value: number }[] } }[];
  done?: { best: { task: string; value: number }[]; bestEpoch: number };
}
interface StoreView {
  order: string[];
  runs: Record<string, RunView>;
}

function storeView(page: Page): Promise<StoreView> {
  return page.evaluate(() => {
    const hooks = (window as unknown as { __mtaa: { store: { getState(): StoreView } } }).__mtaa;
    const { order, runs } = hooks.store.getState();
    return JSON.parse(JSON.stringify({ order, runs })) as StoreView;
  });
}

/** The loaded dataset's SHA-256 (hex), as the page has it. */
function storeHash(page: Page): Promise<string> {
  return page.evaluate(() => (window as unknown as { __mtaa: { store: { getState(): { dataset: { hash?: string } | null } } } }).__mtaa.store.getState().dataset?.hash ?? '');
}

/** Whether the page has read back the runs kept from earlier visits. */
function restoredYet(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { __mtaa: { store: { getState(): { restored: boolean } } } }).__mtaa.store.getState().restored);
}

async function openWorkbench(page: Page, query = QUERY): Promise<void> {
  await page.goto(`/${query}`);
  await expect(page.getByTestId('dataset-name')).toHaveText('en_ewt-ud-sample.conllu');
  await expect(page.getByTestId('backend-active')).toHaveText('wasm', { timeout: 60_000 });
}

async function useShortData(page: Page): Promise<void> {
  await dropFile(page, '[data-testid=drop-zone]', 'short.conllu', shortSentences(24));
  await expect(page.getByTestId('dataset-name')).toHaveText('short.conllu');
  await page.getByTestId('preset-select').selectOption('tiny');
}

const card = (page: Page, runId: string) => page.locator(`[data-testid=run-card][data-run-id="${runId}"]`);

test('runs and models survive a reload; the interrupted run resumes; notes are kept; a deleted run is gone', async ({ page }) => {
  test.setTimeout(180_000);
  await openWorkbench(page);
  await useShortData(page);
  await setNumber(page, 'field-epochs', 400);
  await page.getByTestId('run-start').click();
  const first = card(page, 'run-1');
  await expect.poll(async () => (await storeView(page)).runs['run-1']?.epochs.length ?? 0, { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
  await first.getByTestId('run-notes').fill('tiny on short sentences');
  await first.getByTestId('run-notes').blur();
  // Let the recorder write the second epoch's checkpoint and events (it flushes every second).
  await page.waitForTimeout(1500);
  const before = (await storeView(page)).runs['run-1']!;

  await page.reload();
  await expect(page.getByTestId('backend-active')).toHaveText('wasm', { timeout: 60_000 });
  const restored = card(page, 'run-1');
  await expect(restored).toHaveAttribute('data-status', 'interrupted');
  await expect(restored.getByTestId('run-restored')).toBeVisible();
  await expect(restored.getByTestId('run-notes')).toHaveValue('tiny on short sentences');
  const after = (await storeView(page)).runs['run-1']!;
  // Every epoch seen before the reload is back, with the same scores.
  expect(after.epochs.length).toBeGreaterThanOrEqual(2);
  expect(after.epochs.slice(0, 2).map((e) => e.devScore)).toEqual(before.epochs.slice(0, 2).map((e) => e.devScore));
  const lastEpoch = after.epochs.at(-1)!.epoch;
  await expect(restored.getByTestId('run-message')).toContainText('Resume continues from epoch');
  await page.screenshot({ path: artifact('research-restored'), fullPage: true });

  // Resume: training continues after the last stored checkpoint, on the stored data.
  await restored.getByTestId('run-label').click();
  await page.getByTestId('run-resume').click();
  await expect(restored).toHaveAttribute('data-status', 'running');
  await expect
    .poll(async () => (await storeView(page)).runs['run-1']!.epochs.at(-1)!.epoch, { timeout: 60_000 })
    .toBeGreaterThan(lastEpoch);
  // The history holds each epoch once: those after the stored checkpoint were dropped at the resume
  // and trained again, one after another.
  const epochsNow = (await storeView(page)).runs['run-1']!.epochs.map((e) => e.epoch);
  expect(epochsNow).toEqual(epochsNow.map((_, i) => i + 1));
  await page.getByTestId('run-stop').click();
  await expect(restored).toHaveAttribute('data-status', 'stopped');

  // The stored model exports after another reload, without training.
  await page.waitForTimeout(1200);
  await page.reload();
  await expect(card(page, 'run-1')).toHaveAttribute('data-status', 'stopped', { timeout: 60_000 });
  const download = page.waitForEvent('download');
  await card(page, 'run-1').getByTestId('export-model').click();
  const file = await (await download).path();
  expect(readFileSync(file).subarray(0, 2).toString()).toBe('PK');

  await card(page, 'run-1').getByTestId('run-delete').click();
  await card(page, 'run-1').getByTestId('run-delete-confirm').click();
  await expect(page.getByTestId('run-card')).toHaveCount(0);
  await page.reload();
  await expect.poll(() => restoredYet(page), { timeout: 60_000 }).toBe(true);
  await expect(page.getByTestId('run-card')).toHaveCount(0);
});

function draftOf(page: Page): Promise<unknown> {
  return page.evaluate(() => {
    const hooks = (window as unknown as { __mtaa: { store: { getState(): { draft: unknown } } } }).__mtaa;
    return JSON.parse(JSON.stringify(hooks.store.getState().draft)) as unknown;
  });
}

test('the settings round-trip through a link and a JSON file; malformed ones are refused naming the field', async ({ page, context }) => {
  test.setTimeout(120_000);
  await openWorkbench(page);
  await page.getByTestId('preset-select').selectOption('tiny');
  await setNumber(page, 'field-seed', 7);
  await setNumber(page, 'field-epochs', 4);
  await page.getByTestId('field-fusion').selectOption('concat');
  const original = await draftOf(page);
  await page.getByTestId('share-link').click();
  const link = await page.getByTestId('share-url').inputValue();
  expect(new URL(link).searchParams.get('config')).toBeTruthy();

  // The link opens a fresh page with exactly these settings, and says the dataset is the same file.
  const other = await context.newPage();
  await other.goto(link);
  await expect(other.getByTestId('share-message')).toHaveAttribute('data-kind', 'info', { timeout: 60_000 });
  expect(await draftOf(other)).toEqual(original);
  await expect(other.getByTestId('field-seed')).toHaveValue('7');
  await expect(other.getByTestId('share-dataset')).toHaveAttribute('data-same', 'true');
  expect(new URL(other.url()).searchParams.has('config')).toBe(false);
  await other.screenshot({ path: artifact('research-shared-link'), fullPage: true });
  await other.close();

  // A cut link, and a link whose config has a bad value: errors naming the parameter / field.
  const bad = await context.newPage();
  await bad.goto(`/${QUERY}&config=eyJmb3JtYXQiOiJtdGFh`);
  await expect(bad.getByTestId('share-message')).toHaveAttribute('data-kind', 'error', { timeout: 60_000 });
  await expect(bad.getByTestId('share-message')).toContainText('URL parameter "config"');
  const broken = new URL(link);
  const json = JSON.parse(Buffer.from(broken.searchParams.get('config')!, 'base64url').toString('utf8')) as { config: { train: { epochs: number } } };
  json.config.train.epochs = -1;
  broken.searchParams.set('config', Buffer.from(JSON.stringify(json)).toString('base64url'));
  await bad.goto(broken.toString());
  await expect(bad.getByTestId('share-message')).toContainText('config.train.epochs', { timeout: 60_000 });
  await bad.close();

  // The JSON file: saved, then opened on a page with other settings.
  const download = page.waitForEvent('download');
  await page.getByTestId('config-save').click();
  const saved = readFileSync(await (await download).path(), 'utf8');
  await page.getByTestId('preset-select').selectOption('small');
  await page.getByTestId('config-file').setInputFiles({ name: 'settings.json', mimeType: 'application/json', buffer: Buffer.from(saved) });
  await expect(page.getByTestId('share-message')).toHaveAttribute('data-kind', 'info');
  expect(await draftOf(page)).toEqual(original);
  const wrong = saved.replace('"fusion": "concat"', '"fusion": "sum"');
  await page.getByTestId('config-file').setInputFiles({ name: 'wrong.json', mimeType: 'application/json', buffer: Buffer.from(wrong) });
  await expect(page.getByTestId('share-message')).toContainText('wrong.json: config.model.fusion');
  await page.getByTestId('config-file').setInputFiles({ name: 'cut.json', mimeType: 'application/json', buffer: Buffer.from(saved.slice(0, 50)) });
  await expect(page.getByTestId('share-message')).toContainText('cut.json: JSON: not valid JSON');
  expect(await draftOf(page)).toEqual(original);
});

interface StudyView {
  items: { id: string; configName: string; status: string; runId?: string }[];
}
function studyOf(page: Page): Promise<StudyView | null> {
  return page.evaluate(() => {
    const hooks = (window as unknown as { __mtaa: { store: { getState(): { study: unknown } } } }).__mtaa;
    return JSON.parse(JSON.stringify(hooks.store.getState().study)) as StudyView | null;
  });
}

async function chooseConfigs(page: Page, names: string[]): Promise<void> {
  await showView(page, 'study');
  for (const box of await page.locator('[data-testid^=study-config-]').all()) {
    const name = (await box.getAttribute('data-testid'))!.slice('study-config-'.length);
    await box.setChecked(names.includes(name));
  }
}

test('an ablation study runs its queue in order (reordered, one cancelled) and tabulates each run\'s best epoch', async ({ page }) => {
  test.setTimeout(180_000);
  await openWorkbench(page);
  await useShortData(page);
  await setNumber(page, 'field-epochs', 2);
  await chooseConfigs(page, ['MTAA', 'no-TD', 'average', 'concat']);
  await page.getByTestId('study-seeds').fill('3');
  await page.getByTestId('study-start').click();
  const items = page.getByTestId('study-item');
  await expect(items).toHaveCount(4);
  // While the first runs: cancel concat and move average before no-TD.
  await page.locator('[data-testid=study-item][data-config=concat]').getByTestId('study-cancel').click();
  await page.locator('[data-testid=study-item][data-config=average]').getByTestId('study-up').click();
  await expect(items.nth(1)).toHaveAttribute('data-config', 'average');
  await expect(page.locator('[data-testid=study-item][data-config=concat]')).toHaveAttribute('data-status', 'cancelled');

  await expect(page.locator('[data-testid=study-item][data-status=done]')).toHaveCount(3, { timeout: 150_000 });
  const study = (await studyOf(page))!;
  expect(study.items.filter((i) => i.status === 'done').map((i) => i.configName)).toEqual(['MTAA', 'average', 'no-TD']);
  const view = await storeView(page);
  // Runs started in queue order, each with the configuration's label and seed 3.
  const [mtaa, average, noTd] = ['MTAA', 'average', 'no-TD'].map((n) => study.items.find((i) => i.configName === n)!.runId!);
  expect([mtaa, average, noTd]).toEqual(['run-1', 'run-2', 'run-3']);
  expect(view.runs[noTd!]!.info.label).toBe('no-TD · seed 3');
  expect((view.runs[noTd!]!.info.config as { model: { adversary: string }; train: { seed: number } }).model.adversary).toBe('none');

  const rows = page.getByTestId('study-row');
  await expect(rows).toHaveCount(3);
  for (const runId of [mtaa!, average!, noTd!]) {
    const run = view.runs[runId]!;
    const best = run.epochs.filter((e) => (e as { best?: boolean }).best).at(-1)!;
    const row = page.locator(`[data-testid=study-row][data-runs="${runId}"]`);
    for (const score of best.dev.scores) {
      const cell = row.locator(`[data-testid=study-cell][data-task="${score.task}"]`);
      expect(Number(await cell.getAttribute('data-mean'))).toBeCloseTo(score.value, 10);
      await expect(cell).toHaveAttribute('data-n', '1');
    }
    expect(Number(await row.locator('[data-testid=study-cell][data-task=mean]').getAttribute('data-mean'))).toBeCloseTo(best.devScore, 10);
  }
  const download = page.waitForEvent('download');
  await page.getByTestId('study-csv').click();
  const csv = readFileSync(await (await download).path(), 'utf8').trim().split('\n');
  expect(csv).toHaveLength(4);
  expect(csv.slice(1).map((line) => line.split(',')[0])).toEqual(['MTAA', 'average', 'no-TD']);
  await page.getByTestId('study-panel').screenshot({ path: artifact('research-study') });

  // The comparison table: config differences against the baseline (the first run, then another).
  await showView(page, 'compare');
  const compare = (runId: string) => page.locator(`[data-testid=compare-row][data-run-id="${runId}"]`);
  await expect(page.getByTestId('compare-row')).toHaveCount(3);
  // Settings in a few words (the preset and what differs from it), the difference from the baseline likewise.
  await expect(compare(mtaa!).getByTestId('compare-settings')).toHaveText('preset tiny · epochs 2 · seed 3');
  await expect(compare(noTd!).getByTestId('compare-diff')).toHaveText('adversary on individual (MTAA) → none (no-TD)');
  await expect(compare(average!).getByTestId('compare-diff')).toHaveText('fusion attention → average');
  await expect(compare(average!).getByTestId('compare-data')).toHaveText('short.conllu · 24 sentences · ' + (await storeHash(page)).slice(0, 8));
  await compare(average!).getByTestId('compare-baseline').check();
  await expect(compare(noTd!).getByTestId('compare-diff')).toHaveText('adversary on individual (MTAA) → none (no-TD) · fusion average → attention');
  // Three accuracy tasks (UPOS, XPOS, DEPREL): one mean, of accuracies only.
  await expect(page.getByTestId('compare-task')).toHaveText(['UPOS acc', 'XPOS acc', 'DEPREL acc']);
  await expect(page.getByTestId('compare-mean-f1')).toHaveCount(0);
  await expect(page.getByTestId('compare-mean-accuracy')).toHaveCount(3);
  // The table is not cut off at the pane's edge: scrolled to its end, its last column is inside the pane.
  const lastColumnInView = await page.getByTestId('compare-scroll').evaluate((el) => {
    el.scrollLeft = el.scrollWidth;
    return el.querySelector('thead th:last-child')!.getBoundingClientRect().right <= el.getBoundingClientRect().right + 1;
  });
  expect(lastColumnInView).toBe(true);
  await compare(mtaa!).getByTestId('compare-show').uncheck();
  await page.getByTestId('smoothing').fill('0.6');
  await expect(page.getByTestId('smoothing-value')).toHaveText('0.600');
  const state = await page.evaluate(() => {
    const s = (window as unknown as { __mtaa: { store: { getState(): { smoothing: number; runs: Record<string, { visible: boolean }> } } } }).__mtaa.store.getState();
    return { smoothing: s.smoothing, visible: s.runs['run-1']!.visible };
  });
  expect(state).toEqual({ smoothing: 0.6, visible: false });
  await page.getByTestId('compare-panel').screenshot({ path: artifact('research-compare') });
});

test('every ablation trains on WebGPU (the software adapter) without a WebGPU error or a synchronous GPU readback', async ({ page }) => {
  test.setTimeout(400_000);
  // tfjs-webgpu reports an invalid kernel only on the console (its output is then garbage, silently);
  // the workbench fails a run on the device's first uncaptured error, and this watches the console too.
  const gpuTrouble: string[] = [];
  page.on('console', (message) => {
    if (/synchronously reading data from GPU|GPUDevice|WGSL|is invalid due to a previous error|storage buffers/i.test(message.text())) gpuTrouble.push(message.text());
  });
  await page.goto('/?testhooks&backend=webgpu');
  await expect(page.getByTestId('dataset-name')).toHaveText('en_ewt-ud-sample.conllu');
  await expect(page.getByTestId('backend-active')).toHaveText('webgpu', { timeout: 60_000 });
  await dropFile(page, '[data-testid=drop-zone]', 'short.conllu', shortSentences(12));
  await expect(page.getByTestId('dataset-name')).toHaveText('short.conllu');
  await page.getByTestId('preset-select').selectOption('tiny');
  await setNumber(page, 'field-batchSize', 4);
  await setNumber(page, 'field-epochs', 1);
  const all = await Promise.all(
    (await page.locator('[data-testid^=study-config-]').all()).map(async (box) => (await box.getAttribute('data-testid'))!.slice('study-config-'.length)),
  );
  expect(all).toContain('iterative');
  await chooseConfigs(page, all);
  await page.getByTestId('study-start').click();
  await expect(page.getByTestId('study-item')).toHaveCount(all.length);
  // Each finished item is done or failed; a failure names its message below.
  await expect
    .poll(async () => (await studyOf(page))!.items.filter((i) => i.status !== 'queued' && i.status !== 'running').length, { timeout: 360_000 })
    .toBe(all.length);
  const view = await storeView(page);
  const outcomes = (await studyOf(page))!.items.map((item) => {
    const run = view.runs[item.runId!]!;
    return `${item.configName}: ${run.status}${run.status === 'completed' ? '' : ` (${(run as { message?: string }).message ?? ''})`}`;
  });
  expect(outcomes).toEqual(all.map((name) => `${name}: completed`));
  for (const item of (await studyOf(page))!.items) {
    const run = view.runs[item.runId!]!;
    expect((run.info as { backend?: string }).backend).toBe('webgpu');
    expect(run.epochs).toHaveLength(1);
    expect(Number.isFinite(run.epochs[0]!.train.total)).toBe(true);
    for (const score of run.epochs[0]!.dev.scores) expect(score.value).toBeGreaterThanOrEqual(0);
  }
  await expect(page.getByTestId('backend-active')).toHaveText('webgpu');
  expect(gpuTrouble).toEqual([]);
  await page.getByTestId('study-panel').screenshot({ path: artifact('research-study-webgpu') });
});

interface ScoredRunView extends RunView {
  test?: { epoch: number; fileName: string; scores: { task: string; value: number }[] };
}

test('with a test file, the study table shows each task\'s test score (mean ± std over seeds) and per-task curves, one line per configuration', async ({ page }) => {
  test.setTimeout(180_000);
  await openWorkbench(page);
  await useShortData(page);
  // A bad test file: the usual banner naming file and line; nothing else changes.
  await page.getByTestId('test-file-input').setInputFiles({ name: 'bad-test.conllu', mimeType: 'text/plain', buffer: Buffer.from('1\tHello\thello\tINTJ\tUH\t_\t0\troot\t0:root\t_\n2\tthere\n\n') });
  await expect(page.getByTestId('load-error')).toContainText('bad-test.conllu');
  await expect(page.getByTestId('load-error')).toContainText('line 2');
  await expect(page.getByTestId('dataset-name')).toHaveText('short.conllu');
  await expect(page.getByTestId('test-file-info')).toHaveCount(0);
  // A good one, dropped on its own zone (not the main drop zone: the training data stays).
  await dropFile(page, '[data-testid=test-file]', 'held-out.conllu', shortSentences(12, 24));
  await expect(page.getByTestId('test-file-name')).toHaveText('held-out.conllu');
  await expect(page.getByTestId('test-file-sentences')).toHaveText('12');
  await expect(page.getByTestId('test-file-tasks')).toHaveText('UPOS · XPOS · DEPREL');
  await expect(page.getByTestId('dataset-name')).toHaveText('short.conllu');

  await setNumber(page, 'field-epochs', 2);
  await chooseConfigs(page, ['MTAA', 'base']);
  await page.getByTestId('study-seeds').fill('1, 2');
  await page.getByTestId('study-start').click();
  await expect(page.locator('[data-testid=study-item][data-status=done]')).toHaveCount(4, { timeout: 150_000 });

  const study = (await studyOf(page))!;
  const view = (await storeView(page)) as unknown as { runs: Record<string, ScoredRunView> };
  const rows = page.getByTestId('study-row');
  await expect(rows).toHaveCount(2);
  let tasks: string[] = [];
  for (const config of ['MTAA', 'base']) {
    const runIds = study.items.filter((i) => i.configName === config).map((i) => i.runId!);
    const runs = runIds.map((id) => view.runs[id]!);
    // Every run was scored on the test file with its best epoch when it ended (shown on its card).
    for (const [k, run] of runs.entries()) {
      const best = run.epochs.filter((e) => (e as { best?: boolean }).best).at(-1)!;
      expect(run.test).toMatchObject({ fileName: 'held-out.conllu', epoch: best.epoch });
      await expect(card(page, runIds[k]!).getByTestId('run-test-scores')).toHaveAttribute('data-epoch', String(best.epoch));
    }
    tasks = runs[0]!.test!.scores.map((s) => s.task);
    expect(tasks).toEqual(['UPOS', 'XPOS', 'DEPREL']);
    const row = page.locator(`[data-testid=study-row][data-config="${config}"]`);
    for (const task of tasks) {
      const values = runs.map((r) => r.test!.scores.find((s) => s.task === task)!.value);
      const mean = (values[0]! + values[1]!) / 2;
      const std = Math.abs(values[0]! - values[1]!) / Math.SQRT2;
      const cell = row.locator(`[data-testid=study-test-cell][data-task="${task}"]`);
      expect(Number(await cell.getAttribute('data-mean'))).toBeCloseTo(mean, 10);
      expect(Number(await cell.getAttribute('data-std'))).toBeCloseTo(std, 10);
      await expect(cell).toHaveAttribute('data-n', '2');
    }
  }

  // The curves: one chart per task, one line per configuration.
  const curves = page.getByTestId('study-curve');
  await expect(curves).toHaveCount(tasks.length);
  for (const task of tasks) {
    const chart = page.locator(`[data-testid=study-curve][data-task="${task}"]`);
    await expect(chart).toHaveAttribute('data-configs', 'MTAA|base');
    await expect(chart.getByTestId('chart-line')).toHaveCount(2);
  }
  const png = page.waitForEvent('download');
  await page.locator('[data-testid=study-curve][data-task=UPOS]').getByTestId('chart-png').click();
  expect((await png).suggestedFilename()).toMatch(/\.png$/);

  const download = page.waitForEvent('download');
  await page.getByTestId('study-csv').click();
  const csv = readFileSync(await (await download).path(), 'utf8').trim().split('\n');
  const header = csv[0]!.split(',');
  const table = await page.evaluate(() => {
    const cells = Array.from(document.querySelectorAll('[data-testid=study-row]')).map((row) => ({
      config: row.getAttribute('data-config'),
      test: Object.fromEntries(Array.from(row.querySelectorAll('[data-testid=study-test-cell]')).map((c) => [c.getAttribute('data-task'), [Number(c.getAttribute('data-mean')), Number(c.getAttribute('data-std'))]])),
    }));
    return cells;
  });
  for (const task of tasks) expect(header).toEqual(expect.arrayContaining([`${task} test mean`, `${task} test std`]));
  for (const [i, row] of table.entries()) {
    const line = csv[i + 1]!.split(',');
    expect(line[0]).toBe(row.config);
    for (const task of tasks) {
      expect(line[header.indexOf(`${task} test mean`)]).toBe(row.test[task]![0]!.toFixed(2));
      expect(line[header.indexOf(`${task} test std`)]).toBe(row.test[task]![1]!.toFixed(2));
    }
  }
  await page.getByTestId('study-panel').screenshot({ path: artifact('research-study-test') });

  // New training data: the test file goes (its tasks may differ), and the page says so.
  await dropFile(page, '[data-testid=drop-zone]', 'other.conllu', shortSentences(12, 36));
  await expect(page.getByTestId('dataset-name')).toHaveText('other.conllu');
  await expect(page.getByTestId('test-file-info')).toHaveCount(0);
  await expect(page.getByTestId('test-file-notice')).toContainText('held-out.conllu was removed');
  // The runs' test scores were kept with them: after a reload the cards and the table still show them.
  const before = await page.locator('[data-testid=study-test-cell]').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-mean')));
  await page.reload();
  await expect.poll(() => restoredYet(page), { timeout: 60_000 }).toBe(true);
  const reloaded = (await storeView(page)) as unknown as { runs: Record<string, ScoredRunView> };
  for (const item of study.items) {
    expect(reloaded.runs[item.runId!]!.test).toEqual(view.runs[item.runId!]!.test);
    await expect(card(page, item.runId!).getByTestId('run-test-scores')).toHaveAttribute('data-file', 'held-out.conllu');
  }
  await expect(page.locator('[data-testid=study-test-cell]')).toHaveCount(before.length);
  expect(await page.locator('[data-testid=study-test-cell]').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-mean')))).toEqual(before);
});

test('a reload in the middle of a study keeps its runs and models; the interrupted run resumes and the queue goes on', async ({ page }) => {
  test.setTimeout(180_000);
  await openWorkbench(page);
  await useShortData(page);
  await setNumber(page, 'field-epochs', 400);
  await chooseConfigs(page, ['MTAA', 'base']);
  await page.getByTestId('study-start').click();
  await expect.poll(async () => (await storeView(page)).runs['run-1']?.epochs.length ?? 0, { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
  await page.waitForTimeout(1500);

  await page.reload();
  await expect.poll(() => restoredYet(page), { timeout: 60_000 }).toBe(true);
  await expect(card(page, 'run-1')).toHaveAttribute('data-status', 'interrupted');
  await expect(page.locator('[data-testid=study-item][data-config=MTAA]')).toHaveAttribute('data-status', 'running');
  await expect(page.locator('[data-testid=study-item][data-config=base]')).toHaveAttribute('data-status', 'queued');
  const epochsBefore = (await storeView(page)).runs['run-1']!.epochs.length;
  await page.screenshot({ path: artifact('research-study-reloaded'), fullPage: true });

  await card(page, 'run-1').getByTestId('run-label').click();
  await page.getByTestId('run-resume').click();
  await expect(card(page, 'run-1')).toHaveAttribute('data-status', 'running');
  await expect.poll(async () => (await storeView(page)).runs['run-1']!.epochs.length, { timeout: 60_000 }).toBeGreaterThan(epochsBefore);
  await page.getByTestId('run-stop').click();
  // The stopped run counts with its best epoch; the queue moves on to `base`.
  await expect(page.locator('[data-testid=study-item][data-config=MTAA]')).toHaveAttribute('data-status', 'done');
  await expect(page.locator('[data-testid=study-item][data-config=base]')).toHaveAttribute('data-status', 'running');
  await expect(card(page, 'run-2')).toHaveAttribute('data-status', 'running');
  await showView(page, 'study');
  await page.getByTestId('study-cancel-all').click();
  await expect.poll(async () => (await storeView(page)).runs['run-2']?.epochs.length ?? 0, { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
  await card(page, 'run-2').getByTestId('run-label').click();
  await page.getByTestId('run-stop').click();
  await expect(page.locator('[data-testid=study-item][data-config=base]')).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('study-row')).toHaveCount(2);
});

test('tag text: sentences tagged for every task as spans, attention one click away, CoNLL download', async ({ page }) => {
  test.setTimeout(120_000);
  await openWorkbench(page);
  await useShortData(page);
  await setNumber(page, 'field-epochs', 2);
  await page.getByTestId('run-start').click();
  await expect(card(page, 'run-1')).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });

  await showView(page, 'tagText');
  await page.getByTestId('tag-input').fill('The cat sat on the mat .\n\n  I like it  \n');
  await page.getByTestId('tag-submit').click();
  const sentences = page.getByTestId('tagged-sentence');
  await expect(sentences).toHaveCount(2);
  await expect(sentences.nth(0)).toHaveAttribute('data-words', '7');
  await expect(sentences.nth(1)).toHaveAttribute('data-words', '3');
  const lines = sentences.nth(0).getByTestId('tagged-line');
  await expect(lines).toHaveCount(3);
  expect(await lines.evaluateAll((els) => els.map((e) => e.getAttribute('data-task')))).toEqual(['UPOS', 'XPOS', 'DEPREL']);
  const upos = (await lines.first().getAttribute('data-tags'))!.split(' ');
  expect(upos).toHaveLength(7);

  // The same sentence in the inspector: the same tags.
  await showView(page, 'inspector');
  await page.getByTestId('inspector-text').fill('The cat sat on the mat .');
  await page.getByTestId('inspector-submit').click();
  await expect(page.getByTestId('inspector-panel').getByTestId('inspection')).toBeVisible();
  const inspected = await page.evaluate(async () => {
    const hooks = (window as unknown as { __mtaa: { worker(): { inspectSentence(id: string, r: { text: string }): Promise<{ tasks: { predicted: string[] }[] }> } } }).__mtaa;
    return (await hooks.worker().inspectSentence('run-1', { text: 'The cat sat on the mat .' })).tasks[0]!.predicted;
  });
  expect(inspected).toEqual(upos);

  await showView(page, 'tagText');
  await sentences.nth(1).getByTestId('tag-inspect').click();
  await expect(sentences.nth(1).getByTestId('inspection')).toHaveAttribute('data-words', '3');
  const download = page.waitForEvent('download');
  await page.getByTestId('tag-download').click();
  const conll = readFileSync(await (await download).path(), 'utf8').split('\n');
  expect(conll[0]).toBe('# columns: word UPOS XPOS DEPREL');
  expect(conll.slice(1, 8).map((l) => l.split(' ')[1])).toEqual(upos);
  expect(conll[8]).toBe('');
  await page.getByTestId('tag-text-panel').screenshot({ path: artifact('research-tag-text') });
});

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

test('an exported model, imported again, tags text identically (also after a reload); a tampered archive is refused', async ({ page }) => {
  test.setTimeout(150_000);
  await openWorkbench(page);
  await useShortData(page);
  await setNumber(page, 'field-epochs', 2);
  await page.getByTestId('run-start').click();
  await expect(card(page, 'run-1')).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });
  const text = 'The cat sat on the mat .\nWhere is it ?';
  const before = await tagAll(page, 'run-1', text);

  const download = page.waitForEvent('download');
  await card(page, 'run-1').getByTestId('export-model').click();
  const zip = readFileSync(await (await download).path());
  await page.getByTestId('model-file').setInputFiles({ name: 'exported.zip', mimeType: 'application/zip', buffer: zip });
  const imported = card(page, 'run-2');
  await expect(imported).toHaveAttribute('data-status', 'completed');
  await expect(imported.getByTestId('run-label')).toHaveText('imported exported.zip');
  expect(await tagAll(page, 'run-2', text)).toEqual(before);

  // One weight value changed inside weights.bin: refused, naming the weight; nothing else changes.
  const { unzipSync, zipSync } = await import('fflate');
  const files = unzipSync(new Uint8Array(zip));
  const bin = new Float32Array(files['weights.bin']!.slice().buffer);
  bin[0] = bin[0]! + 1;
  const tampered = zipSync({ ...files, 'weights.bin': new Uint8Array(bin.buffer) });
  await page.getByTestId('model-file').setInputFiles({ name: 'tampered.zip', mimeType: 'application/zip', buffer: Buffer.from(tampered) });
  await expect(page.getByTestId('training-error')).toContainText('tampered.zip: embed.word: weights.bin and model.safetensors disagree');
  await expect(page.getByTestId('run-card')).toHaveCount(2);

  // After a reload the imported model comes back from storage and still tags the same.
  await page.waitForTimeout(1200);
  await page.reload();
  await expect.poll(() => restoredYet(page), { timeout: 60_000 }).toBe(true);
  await expect(card(page, 'run-2')).toHaveAttribute('data-status', 'completed');
  expect(await tagAll(page, 'run-2', text)).toEqual(before);
  await page.screenshot({ path: artifact('research-imported'), fullPage: true });
});

test('an imported model continues training on the loaded data as a new run, from its weights rather than afresh; the import stays as it was', async ({ page }) => {
  test.setTimeout(150_000);
  await openWorkbench(page);
  await useShortData(page);
  // Small batches: the model takes several steps an epoch and learns something worth continuing.
  await setNumber(page, 'field-batchSize', 4);
  await setNumber(page, 'field-epochs', 6);
  await page.getByTestId('run-start').click();
  await expect(card(page, 'run-1')).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });
  const download = page.waitForEvent('download');
  await card(page, 'run-1').getByTestId('export-model').click();
  const zip = readFileSync(await (await download).path());

  // A later visit: the data is loaded again, the archive imported.
  await page.waitForTimeout(1200);
  await page.reload();
  await expect.poll(() => restoredYet(page), { timeout: 60_000 }).toBe(true);
  await useShortData(page);
  await page.getByTestId('model-file').setInputFiles({ name: 'exported.zip', mimeType: 'application/zip', buffer: zip });
  const imported = card(page, 'run-2');
  await expect(imported).toHaveAttribute('data-status', 'completed');
  const text = 'The cat sat on the mat .\nWhere is it ?';
  const importedTags = await tagAll(page, 'run-2', text);

  // One epoch with the draft's training settings, continued from the import, then the same afresh.
  await setNumber(page, 'field-batchSize', 4);
  await setNumber(page, 'field-epochs', 1);
  await expect(imported.getByTestId('continue-training')).toHaveText('Continue training on short.conllu');
  await expect(imported.getByTestId('run-continue')).toContainText('1 epochs');
  await imported.getByTestId('continue-training').click();
  const continued = card(page, 'run-3');
  await expect(continued).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });
  await expect(continued.getByTestId('run-continued-from')).toHaveText('continued from imported exported.zip');
  await page.getByTestId('run-start').click();
  await expect(card(page, 'run-4')).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });

  // Same data, config and seed: only the starting weights differ. A model that has already trained
  // six epochs on these sentences starts its first epoch with a clearly lower training loss.
  const view = await storeView(page);
  const continuedLoss = view.runs['run-3']!.epochs[0]!.train.total;
  const freshLoss = view.runs['run-4']!.epochs[0]!.train.total;
  expect(continuedLoss).toBeLessThan(freshLoss * 0.8);

  // The new run tags text; the imported run is untouched and tags as before.
  expect(await tagAll(page, 'run-3', text)).toHaveLength(2);
  await expect(imported).toHaveAttribute('data-status', 'completed');
  expect(await tagAll(page, 'run-2', text)).toEqual(importedTags);
  await page.screenshot({ path: artifact('research-continued'), fullPage: true });
});
