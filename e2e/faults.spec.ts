/**
 * Injected faults (test hooks, on only with `?testhooks`): a NaN loss, a lost WebGPU device, a WebGPU
 * validation error, the trainer worker dying mid-epoch and a full IndexedDB quota. Each ends with a clear message on the run, keeps the metrics
 * history from before the fault and the last good checkpoint, and resume continues from it. (An
 * exception inside a step is in training.spec.ts.)
 */
import { expect, test, type Page } from '@playwright/test';
import { dropFile } from './dropFile.ts';
import { setNumber, shortSentences } from './workbenchPage.ts';

const artifact = (name: string) => `e2e-artifacts/${name}.png`;

interface EpochView {
  epoch: number;
  step: number;
  devScore: number;
  train: { total: number };
}
interface RunView {
  status: string;
  message?: string;
  info: { backend: string; config: unknown };
  epochs: EpochView[];
  steps: { step: number }[];
}

/** The store's view of run-1 (an empty history until the run exists). */
async function run1(page: Page): Promise<RunView> {
  const run = await page.evaluate(() => {
    const hooks = (window as unknown as { __mtaa: { store: { getState(): { runs: Record<string, unknown> } } } }).__mtaa;
    return JSON.stringify(hooks.store.getState().runs['run-1'] ?? null);
  });
  return (JSON.parse(run) as RunView | null) ?? { status: 'none', info: { backend: '', config: null }, epochs: [], steps: [] };
}

function hook(page: Page, name: 'simulateNaN' | 'simulateDeviceLost' | 'simulateQuotaExceeded' | 'simulateGpuError', arg: string | number = 0): Promise<void> {
  return page.evaluate(
    ({ name, arg }) => {
      const hooks = (window as unknown as { __mtaa: { worker(): Record<string, (a: string | number) => Promise<void>> } }).__mtaa;
      return hooks.worker()[name]!(arg);
    },
    { name, arg },
  );
}

/** Opens the page on `backend`, loads the short file and starts a long tiny run; waits for `epochs` epochs. */
async function startLongRun(page: Page, backend: string, epochs: number): Promise<RunView> {
  await page.goto(`/?testhooks&backend=${backend}`);
  await expect(page.getByTestId('dataset-name')).toHaveText('en_ewt-ud-sample.conllu');
  await expect(page.getByTestId('backend-active')).toHaveText(backend, { timeout: 60_000 });
  await dropFile(page, '[data-testid=drop-zone]', 'short.conllu', shortSentences());
  await expect(page.getByTestId('dataset-name')).toHaveText('short.conllu');
  await page.getByTestId('preset-select').selectOption('tiny');
  await setNumber(page, 'field-batchSize', 4);
  await setNumber(page, 'field-epochs', 500);
  await page.getByTestId('run-start').click();
  await expect.poll(async () => (await run1(page)).epochs.length, { timeout: 150_000 }).toBeGreaterThanOrEqual(epochs);
  return run1(page);
}

const card = (page: Page) => page.locator('[data-testid=run-card][data-run-id="run-1"]');

/** The history before the fault is still there, unchanged, at the start of the run's history now. */
async function expectHistoryKept(page: Page, before: RunView): Promise<void> {
  const now = await run1(page);
  expect(now.epochs.slice(0, before.epochs.length)).toEqual(before.epochs);
  expect(now.steps.slice(0, before.steps.length)).toEqual(before.steps);
  expect(now.info.config).toEqual(before.info.config);
}

/**
 * Resumes and checks that the next epoch continues from the checkpoint named in the message, and
 * that the history holds each epoch once (those after the checkpoint were dropped at the resume).
 */
async function expectResumeFrom(page: Page, checkpointEpoch: number, backend: string | RegExp): Promise<void> {
  await page.getByTestId('run-resume').click();
  await expect(card(page)).toHaveAttribute('data-status', 'running');
  await expect(card(page).getByTestId('run-backend')).toHaveText(backend);
  await expect.poll(async () => (await run1(page)).epochs.at(-1)?.epoch ?? 0, { timeout: 150_000 }).toBeGreaterThan(checkpointEpoch);
  const epochs = (await run1(page)).epochs;
  expect(epochs.map((e) => e.epoch)).toEqual(epochs.map((_, i) => i + 1));
  const next = epochs[checkpointEpoch]!;
  expect(next.epoch).toBe(checkpointEpoch + 1);
  expect(Number.isFinite(next.train.total)).toBe(true);
  await page.getByTestId('run-stop').click();
  await expect(card(page)).toHaveAttribute('data-status', 'stopped');
}

