/**
 * Security journeys on the production build: the page loads and trains under its strict
 * Content-Security-Policy without one request outside its own origin, and text from a dropped file
 * (tokens, tags, a file name, an error message) that looks like HTML is shown literally and runs nothing.
 */
import { expect, test, type Page } from '@playwright/test';
import { dropFile } from './dropFile.ts';
import { showView } from './workbenchPage.ts';

const artifact = (name: string) => `e2e-artifacts/${name}.png`;

/** HTML that would run script if it ever reached the DOM as markup. */
const PAYLOADS = [
  '<img/src=x/onerror=window.__pwned=1>',
  '<script>window.__pwned=2</script>',
  '<svg/onload=window.__pwned=3>',
  '"><iframe/src=javascript:window.__pwned=4>',
];

/** Every request of the page and its worker, and every CSP complaint on the console. */
function watch(page: Page): { requests: string[]; violations: string[] } {
  const seen = { requests: [] as string[], violations: [] as string[] };
  page.context().on('request', (request) => seen.requests.push(request.url()));
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) seen.violations.push(message.text());
  });
  page.on('worker', (worker) => seen.requests.push(worker.url()));
  return seen;
}

function foreign(requests: readonly string[], origin: string): string[] {
  return requests.filter((url) => !url.startsWith('data:') && !url.startsWith('blob:') && new URL(url).origin !== origin);
}

test('loads and trains under a strict CSP without a request outside its own origin', async ({ page, baseURL }) => {
  test.setTimeout(180_000);
  const origin = new URL(baseURL!).origin;
  const seen = watch(page);
  const response = await page.goto('/?testhooks&backend=wasm');
  const header = response!.headers()['content-security-policy'] ?? '';
  expect(header).toContain("default-src 'self'");
  expect(header).toContain("connect-src 'self'");
  expect(header).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(header).not.toMatch(/https?:|'unsafe-eval'|\*/);
  expect(/script-src ([^;]*)/.exec(header)![1]).not.toContain('unsafe-inline');
  await expect(page.locator('meta[http-equiv="Content-Security-Policy"]')).toHaveAttribute('content', /connect-src 'self'/);

  await expect(page.getByTestId('dataset-name')).toHaveText('en_ewt-ud-sample.conllu');
  // WebAssembly compiled under 'wasm-unsafe-eval' in the worker: the wasm backend started.
  await expect(page.getByTestId('backend-active')).toHaveText('wasm', { timeout: 60_000 });
  await page.getByTestId('preset-select').selectOption('tiny');
  const epochs = page.getByTestId('field-epochs');
  await epochs.fill('1');
  await epochs.press('Enter');
  await page.getByTestId('run-start').click();
  const run = page.locator('[data-testid=run-card][data-run-id="run-1"]');
  await expect(run).toHaveAttribute('data-status', 'completed', { timeout: 150_000 });
  await expect(run.getByTestId('epoch-result')).toHaveCount(1);

  expect(seen.requests.length).toBeGreaterThan(3);
  expect(seen.requests.some((url) => url.endsWith('.wasm'))).toBe(true);
  expect(foreign(seen.requests, origin)).toEqual([]);
  expect(seen.violations).toEqual([]);
});

test('HTML in tokens, tags, file names and error messages is shown as text and runs nothing', async ({ page, baseURL }) => {
  test.setTimeout(180_000);
  const origin = new URL(baseURL!).origin;
  const seen = watch(page);
  await page.goto('/?testhooks&backend=wasm');
  await expect(page.getByTestId('dataset-name')).toHaveText('en_ewt-ud-sample.conllu');
  await expect(page.getByTestId('backend-active')).toHaveText('wasm', { timeout: 60_000 });

  // Words (mostly distinct, so this column reads as the words) and tags both carry the payloads;
  // 12 sentences so a dev split exists.
  const sentences = Array.from({ length: 12 }, (_, s) =>
    Array.from({ length: 6 }, (_, i) => `${i === s % 6 && i < PAYLOADS.length ? PAYLOADS[i] : `word${s}x${i}`} ${i < PAYLOADS.length ? PAYLOADS[(s + i) % PAYLOADS.length] : 'O'}`).join('\n'),
  );
  const fileName = '<img src=x onerror=window.__pwned=5>.conll';
  await dropFile(page, '[data-testid=drop-zone]', fileName, `${sentences.join('\n\n')}\n`);
  await expect(page.getByTestId('dataset-name')).toHaveText(fileName);
  const tags = page.getByTestId('task-card').first();
  for (const payload of PAYLOADS) await expect(tags).toContainText(payload);

  // An error message quoting the file's content.
  await dropFile(page, '[data-testid=drop-zone]', 'bad.conllu', `${PAYLOADS[1]}\tw\tl\tX\tX\t_\t0\troot\t_\t_\n`);
  await expect(page.getByTestId('load-error')).toContainText(`ID '${PAYLOADS[1]}' is not a word number`);

  // Words in the attention inspector after a short run.
  await page.getByTestId('preset-select').selectOption('tiny');
  const epochs = page.getByTestId('field-epochs');
  await epochs.fill('1');
  await epochs.press('Enter');
  await page.getByTestId('run-start').click();
  const run = page.locator('[data-testid=run-card][data-run-id="run-1"]');
  await expect(run).toHaveAttribute('data-status', 'completed', { timeout: 150_000 });
  await showView(page, 'inspector');
  await page.getByTestId('inspector-text').fill(PAYLOADS.join(' '));
  await page.getByTestId('inspector-submit').click();
  const inspection = page.getByTestId('inspection');
  await expect(inspection).toHaveAttribute('data-words', String(PAYLOADS.length));
  for (const payload of PAYLOADS) await expect(inspection).toContainText(payload);
  await page.screenshot({ path: artifact('security-html-as-text'), fullPage: true });

  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(await page.locator('#root img, #root iframe, #root script, #root svg[onload]').count()).toBe(0);
  expect(seen.requests.filter((url) => new URL(url, origin).pathname === '/x')).toEqual([]);
  expect(foreign(seen.requests, origin)).toEqual([]);
  expect(seen.violations).toEqual([]);
});
