/**
 * Issue #6, items 7 and 8 in the browser: training on files that do not carry every task (a NER-only
 * and a POS-only file together), and pre-trained word vectors dropped as a text file.
 *
 * The files are cut from the shared CoNLL data at test time (never copied into the repository);
 * the vectors file is made up on the spot. Tiny preset, a few dozen short sentences, WASM backend.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { dropFile } from './dropFile.ts';
import { showView } from './workbenchPage.ts';

const shared = (path: string) => fileURLToPath(new URL(`../../shared/data/${path}`, import.meta.url));
const artifact = (name: string) => `e2e-artifacts/${name}.png`;

/** The first `count` sentences of at most `maxLen` tokens of a CoNLL file, keeping columns `keep` (0 = word). */
function cut(path: string, keep: number[], count: number, maxLen = 8): string {
  const blocks = readFileSync(shared(path), 'utf8')
    .split(/\n\s*\n/)
    .map((b) => b.split('\n').filter((line) => line.trim() && !line.startsWith('-DOCSTART-')))
    .filter((lines) => lines.length > 0 && lines.length <= maxLen)
    .slice(0, count);
  expect(blocks).toHaveLength(count);
  return `${blocks.map((lines) => lines.map((line) => keep.map((k) => line.split(/\s+/)[k]).join(' ')).join('\n')).join('\n\n')}\n`;
}

interface EpochView {
  epoch: number;
  best: boolean;
  train: { total: number; tasks: Record<string, number> };
  dev: { loss: { total: number; tasks: Record<string, number> }; scores: { task: string; metric: string; value: number; accuracy: number }[] };
}
interface RunView {
  status: string;
  message?: string;
  epochs: EpochView[];
  info: { config: { model: { embedding: { wordDim: number } } }; vectors?: { fileName: string; dim: number; coverage: { percent: number; words: number } } };
}

function runView(page: Page, runId: string): Promise<RunView> {
  return page.evaluate((id) => {
    const hooks = (window as unknown as { __mtaa: { store: { getState(): { runs: Record<string, unknown> } } } }).__mtaa;
    return JSON.parse(JSON.stringify(hooks.store.getState().runs[id])) as RunView;
  }, runId);
}

async function openWorkbench(page: Page): Promise<void> {
  await page.goto('/?testhooks&backend=wasm');
  await expect(page.getByTestId('dataset-name')).toHaveText('en_ewt-ud-sample.conllu');
  await expect(page.getByTestId('backend-active')).toHaveText('wasm', { timeout: 60_000 });
  await page.getByTestId('preset-select').selectOption('tiny');
}

/** Draft settings the form does not show (dev share), through the store. */
async function patchDraftTrain(page: Page, patch: Record<string, number>): Promise<void> {
  await page.evaluate((p) => {
    type Draft = { train: Record<string, number> };
    const hooks = (window as unknown as { __mtaa: { store: { getState(): { draft: Draft; setDraft(d: Draft): void } } } }).__mtaa;
    const { draft, setDraft } = hooks.store.getState();
    setDraft({ ...draft, train: { ...draft.train, ...p } });
  }, patch);
}

const allFinite = (values: number[]) => values.every((v) => Number.isFinite(v));

