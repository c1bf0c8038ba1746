/**
 * The ablation study as pure data: a queue of (configuration, seed) items run one after another,
 * reorderable and cancellable while queued, and its result table in the manner of the paper's
 * Tables VI and VII: per configuration and task, the dev score of the best epoch and, where a test
 * file was loaded, that epoch's test score, as mean ± standard deviation over the seeds; and its
 * curves in the manner of Figures 2 and 3: per task, dev score by epoch, one line per configuration.
 * No React, no worker: the store drives it (store.ts) and the panel shows it (panels/StudyPanel.tsx).
 * The table and curves themselves are src/study/table.ts, shared with `mtaa study collect`.
 */
import { ablations, type AblationName } from '../core/config.ts';
import type { BertEmbeddingConfig, ModelConfig, RunConfig } from '../protocol.ts';
import type { RunRecord } from '../core/runState.ts';
import { studyCurves as sharedCurves, studyTable as sharedTable, type StudyRunRecord, type StudyTable, type StudyTaskCurves } from '../study/table.ts';

export { bestEpochOf, meanStd, studyCsv, type MeanStd, type StudyCurve, type StudyRow, type StudyTable, type StudyTaskCurves } from '../study/table.ts';

/** The paper's ablations (src/core/config.ts), in the order of its tables. */
export const DEFAULT_ABLATIONS = ['MTAA', 'no-TD', 'E-ADV', 'average', 'concat', 'two-step attention', 'base', 'iterative'] as const;

export type StudyItemStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface StudyItem {
  id: string;
  /** Ablation name, e.g. `no-TD`. */
  configName: string;
  seed: number;
  config: RunConfig;
  status: StudyItemStatus;
  runId?: string;
}

export interface Study {
  id: string;
  items: StudyItem[];
  /** Whether the queue moves on by itself (false once the user stopped the study). */
  active: boolean;
}

/** A configuration's name with BERT features: the ablation's name and this suffix (`MTAA + BERT`). */
export const BERT_SUFFIX = ' + BERT';

/** The "+ BERT" configurations the study offers while a checkpoint is loaded (Table VIII: base vs MTAA, basic vs BERT). */
export const BERT_CONFIGURATIONS = ['MTAA + BERT', 'base + BERT'] as const;

/**
 * A study configuration's patch on the draft's model: the ablation's, and the embedding with BERT
 * features (`X + BERT`, with `bert`'s settings) or without them (every other name), so one study
 * compares basic and BERT rows whatever the draft says. Throws naming an unknown configuration.
 */
export function configurationPatch(name: string, embedding: ModelConfig['embedding'], bert: BertEmbeddingConfig | null): Partial<ModelConfig> {
  const withBert = name.endsWith(BERT_SUFFIX);
  const ablation = withBert ? name.slice(0, -BERT_SUFFIX.length) : name;
  if (!(ablation in ablations)) throw new Error(`Unknown configuration ${name}.`);
  if (withBert && !bert) throw new Error(`${name}: load a BERT checkpoint first (BERT features panel).`);
  const { bert: _drop, ...basic } = structuredClone(embedding);
  return { ...ablations[ablation as AblationName], embedding: withBert ? { ...basic, bert: structuredClone(bert!) } : basic };
}

/** Builds a study: each ablation patch on `base`, each with every seed (configuration-major order). */
export function createStudy(id: string, base: RunConfig, ablations: readonly { name: string; patch: Partial<ModelConfig> }[], seeds: readonly number[]): Study {
  if (ablations.length === 0) throw new Error('Choose at least one configuration.');
  if (seeds.length === 0) throw new Error('Give at least one seed.');
  const items: StudyItem[] = [];
  for (const { name, patch } of ablations) {
    for (const seed of seeds) {
      const config = structuredClone(base);
      Object.assign(config.model, structuredClone(patch));
      config.train.seed = seed;
      items.push({ id: `${id}-${items.length + 1}`, configName: name, seed, config, status: 'queued' });
    }
  }
  return { id, items, active: true };
}

