import type { Page } from '@playwright/test';

/** Drops a file on an element the way a user's drag and drop does (a real `drop` DragEvent). */
export async function dropFile(page: Page, selector: string, name: string, content: Buffer | string): Promise<void> {
  const base64 = Buffer.from(content).toString('base64');
  const dataTransfer = await page.evaluateHandle(
    ({ name, base64 }) => {
      const binary = atob(base64);
      const bytes = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], name, { type: 'text/plain' }));
      return transfer;
    },
    { name, base64 },
  );
  await page.dispatchEvent(selector, 'dragover', { dataTransfer });
  await page.dispatchEvent(selector, 'drop', { dataTransfer });
}
