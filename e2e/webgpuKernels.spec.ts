/**
 * The fused WebGPU kernels against their plain implementations, in headless Chromium's WebGPU
 * (a software adapter here; Node has no WebGPU adapter without a GPU). One test per check file
 * (`src/**\/*.webgpuCheck.ts`); a check fails with its name, error and tolerance when its maximum
 * relative error exceeds its tolerance, when it throws, or when the device reports an error.
 * The page is a build of its own (see kernelCheckServer.ts).
 */
import { readdirSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { KERNEL_CHECK_URL } from './kernelCheckServer.ts';
import type { KernelCheckReply, KernelCheckRequest, KernelCheckWindow } from './webgpu/protocol.ts';

const checkFiles = (readdirSync('src', { recursive: true }) as string[])
  .map((path) => `src/${path.split('\\').join('/')}`)
  .filter((path) => path.endsWith('.webgpuCheck.ts'))
  .sort();

test('there are WebGPU kernel checks to run', () => {
  expect(checkFiles.length).toBeGreaterThan(0);
});

/** Runs checks on a fresh load of the page. */
async function runChecks(page: Page, request: KernelCheckRequest): Promise<KernelCheckReply> {
  await page.goto(KERNEL_CHECK_URL);
  await page.waitForFunction(() => typeof (window as unknown as Partial<KernelCheckWindow>).runKernelChecks === 'function');
  return page.evaluate((r) => (window as unknown as KernelCheckWindow).runKernelChecks(r), request);
}

for (const file of checkFiles) {
  test(`WebGPU kernel checks: ${file}`, async ({ page }) => {
    // SwiftShader is ~50× slower than a GPU and compiles each new shader on first use.
    test.setTimeout(300_000);
    const reply = await runChecks(page, { files: [file] });
    if (!reply.ok) throw new Error(`${file}: ${reply.error}`);
    expect(reply.backend, `adapter: ${reply.adapter}`).toBe('webgpu');
    expect(reply.results.length, `${file} exports no checks`).toBeGreaterThan(0);
    for (const r of reply.results) {
      process.stderr.write(`${r.name}: max rel error ${r.maxRelError.toExponential(2)} (tolerance ${r.tolerance})${r.detail ? ` [${r.detail}]` : ''} on ${reply.adapter}\n`);
    }
    const failures = reply.results
      .filter((r) => r.error !== undefined || !(r.maxRelError <= r.tolerance))
      .map((r) => `${r.name}: ${r.error ?? `max rel error ${r.maxRelError} > tolerance ${r.tolerance}`}${r.detail ? ` [${r.detail}]` : ''}`);
    expect(failures, failures.join('\n')).toEqual([]);
  });
}