test('mixed partial-label files train without NaN and each task is scored only where it has labels', async ({ page }) => {
  test.setTimeout(150_000);
  const ner = cut('conll2003/eng.testa', [0, 3], 24);
  const pos = cut('conll2000/test.txt', [0, 1], 24);
  await openWorkbench(page);

  await dropFile(page, '[data-testid=drop-zone]', 'ner.conll', ner);
  await expect(page.getByTestId('dataset-name')).toHaveText('ner.conll');
  await expect(page.getByTestId('dataset-task-names')).toHaveText('NER');
  await page.getByTestId('add-file-input').setInputFiles({ name: 'pos.conll', mimeType: 'text/plain', buffer: Buffer.from(pos) });
  await expect(page.getByTestId('dataset-name')).toHaveText('ner.conll + pos.conll');
  await expect(page.getByTestId('dataset-sentences')).toHaveText('48');
  await expect(page.getByTestId('dataset-task-names')).toHaveText('NER · POS');
  const labelled = (task: string) => page.locator(`[data-testid=task-card][data-task=${task}]`).getByTestId('task-labelled');
  await expect(labelled('NER')).toHaveAttribute('data-count', '24');
  await expect(labelled('NER')).toHaveText('labels in 24 of 48 sentences');
  await expect(labelled('POS')).toHaveAttribute('data-count', '24');
  await expect(page.getByTestId('dataset-part')).toHaveCount(2);
  await expect(page.getByTestId('dataset-part-tasks')).toHaveText(['NER', 'POS']);

  // A bad file to add: file, line and problem named; the merged dataset stays as it was.
  await page.getByTestId('add-file-input').setInputFiles({ name: 'bad.conll', mimeType: 'text/plain', buffer: Buffer.from('the DT\ncat NN\nsat\n') });
  const error = page.getByTestId('load-error');
  await expect(error).toContainText('bad.conll');
  await expect(error).toContainText('line 3');
  await expect(page.getByTestId('dataset-name')).toHaveText('ner.conll + pos.conll');
  await expect(page.getByTestId('dataset-sentences')).toHaveText('48');
  await page.getByRole('button', { name: 'Dismiss error' }).click();
  await showView(page, 'data');
  await page.getByTestId('dataset-panel').screenshot({ path: artifact('partial-labels-dataset') });

  await patchDraftTrain(page, { devFraction: 0.25, epochs: 2 });
  await page.getByTestId('run-start').click();
  const card = page.locator('[data-testid=run-card][data-run-id="run-1"]');
  await expect(card).toHaveAttribute('data-status', 'completed', { timeout: 100_000 });
  const run = await runView(page, 'run-1');
  expect(run.epochs).toHaveLength(2);
  for (const e of run.epochs) {
    expect(allFinite([e.train.total, ...Object.values(e.train.tasks), e.dev.loss.total, ...Object.values(e.dev.loss.tasks)])).toBe(true);
    expect(Object.keys(e.dev.loss.tasks)).toEqual(['NER', 'POS']);
  }

  // The dev sentences with their gold tags (null where the file had no labels) and the model's
  // predictions (it holds the best epoch's weights now), read back through the inspector.
  const dev = await page.evaluate(async () => {
    type Inspection = { tasks: { task: string; predicted: string[]; gold: string[] | null }[] };
    const hooks = (window as unknown as { __mtaa: { worker(): { devSentences(n: number, id: string): Promise<{ index: number }[]>; inspectSentence(id: string, r: { devIndex: number }): Promise<Inspection> } } }).__mtaa;
    const worker = hooks.worker();
    const list = await worker.devSentences(1000, 'run-1');
    return Promise.all(list.map((s) => worker.inspectSentence('run-1', { devIndex: s.index })));
  });
  expect(dev).toHaveLength(12);
  const best = run.epochs.filter((e) => e.best).at(-1)!;
  for (const task of ['NER', 'POS']) {
    const rows = dev.map((s) => s.tasks.find((t) => t.task === task)!).filter((t) => t.gold !== null);
    const score = best.dev.scores.find((s) => s.task === task);
    const shown = card.locator(`[data-testid=epoch-result][data-epoch="${best.epoch}"] [data-testid=epoch-score][data-task=${task}]`);
    if (rows.length === 0) {
      // Not scored at all (rather than scored 0), and said so.
      expect(score).toBeUndefined();
      await expect(shown).toHaveAttribute('data-value', 'none');
      await expect(shown).toContainText('no dev labels');
      continue;
    }
    // Token accuracy over exactly the dev sentences that carry this task's labels.
    let right = 0;
    let total = 0;
    for (const row of rows) row.gold!.forEach((tag, i) => ((total += 1), (right += row.predicted[i] === tag ? 1 : 0)));
    expect(score).toBeDefined();
    expect(score!.accuracy).toBeCloseTo((100 * right) / total, 6);
    await expect(shown).toHaveAttribute('data-value', score!.value.toFixed(4));
  }
  await card.screenshot({ path: artifact('partial-labels-run') });

  // A dev set of one sentence comes from one file: the other file's task has no dev labels, so it
  // is shown as such, left out of the scores, and the mean dev score is the scored task's alone.
  await patchDraftTrain(page, { devFraction: 0.01, epochs: 1 });
  await page.getByTestId('run-start').click();
  const second = page.locator('[data-testid=run-card][data-run-id="run-2"]');
  await expect(second).toHaveAttribute('data-status', 'completed', { timeout: 100_000 });
  const [epoch] = (await runView(page, 'run-2')).epochs;
  expect(epoch!.dev.scores).toHaveLength(1);
  const scored = epoch!.dev.scores[0]!;
  const unscored = scored.task === 'NER' ? 'POS' : 'NER';
  const scores = second.getByTestId('epoch-score');
  await expect(second.locator(`[data-testid=epoch-score][data-task=${unscored}]`)).toHaveAttribute('data-value', 'none');
  await expect(second.locator(`[data-testid=epoch-score][data-task=${unscored}]`)).toContainText(`${unscored} no dev labels`);
  await expect(second.locator(`[data-testid=epoch-score][data-task=${scored.task}]`)).toHaveAttribute('data-value', scored.value.toFixed(4));
  await expect(scores).toHaveCount(2);
  await expect(second.getByTestId('epoch-result')).toHaveAttribute('data-dev-score', scored.value.toFixed(4));
  await second.screenshot({ path: artifact('partial-labels-no-dev-labels') });
});

