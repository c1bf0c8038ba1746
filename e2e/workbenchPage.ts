/** Steps the browser journeys share: short training data from the sample, and settings fields. */
import { readFileSync } from 'node:fs';
import { expect, type Page } from '@playwright/test';

/**
 * `count` sentences of at most 6 tokens from the built-in sample (after skipping `skip` of them), as
 * a CoNLL-U file: with the tiny preset an epoch takes a second or two, so journeys see many epochs.
 */
export function shortSentences(count = 16, skip = 0): string {
  const blocks = readFileSync('public/samples/en_ewt-ud-sample.conllu', 'utf8').split(/\n\s*\n/).filter((b) => b.trim());
  const short = blocks.filter((b) => b.split('\n').filter((line) => /^\d+\t/.test(line)).length <= 6).slice(skip, skip + count);
  return `${short.join('\n\n')}\n\n`;
}

/** Types a value into a settings field and commits it with Enter, as a user would. */
export async function setNumber(page: Page, testId: string, value: number): Promise<void> {
  const input = page.getByTestId(testId);
  await input.fill(String(value));
  await input.press('Enter');
  await expect(page.getByTestId(testId)).toHaveValue(String(value));
}

/** The main pane's views (src/ui/store/viewSlice.ts), by their tab's test id. */
export type MainView = 'curves' | 'scores' | 'compare' | 'inspector' | 'tagText' | 'study' | 'data';

/**
 * Shows a view of the main pane by clicking its tab, as a user would. The other views stay in the
 * page (hidden): their text can be read without this, but not clicked, filled or screenshotted.
 */
export async function showView(page: Page, view: MainView): Promise<void> {
  await page.getByTestId(`view-tab-${view}`).click();
  await expect(page.getByTestId(`view-${view}`)).toBeVisible();
}
