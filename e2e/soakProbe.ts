/**
 * What the page soak (bench/soak/pageSoak.spec.ts) and its short version in `npm test`
 * (e2e/soak.spec.ts) measure after each step of a long session, and the steps themselves:
 * - the trainer worker's live tfjs tensors and their bytes, the runs its session holds, the records
 *   per IndexedDB object store and the origin's storage use (the `memorySample` test hook);
 * - the runs the page's store holds;
 * - with `heap: true`, each JS heap after a forced GC, read over the Chrome DevTools Protocol: the
 *   page's (its own CDP session, with its DOM node and event-listener counts) and the workers'
 *   (the trainer and its gradient peers: the browser's CDP session attaches to each worker target;
 *   `performance.memory` does not exist in workers, and `measureUserAgentSpecificMemory` needs
 *   cross-origin isolation, which the app does not have).
 */
import { expect, type Browser, type CDPSession, type Page } from '@playwright/test';
import type { WorkerMemorySample } from '../src/protocol.ts';

export interface HealthSample extends WorkerMemorySample {
  /** What had just happened ("baseline", "run-3 trained", "run-3 deleted", …). */
  step: string;
  /** Runs in the page's store. */
  storeRuns: number;
  /** JS heap in use after a GC, bytes (heap samples only). */
  pageHeap?: number;
  trainerHeap?: number;
  /** The gradient peers' heaps together (nested workers that compute part of each step on WASM). */
  peersHeap?: number;
  /** The page's DOM nodes and JS event listeners (CDP `Memory.getDOMCounters`, after the GC). */
  domNodes?: number;
  listeners?: number;
}

type Hooks = { __mtaa: { store: { getState(): { runs: Record<string, unknown> } }; worker(): { memorySample(): Promise<WorkerMemorySample> } } };

/** The worker's and the store's figures (no GC, no heap). */
async function pageSample(page: Page): Promise<Omit<HealthSample, 'step'>> {
  return page.evaluate(async () => {
    const hooks = (window as unknown as Hooks).__mtaa;
    const worker = await hooks.worker().memorySample();
    return { ...worker, storeRuns: Object.keys(hooks.store.getState().runs).length };
  });
}

/** A worker target attached without flattening: its commands travel inside the browser session's messages. */
class WorkerTarget {
  private id = 0;
  private readonly waiting = new Map<number, (result: unknown) => void>();
  constructor(
    private readonly browser: CDPSession,
    private readonly sessionId: string,
    readonly url: string,
  ) {}

  received(message: { id?: number; result?: unknown; error?: { message: string } }): void {
    if (message.id === undefined) return;
    const resolve = this.waiting.get(message.id);
    this.waiting.delete(message.id);
    resolve?.(message.error ? new Error(message.error.message) : message.result);
  }

  async send<T>(method: string, params: object = {}): Promise<T> {
    const id = ++this.id;
    const answer = new Promise<unknown>((resolve) => this.waiting.set(id, resolve));
    await this.browser.send('Target.sendMessageToTarget', { sessionId: this.sessionId, message: JSON.stringify({ id, method, params }) });
    const result = await Promise.race([answer, new Promise<Error>((resolve) => setTimeout(() => resolve(new Error(`${method}: no answer from ${this.url}`)), 30_000))]);
    if (result instanceof Error) throw result;
    return result as T;
  }

  async heapAfterGc(): Promise<number> {
    await this.send('HeapProfiler.collectGarbage');
    return (await this.send<{ usedSize: number }>('Runtime.getHeapUsage')).usedSize;
  }
}

export class HealthProbe {
  readonly samples: HealthSample[] = [];
  private readonly workers = new Map<string, WorkerTarget>();
  private readonly bySession = new Map<string, WorkerTarget>();

  private constructor(
    private readonly page: Page,
    private readonly pageCdp: CDPSession | null,
    private readonly browserCdp: CDPSession | null,
  ) {
    browserCdp?.on('Target.receivedMessageFromTarget', (event: { sessionId: string; message: string }) => {
      this.bySession.get(event.sessionId)?.received(JSON.parse(event.message) as { id?: number });
    });
    browserCdp?.on('Target.detachedFromTarget', (event: { sessionId: string; targetId?: string }) => {
      this.bySession.delete(event.sessionId);
      if (event.targetId) this.workers.delete(event.targetId);
    });
  }

  /** A probe of `page`; with `heap`, also of the JS heaps (CDP sessions on the page and the browser). */
  static async attach(page: Page, browser: Browser, { heap }: { heap: boolean }): Promise<HealthProbe> {
    if (!heap) return new HealthProbe(page, null, null);
    return new HealthProbe(page, await page.context().newCDPSession(page), await browser.newBrowserCDPSession());
  }