function epochIn(message: string): number {
  return Number(/from epoch (\d+)/.exec(message)![1]);
}

test('a NaN loss stops the run with its message, keeps the best weights and history; resume continues', async ({ page }) => {
  test.setTimeout(300_000);
  await startLongRun(page, 'wasm', 2);
  const before = await run1(page);
  await hook(page, 'simulateNaN', 'run-1');
  await expect(card(page)).toHaveAttribute('data-status', 'failed', { timeout: 60_000 });
  const message = card(page).getByTestId('run-message');
  await expect(message).toContainText(/the loss became NaN at step \d+; the run stopped and kept its best weights \(epoch \d+\)/);
  await expectHistoryKept(page, before);
  await page.screenshot({ path: artifact('fault-nan'), fullPage: true });

  // The kept weights are exportable: the model archive of the failed run.
  const [download] = await Promise.all([page.waitForEvent('download'), card(page).getByTestId('export-model').click()]);
  expect(download.suggestedFilename()).toMatch(/^mtaa-.*-run-1\.zip$/);
  // The last checkpoint with finite weights: an epoch whose last batch turned the weights NaN still
  // reports a finite training loss, so the message, not the loss history, says where resume starts.
  const lastGood = epochIn((await message.textContent()) ?? '');
  expect(lastGood).toBeGreaterThanOrEqual(before.epochs.length - 1);
  await expectResumeFrom(page, lastGood, 'cpu');
});

test('a lost WebGPU device fails the run as device-lost; it resumes on the next backend from its checkpoint', async ({ page }) => {
  test.setTimeout(300_000);
  await startLongRun(page, 'webgpu', 1);
  const before = await run1(page);
  expect(before.info.backend).toBe('webgpu');
  await hook(page, 'simulateDeviceLost', 'simulated GPU reset');
  await expect(card(page)).toHaveAttribute('data-status', 'failed', { timeout: 60_000 });
  const message = card(page).getByTestId('run-message');
  // Dropping the lost backend destroys its device, whose own \`lost\` report ("Device was destroyed.")
  // can reach the run first; either way the run fails as device-lost and names its resume point.
  // On the software adapter the epoch checkpoint's readback may still be pending (then epoch 0).
  await expect(message).toContainText(/The webgpu device was lost \((simulated GPU reset|Device was destroyed\.)\)\. Resume continues from epoch \d+ on webgl/);
  // tfjs moved on by itself; WebGPU is marked failed in the picker.
  await expect(page.getByTestId('backend-active')).toHaveText('webgl', { timeout: 60_000 });
  await expect(page.getByTestId('backend-message')).toContainText('webgpu was lost');
  await expectHistoryKept(page, before);
  await page.screenshot({ path: artifact('fault-device-lost'), fullPage: true });
  // Known gap (RELIABILITY.md): after the destroyed device's second report the resume can land one
  // backend further (WASM) than the message names; it must still leave WebGPU and continue from the
  // named checkpoint.
  await expectResumeFrom(page, epochIn((await message.textContent()) ?? ''), /^(webgl|wasm)$/);
});

test('a WebGPU validation error fails the run as a backend error, not silently; it resumes on the next backend', async ({ page }) => {
  test.setTimeout(300_000);
  await startLongRun(page, 'webgpu', 1);
  const before = await run1(page);
  expect(before.info.backend).toBe('webgpu');
  // A real uncaptured error from the device, as an invalid tfjs kernel raises (its output is garbage).
  await hook(page, 'simulateGpuError');
  await expect(card(page)).toHaveAttribute('data-status', 'failed', { timeout: 60_000 });
  const message = card(page).getByTestId('run-message');
  await expect(message).toContainText(/The webgpu backend reported an error \(WebGPU error: .*usage.*\)\. Resume continues from epoch \d+ on webgl/i);
  await expect(page.getByTestId('backend-active')).toHaveText('webgl', { timeout: 60_000 });
  await expect(page.getByTestId('backend-message')).toContainText('webgpu failed (WebGPU error:');
  await expectHistoryKept(page, before);
  await page.screenshot({ path: artifact('fault-gpu-error'), fullPage: true });
  await expectResumeFrom(page, epochIn((await message.textContent()) ?? ''), /^(webgl|wasm)$/);
});

