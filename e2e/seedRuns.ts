/**
 * Finished runs for journeys that need many runs on the page without training each of them (ten
 * runs overlaid while one trains): their histories are made up here, shaped as the worker reports
 * them (step reports per interval, an epoch report with dev scores, discriminator accuracy and
 * attention per epoch, a live change, a done event), and handed to the page's store through the
 * `?testhooks` hook `seedRuns`, which folds them exactly as it folds runs restored after a reload.
 * The worker does not know these runs: they are for what the page draws, not for training.
 */
import type { Page } from '@playwright/test';
import type { RunConfig, SavedRun, StepEvent, TaskScore } from '../src/protocol.ts';

export interface SeedOptions {
  /** How many runs (ids `seed-1` …). */
  count: number;
  /** Finished epochs each run has. */
  epochs: number;
  /** Step reports per epoch (the trainer reports about 20 times an epoch). */
  reportsPerEpoch: number;
}

/** Task names and metric of the loaded dataset, and the draft config: what a run on it would carry. */
interface PageContext {
  tasks: { name: string; chunk: boolean }[];
  config: RunConfig;
  datasetName: string;
}

/** Made-up histories of `count` completed runs on the page's dataset (pure; deterministic). */
export function seededRuns(context: PageContext, { count, epochs, reportsPerEpoch }: SeedOptions): SavedRun[] {
  const names = context.tasks.map((t) => t.name);
  const pairs = names.flatMap((a, i) => names.slice(i + 1).map((b) => `${a}+${b}`));
  return Array.from({ length: count }, (_, index): SavedRun => {
    const runId = `seed-${index + 1}`;
    // Each run a little worse than the one before, so the curves are told apart.
    const skill = 1 - 0.04 * index;
    const events: SavedRun['events'] = [];
    let step = 0;
    for (let epoch = 1; epoch <= epochs; epoch++) {
      for (let report = 1; report <= reportsPerEpoch; report++) {
        step++;
        const t = step / (epochs * reportsPerEpoch);
        const wobble = 1 + 0.05 * Math.sin(step * 1.7 + index);
        const event: StepEvent = {
          type: 'step',
          runId,
          epoch,
          batch: report,
          batches: reportsPerEpoch,
          step,
          loss: {
            total: 0,
            tasks: Object.fromEntries(names.map((name, k) => [name, (25 + 10 * k) * (1.2 - skill * t) * wobble])),
            adversarial: 1.39 * (1 - 0.2 * t) * wobble,
            orthogonality: 3e4 * (1 - 0.5 * t) * wobble,
          },
          learningRate: 0.008 / (1 + 0.05 * step),
          lambdaAdversarial: Math.min(1, t * 4) * 5,
          tokensPerSecond: 900,
          elapsedSeconds: step * 0.5,
          etaSeconds: 0,
        };
        event.loss.total = Object.values(event.loss.tasks).reduce((a, b) => a + b, 0) + 5 * event.loss.adversarial + 0.02 * event.loss.orthogonality;
        events.push(event);
      }
      const scores: TaskScore[] = context.tasks.map((task, k) => {
        const value = Math.min(99, (40 + 50 * (1 - Math.exp(-epoch / 3))) * skill - 5 * k);
        return { task: task.name, metric: task.chunk ? 'f1' : 'accuracy', value, accuracy: value };
      });
      const loss = events[events.length - 1]!.type === 'step' ? (events[events.length - 1] as StepEvent).loss : { total: 0, tasks: {}, adversarial: 0, orthogonality: 0 };
      events.push({
        type: 'epoch',
        runId,
        epoch,
        step,
        seconds: epoch * reportsPerEpoch * 0.5,
        learningRate: 0.008,
        lambdaAdversarial: 5,
        train: loss,
        dev: {
          scores,
          discriminatorAccuracy: pairs.map((pair, k) => ({ pair, accuracy: 0.5 + 0.3 * Math.exp(-epoch / (2 + k)) })),
          attention: names.map((task) => {
            const representations = ['individual', ...names.filter((n) => n !== task).map((n) => `shared:${n}`)];
            const first = 0.5 + 0.03 * epoch;
            return { task, representations, mean: representations.map((_, j) => (j === 0 ? first : (1 - first) / (representations.length - 1))) };
          }),
          loss,
        },
        devScore: scores.reduce((sum, s) => sum + s.value, 0) / scores.length,
        best: true,
      });
      if (epoch === 2) events.push({ type: 'live-change', change: { runId, step, epoch, settings: { lambdaAdversarial: 1 }, previous: { lambdaAdversarial: 5 } } });
    }
    const lastScores = (events.filter((e) => e.type === 'epoch').at(-1) as { dev: { scores: TaskScore[] } }).dev.scores;
    events.push({ type: 'done', runId, reason: 'completed', epochs, bestEpoch: epochs, best: lastScores, seconds: step * 0.5 });
    return {
      info: { runId, label: `seeded ${index + 1}`, config: { ...context.config, train: { ...context.config.train, epochs } }, datasetName: context.datasetName, backend: 'wasm' },
      status: 'completed',
      notes: '',
      events,
      checkpoints: { last: null, best: null },
    };
  });
}

/** Puts `count` finished runs on the page (after its dataset is loaded), through the `seedRuns` test hook. */
export async function seedCompletedRuns(page: Page, options: SeedOptions): Promise<void> {
  const context = await page.evaluate(() => {
    const hooks = (window as unknown as { __mtaa: { store: { getState(): { draft: RunConfig; dataset: { name: string; tasks: { name: string; scheme: string }[] } | null } } } }).__mtaa;
    const { draft, dataset } = hooks.store.getState();
    if (!dataset) throw new Error('seedCompletedRuns: no dataset loaded yet');
    return { config: draft, datasetName: dataset.name, tasks: dataset.tasks.map((t) => ({ name: t.name, chunk: t.scheme !== 'plain' })) };
  });
  const saved = seededRuns(context, options);
  await page.evaluate((runs) => {
    (window as unknown as { __mtaa: { seedRuns(runs: SavedRun[]): void } }).__mtaa.seedRuns(runs);
  }, saved);
}