/** Reads "1, 2, 3" (commas or spaces) into distinct non-negative integer seeds; throws naming the bad one. */
export function parseSeeds(text: string): number[] {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  if (parts.length === 0) throw new Error('seeds: give at least one seed, e.g. "1, 2, 3"');
  const seeds: number[] = [];
  for (const part of parts) {
    const n = Number(part);
    if (!Number.isInteger(n) || n < 0 || n > 2 ** 31 - 1) throw new Error(`seeds: "${part}" is not a non-negative integer`);
    if (!seeds.includes(n)) seeds.push(n);
  }
  return seeds;
}

const patchItem = (study: Study, id: string, patch: Partial<StudyItem>): Study => ({
  ...study,
  items: study.items.map((item) => (item.id === id ? { ...item, ...patch } : item)),
});

/** Moves a queued item up (−1) or down (+1) among the queued items. */
export function moveItem(study: Study, id: string, delta: -1 | 1): Study {
  const items = [...study.items];
  const at = items.findIndex((i) => i.id === id);
  if (at < 0 || items[at]!.status !== 'queued') return study;
  let to = at + delta;
  while (to >= 0 && to < items.length && items[to]!.status !== 'queued') to += delta;
  if (to < 0 || to >= items.length) return study;
  [items[at], items[to]] = [items[to]!, items[at]!];
  return { ...study, items };
}

export function cancelItem(study: Study, id: string): Study {
  const item = study.items.find((i) => i.id === id);
  return item && item.status === 'queued' ? patchItem(study, id, { status: 'cancelled' }) : study;
}

/** Cancels every queued item and stops the queue (a running item is left to the run controls). */
export function cancelStudy(study: Study): Study {
  return { ...study, active: false, items: study.items.map((i) => (i.status === 'queued' ? { ...i, status: 'cancelled' } : i)) };
}

export function runningItem(study: Study): StudyItem | undefined {
  return study.items.find((i) => i.status === 'running');
}

export function nextQueued(study: Study): StudyItem | undefined {
  return study.active ? study.items.find((i) => i.status === 'queued') : undefined;
}

/** The runs the study started, in queue order (what "delete the study and its runs" deletes). */
export function studyRunIds(study: Study): string[] {
  return study.items.flatMap((item) => (item.runId !== undefined ? [item.runId] : []));
}

export function markStarted(study: Study, id: string, runId: string): Study {
  return patchItem(study, id, { status: 'running', runId });
}

/**
 * Settles the running item from its run's status: `completed` (and a user's stop, which keeps the
 * best epoch so far) makes it done; `failed` makes it failed. Interrupted or paused runs keep the
 * queue waiting until they are resumed and end.
 */
export function settleRunning(study: Study, runs: Readonly<Record<string, RunRecord>>): Study {
  const item = runningItem(study);
  if (!item?.runId) return study;
  const run = runs[item.runId];
  if (!run) return patchItem(study, item.id, { status: 'failed' }); // deleted
  if (run.status === 'completed' || run.status === 'stopped') return patchItem(study, item.id, { status: 'done' });
  if (run.status === 'failed') return patchItem(study, item.id, { status: 'failed' });
  return study;
}

/**
 * The study's runs as the shared table code (src/study/table.ts) reads them. The table counts done
 * and failed items only; the curves every item with a run, so they grow live.
 */
export function studyRecords(study: Study, runs: Readonly<Record<string, RunRecord>>, opts: { settledOnly: boolean }): StudyRunRecord[] {
  const records: StudyRunRecord[] = [];
  for (const item of study.items) {
    const run = item.runId ? runs[item.runId] : undefined;
    if (!run) continue;
    if (opts.settledOnly && item.status !== 'done' && item.status !== 'failed') continue;
    records.push({
      runId: run.info.runId,
      configName: item.configName,
      seed: item.seed,
      epochs: run.epochs,
      // The worker scores the best epoch on test when the run ends; a failed scoring has a message, no scores.
      ...(run.test && !run.test.message ? { test: run.test.scores } : {}),
    });
  }
  return records;
}

/** The result table: one row per configuration, in the order of the study's items. */
export function studyTable(study: Study, runs: Readonly<Record<string, RunRecord>>): StudyTable {
  return sharedTable(studyRecords(study, runs, { settledOnly: true }));
}

/** The study's curves per task, one line per configuration (mean over its seeds at each epoch). */
export function studyCurves(study: Study, runs: Readonly<Record<string, RunRecord>>): StudyTaskCurves[] {
  return sharedCurves(studyRecords(study, runs, { settledOnly: false }));
}