  /** The app's workers now (trainer and gradient peers), attached once each. */
  private async workerTargets(): Promise<WorkerTarget[]> {
    const cdp = this.browserCdp!;
    const { targetInfos } = await cdp.send('Target.getTargets');
    const origin = new URL(this.page.url()).origin;
    for (const target of targetInfos) {
      if (target.type !== 'worker' || !target.url.startsWith(origin) || this.workers.has(target.targetId)) continue;
      const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false });
      const worker = new WorkerTarget(cdp, sessionId, target.url);
      this.workers.set(target.targetId, worker);
      this.bySession.set(sessionId, worker);
    }
    const alive = new Set(targetInfos.map((t) => t.targetId));
    for (const id of [...this.workers.keys()]) if (!alive.has(id)) this.workers.delete(id);
    return [...this.workers.values()];
  }

  private async heaps(): Promise<Pick<HealthSample, 'pageHeap' | 'trainerHeap' | 'peersHeap' | 'domNodes' | 'listeners'>> {
    const cdp = this.pageCdp!;
    await cdp.send('HeapProfiler.collectGarbage');
    const pageHeap = (await cdp.send('Runtime.getHeapUsage')).usedSize;
    const dom = await cdp.send('Memory.getDOMCounters');
    let trainerHeap = 0;
    let peersHeap = 0;
    for (const worker of await this.workerTargets()) {
      const used = await worker.heapAfterGc();
      if (/trainer/i.test(worker.url)) trainerHeap += used;
      else peersHeap += used;
    }
    return { pageHeap, trainerHeap, peersHeap, domNodes: dom.nodes, listeners: dom.jsEventListeners };
  }

  /** Samples everything after `step` (heaps after a forced GC when attached with `heap`). */
  async sample(step: string): Promise<HealthSample> {
    const heaps = this.pageCdp ? await this.heaps() : {};
    const sample: HealthSample = { step, ...(await pageSample(this.page)), ...heaps };
    this.samples.push(sample);
    return sample;
  }
}

const mb = (bytes: number | null | undefined) => (bytes === null || bytes === undefined ? '–' : (bytes / 2 ** 20).toFixed(2));
const recordsText = (records: Record<string, number>) =>
  Object.entries(records)
    .map(([store, n]) => `${store} ${n}`)
    .join(', ');

/** The samples as a Markdown table (what RELIABILITY.md records). */
export function healthTable(samples: readonly HealthSample[]): string {
  const heap = samples.some((s) => s.pageHeap !== undefined);
  const head = ['step', 'tensors', 'tensor MB', 'worker runs', 'store runs', ...(heap ? ['page heap MB', 'trainer heap MB', 'peers heap MB', 'DOM nodes', 'listeners'] : []), 'storage MB', 'IndexedDB records'];
  const rows = samples.map((s) => [
    s.step,
    String(s.tensors ?? '–'),
    mb(s.tensorBytes),
    String(s.runs),
    String(s.storeRuns),
    ...(heap ? [mb(s.pageHeap), mb(s.trainerHeap), mb(s.peersHeap), String(s.domNodes ?? '–'), String(s.listeners ?? '–')] : []),
    mb(s.storageUsage),
    recordsText(s.records),
  ]);
  return [head, head.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** Starts a run with the draft (Start) and waits for `runId` (the id it gets) to complete. */
export async function trainOneRun(page: Page, runId: string, timeout = 120_000): Promise<void> {
  await page.getByTestId('run-start').click();
  await expect(runCard(page, runId)).toHaveAttribute('data-status', 'completed', { timeout });
}

export const runCard = (page: Page, runId: string) => page.locator(`[data-testid=run-card][data-run-id="${runId}"]`);

/**
 * Deletes a run through its card (Delete, then the confirmation), as a user does; waits for the card
 * to go and, when no run is left, for the charts to say so (they redraw at most once a second, so
 * until then they still draw the deleted run: its legend, axes and buttons).
 */
export async function deleteRunByCard(page: Page, runId: string): Promise<void> {
  await runCard(page, runId).getByTestId('run-delete').click();
  await runCard(page, runId).getByTestId('run-delete-confirm').click();
  await expect(runCard(page, runId)).toHaveCount(0);
  if ((await page.getByTestId('run-card').count()) === 0) await expect(page.getByTestId('charts-empty')).toHaveCount(1);
}

/** The figures that must come back exactly: tensors, tensor bytes, runs held, records per store. */
export function exactFigures(s: HealthSample): Pick<HealthSample, 'tensors' | 'tensorBytes' | 'runs' | 'storeRuns' | 'records'> {
  return { tensors: s.tensors, tensorBytes: s.tensorBytes, runs: s.runs, storeRuns: s.storeRuns, records: s.records };
}

/**
 * The baseline's exact figures once a run has been started: plus the one record of the run-id
 * counter (src/workbench/tabs/runIds.ts), written by the first run and kept for good, since ids are
 * never handed out twice across tabs. One record whatever the number of runs: not growth.
 */
export function exactFiguresAfterFirstRun(baseline: HealthSample): ReturnType<typeof exactFigures> {
  const figures = exactFigures(baseline);
  return { ...figures, records: { ...figures.records, values: figures.records.values + 1 } };
}