test('pre-trained vectors: progress while reading, coverage reported, a bad file refused, runs use them', async ({ page }) => {
  test.setTimeout(150_000);
  const data = cut('conll2000/test.txt', [0, 1, 2], 16);
  await openWorkbench(page);
  await dropFile(page, '[data-testid=drop-zone]', 'chunks.conll', data);
  await expect(page.getByTestId('dataset-name')).toHaveText('chunks.conll');

  // Vectors for every other word type of the dataset (8 dimensions), then filler words the data
  // never uses: enough lines that the reader reports progress several times.
  const types = [...new Set(data.split('\n').filter((l) => l.trim()).map((l) => l.split(' ')[0]!))];
  const covered = types.filter((_, i) => i % 2 === 0);
  const row = (word: string, i: number) => `${word} ${Array.from({ length: 8 }, (_, k) => (((i * 7 + k * 3) % 11) / 10 - 0.5).toFixed(3)).join(' ')}`;
  const filler = Array.from({ length: 200_000 }, (_, i) => row(`filler${i}`, i));
  const glove = `${[...covered.map(row), ...filler].join('\n')}\n`;

  // A ragged line: refused with file and line, nothing loaded.
  await page.getByTestId('vectors-input').setInputFiles({ name: 'bad.vec', mimeType: 'text/plain', buffer: Buffer.from('a 1 2 3\nb 1 2 3\nc 1 2\n') });
  await expect(page.getByTestId('vectors-error')).toContainText('bad.vec:3: expected a word and 3 values');
  await expect(page.getByTestId('vectors-info')).toHaveCount(0);

  // The file is made in the page before the watch starts: building a 10 MB File from the test's
  // string is the harness's work on the main thread, not the workbench's.
  const transfer = await page.evaluateHandle((text) => {
    const t = new DataTransfer();
    t.items.add(new File([text], 'tiny.glove.txt', { type: 'text/plain' }));
    return t;
  }, glove);
  await page.evaluate(() => {
    type State = { vectorsLoading: { fraction: number } | null };
    const w = window as unknown as { __mtaa: { store: { subscribe(f: (s: State) => void): void } }; __progress: number[]; __longTasks: number[] };
    w.__progress = [];
    w.__mtaa.store.subscribe((s) => {
      if (s.vectorsLoading) w.__progress.push(s.vectorsLoading.fraction);
    });
    // The file is read in the worker: the page must stay responsive meanwhile.
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.__longTasks.push(entry.duration);
    }).observe({ type: 'longtask' });
  });
  await page.dispatchEvent('[data-testid=vectors-panel]', 'dragover', { dataTransfer: transfer });
  await page.dispatchEvent('[data-testid=vectors-panel]', 'drop', { dataTransfer: transfer });
  // Waited for with a plain query: a locator assertion that finds no element yet takes an ARIA
  // snapshot of the whole page on its main thread at every retry, which the observer would count.
  await expect.poll(() => page.evaluate(() => document.querySelector('[data-testid=vectors-info]')?.getAttribute('data-dim') ?? null), { timeout: 60_000 }).toBe('8');
  const longTasks = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
  const info = page.getByTestId('vectors-info');
  await expect(info).toContainText(`${(covered.length + filler.length).toLocaleString('en-US')} vectors of 8 dimensions`);
  const progress = await page.evaluate(() => (window as unknown as { __progress: number[] }).__progress);
  expect(longTasks.filter((d) => d > 50), `long tasks (ms): ${longTasks.join(', ')}`).toEqual([]);
  expect(progress.filter((f) => f > 0 && f < 1).length).toBeGreaterThanOrEqual(3);
  expect(progress).toEqual([...progress].sort((a, b) => a - b));
  // Coverage of the dataset's word types: those we wrote vectors for, plus those whose lowercase form has one.
  const known = new Set(covered);
  const hits = types.filter((t) => known.has(t) || known.has(t.toLowerCase())).length;
  expect(hits).toBeGreaterThan(0);
  expect(hits).toBeLessThan(types.length);
  const percent = ((100 * hits) / types.length).toFixed(1);
  await expect(page.getByTestId('vectors-coverage')).toHaveAttribute('data-percent', percent);
  await expect(page.getByTestId('vectors-coverage')).toContainText(`${percent}% of the ${types.length} word types of chunks.conll`);
  await expect(page.getByTestId('vectors-use')).toBeChecked();
  await page.getByTestId('vectors-panel').screenshot({ path: artifact('vectors-loaded') });

  await patchDraftTrain(page, { epochs: 1 });
  await page.getByTestId('run-start').click();
  const card = page.locator('[data-testid=run-card][data-run-id="run-1"]');
  await expect(card.getByTestId('run-vectors')).toHaveAttribute('data-file', 'tiny.glove.txt');
  await expect(card.getByTestId('run-vectors')).toHaveAttribute('data-dim', '8');
  await expect(card).toHaveAttribute('data-status', 'completed', { timeout: 100_000 });
  const run = await runView(page, 'run-1');
  expect(run.info.config.model.embedding.wordDim).toBe(8);
  expect(run.info.vectors!.coverage.percent).toBeGreaterThan(0);
  expect(allFinite(run.epochs.map((e) => e.train.total))).toBe(true);

  // Unticked: the next run keeps the preset's word table.
  await page.getByTestId('vectors-use').uncheck();
  await page.getByTestId('run-start').click();
  const second = page.locator('[data-testid=run-card][data-run-id="run-2"]');
  await expect(second).toHaveAttribute('data-status', /running|completed/);
  await expect(second.getByTestId('run-vectors')).toHaveCount(0);
  expect((await runView(page, 'run-2')).info.config.model.embedding.wordDim).toBe(16);
});