test('the worker dying mid-epoch is noticed; a new worker takes over the run, which resumes from its checkpoint', async ({ page }) => {
  test.setTimeout(300_000);
  await startLongRun(page, 'wasm', 2);
  const before = await run1(page);
  await page.evaluate(() => (window as unknown as { __mtaa: { killWorker(): void } }).__mtaa.killWorker());

  await expect(page.getByTestId('training-error')).toContainText('The training worker stopped unexpectedly; a new one was started', { timeout: 30_000 });
  await expect(card(page)).toHaveAttribute('data-status', 'failed');
  const message = card(page).getByTestId('run-message');
  await expect(message).toContainText(/stopped unexpectedly \(crashed or was terminated\) while this run was running\. Resume continues from epoch \d+/);
  const checkpointEpoch = epochIn((await message.textContent()) ?? '');
  // The last epochs seen may have ended just before the kill, their checkpoints still on their way
  // to IndexedDB (read back, written in turn; on a loaded machine two epochs of this short run were
  // seen in flight): then Resume starts that much earlier (its history is rewound, see
  // expectResumeFrom, which checks it continues from exactly the epoch the message names).
  expect(checkpointEpoch).toBeGreaterThanOrEqual(1);
  expect(checkpointEpoch).toBeLessThanOrEqual(before.epochs.length);
  expect(await page.evaluate(() => (window as unknown as { __mtaa: { store: { getState(): { workerRestarts: number } } } }).__mtaa.store.getState().workerRestarts)).toBe(1);
  // The page kept its dataset, the run's config and its events.
  await expect(page.getByTestId('dataset-name')).toHaveText('short.conllu');
  await expectHistoryKept(page, before);
  await page.screenshot({ path: artifact('fault-worker-died'), fullPage: true });
  await expectResumeFrom(page, checkpointEpoch, 'wasm');
});

test('a full storage quota is said plainly while the run trains on; once writes succeed nothing is missing, also after a reload', async ({ page }) => {
  test.setTimeout(300_000);
  await startLongRun(page, 'wasm', 2);
  // The recorder flushes about once a second: 3 failed writes cover at least one flush with events
  // and a checkpoint in it, so those wait in memory and must reach the disk with a later write.
  await hook(page, 'simulateQuotaExceeded', 3);
  const banner = page.getByTestId('storage-error');
  await expect(banner).toContainText("The browser's storage is full", { timeout: 30_000 });
  await expect(banner).toContainText('could not be saved');
  await page.screenshot({ path: artifact('fault-quota'), fullPage: true });
  // Training is not interrupted by the storage failure.
  await expect(card(page)).toHaveAttribute('data-status', 'running');
  const during = (await run1(page)).epochs.length;
  // The next successful write clears the banner ("Runs are saved again").
  await expect(banner).toHaveCount(0, { timeout: 30_000 });
  await expect.poll(async () => (await run1(page)).epochs.length, { timeout: 150_000 }).toBeGreaterThan(during);
  await page.getByTestId('run-stop').click();
  await expect(card(page)).toHaveAttribute('data-status', 'stopped');
  // Let the recorder write the stop and the last events.
  await page.waitForTimeout(2500);
  const before = await run1(page);

  await page.reload();
  await expect(card(page)).toHaveAttribute('data-status', 'stopped', { timeout: 60_000 });
  const after = await run1(page);
  // Every epoch, including those reported while writes failed, came back from IndexedDB.
  expect(after.epochs.map((e) => [e.epoch, e.devScore])).toEqual(before.epochs.map((e) => [e.epoch, e.devScore]));
  expect(after.steps.length).toBeGreaterThan(0);
  expect(after.steps.at(-1)!.step).toBe(before.steps.at(-1)!.step);
});
