/**
 * Completed runs for journeys that need many runs on the page without training each of them: a
 * run the page trained (and the worker stored in IndexedDB) is copied under new run ids, its
 * history stretched over more epochs and its losses and scores scaled per copy so the curves differ. After a
 * reload the page restores the copies through its own path (worker `savedRuns`, `restoreRuns`),
 * exactly as it restores runs of an earlier visit.
 */
import type { Page } from '@playwright/test';

export interface SeedOptions {
  /** The stored run to copy (it must have at least one finished epoch). */
  templateRunId: string;
  /** Run ids of the copies, e.g. run-2 … run-9 (the worker numbers new runs after the highest). */
  runIds: string[];
  /** Epochs of history each copy gets (the template's first epoch, repeated with later step numbers). */
  epochs: number;
}

/** Writes the copies into the page's IndexedDB (database `mtaa-workbench`, see workers/idbRunStorage.ts). */
export async function seedCompletedRuns(page: Page, options: SeedOptions): Promise<void> {
  await page.evaluate(async ({ templateRunId, runIds, epochs }) => {
    type Json = Record<string, unknown>;
    const request = (r: IDBRequest) => new Promise<unknown>((resolve, reject) => {
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const db = (await request(indexedDB.open('mtaa-workbench'))) as IDBDatabase;
    const read = db.transaction(['runs', 'events'], 'readonly');
    const run = (await request(read.objectStore('runs').get(templateRunId))) as Json | undefined;
    const stored = (await request(read.objectStore('events').index('runId').getAll(templateRunId))) as { runId: string; event: Json }[];
    if (!run) throw new Error(`no stored run ${templateRunId}`);
    const steps = stored.map((s) => s.event).filter((e) => e.type === 'step' && e.epoch === 1);
    const firstEpoch = stored.map((s) => s.event).find((e) => e.type === 'epoch' && e.epoch === 1);
    if (steps.length === 0 || !firstEpoch) throw new Error(`${templateRunId} has no finished first epoch`);
    const stepsPerEpoch = Number(firstEpoch.step);

    /** Loss parts (protocol `LossParts`) times `f`. */
    const lossTimes = (loss: Json, f: number): Json => ({
      total: Number(loss.total) * f,
      tasks: Object.fromEntries(Object.entries(loss.tasks as Record<string, number>).map(([task, v]) => [task, v * f])),
      adversarial: Number(loss.adversarial) * f,
      orthogonality: Number(loss.orthogonality) * f,
    });
    /** Percent scores (protocol `TaskScore`) times `f`, at most 100. */
    const scoresTimes = (scores: Json[], f: number): Json[] => scores.map((s) => ({ ...s, value: Math.min(100, Number(s.value) * f), accuracy: Math.min(100, Number(s.accuracy) * f) }));

    const write = db.transaction(['runs', 'events'], 'readwrite');
    runIds.forEach((runId, index) => {
      const lossFactor = 1 + 0.08 * (index + 1);
      const scoreFactor = 1 - 0.03 * (index + 1);
      const events: Json[] = [];
      for (let epoch = 1; epoch <= epochs; epoch++) {
        // Later epochs: lower losses, higher scores, as training would give.
        const decay = 1 / (1 + 0.25 * (epoch - 1));
        for (const step of steps) {
          events.push({ ...step, loss: lossTimes(step.loss as Json, lossFactor * decay), runId, epoch, step: Number(step.step) + (epoch - 1) * stepsPerEpoch });
        }
        const dev = firstEpoch.dev as Json;
        const scores = scoresTimes(dev.scores as Json[], scoreFactor * (1 + 0.04 * (epoch - 1)));
        const devScore = scores.reduce((sum, s) => sum + Number(s.value), 0) / scores.length;
        events.push({ ...firstEpoch, runId, epoch, step: epoch * stepsPerEpoch, train: lossTimes(firstEpoch.train as Json, lossFactor * decay), dev: { ...dev, scores, loss: lossTimes(dev.loss as Json, lossFactor * decay) }, devScore, best: epoch === epochs });
      }
      const last = events[events.length - 1] as { dev: { scores: unknown[] } };
      events.push({ type: 'done', runId, reason: 'completed', epochs, bestEpoch: epochs, best: last.dev.scores, seconds: 60 * epochs });
      const info = run.info as Json;
      write.objectStore('runs').put({ ...run, runId, info: { ...info, runId, label: `MTAA copy ${index + 1}` }, status: 'completed', message: undefined, updatedAt: Date.now() });
      for (const event of events) write.objectStore('events').add({ runId, event });
    });
    await new Promise<void>((resolve, reject) => {
      write.oncomplete = () => resolve();
      write.onerror = () => reject(write.error);
    });
    db.close();
  }, options);
}