test('a run on merged files survives a reload and resumes on the stored files', async ({ page }) => {
  test.setTimeout(150_000);
  await openWorkbench(page);
  await dropFile(page, '[data-testid=drop-zone]', 'ner.conll', cut('conll2003/eng.testa', [0, 3], 12));
  await expect(page.getByTestId('dataset-name')).toHaveText('ner.conll');
  await page.getByTestId('add-file-input').setInputFiles({ name: 'pos.conll', mimeType: 'text/plain', buffer: Buffer.from(cut('conll2000/test.txt', [0, 1], 12)) });
  await expect(page.getByTestId('dataset-name')).toHaveText('ner.conll + pos.conll');
  await patchDraftTrain(page, { epochs: 400, devFraction: 0.25 });
  await page.getByTestId('run-start').click();
  await expect(page.locator('[data-testid=run-card][data-run-id="run-1"]')).toHaveAttribute('data-status', 'running');
  await expect.poll(async () => (await runView(page, 'run-1')).epochs.length, { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
  // Let the recorder write the epoch's checkpoint and the dataset (it flushes every second).
  await page.waitForTimeout(1500);

  await page.reload();
  await expect(page.getByTestId('backend-active')).toHaveText('wasm', { timeout: 60_000 });
  // The page opens on the merged files again, and the run's own data (both files) comes from storage.
  await expect(page.getByTestId('dataset-name')).toHaveText('ner.conll + pos.conll');
  const card = page.locator('[data-testid=run-card][data-run-id="run-1"]');
  await expect(card).toHaveAttribute('data-status', 'interrupted');
  const lastEpoch = (await runView(page, 'run-1')).epochs.at(-1)!.epoch;
  await card.getByTestId('run-label').click();
  await page.getByTestId('run-resume').click();
  await expect(card).toHaveAttribute('data-status', 'running');
  await expect.poll(async () => (await runView(page, 'run-1')).epochs.at(-1)!.epoch, { timeout: 60_000 }).toBeGreaterThan(lastEpoch);
  const run = await runView(page, 'run-1');
  expect(run.epochs.at(-1)!.dev.loss.tasks).toEqual({ NER: expect.any(Number), POS: expect.any(Number) });
  expect(allFinite(run.epochs.map((e) => e.train.total))).toBe(true);
  await page.getByTestId('run-stop').click();
  await expect(card).toHaveAttribute('data-status', 'stopped');
});
