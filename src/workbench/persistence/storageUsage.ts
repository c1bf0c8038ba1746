/**
 * How much of the browser's storage the workbench's records take (issue 18): per run its events
 * and checkpoints, and the dataset (and BERT features of it) it shares with other runs; in total,
 * beside the browser's own estimate of usage and quota. Sizes are those of the data itself (JSON
 * text, weight and file bytes): IndexedDB adds its own overhead, which the browser's `usage` shows.
 * And the warning before a save that would not fit: a run whose checkpoints, estimated from its
 * parameter count, exceed the free space, or an import larger than it. Pure TypeScript.
 */
import type { RunConfig } from '../../core/config.ts';
import { buildVocabularies } from '../../data/index.ts';
import type { Sentence } from '../../data/types.ts';
import type { StorageUsage } from '../../protocol.ts';
import { minimumWeightCount } from '../../train/formats/checkpoint.ts';
import type { RunStorage, StoredCheckpoint } from './runStorage.ts';

const jsonBytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;

function checkpointBytes(c: StoredCheckpoint | undefined): number {
  if (!c) return 0;
  return c.weights.reduce((n, w) => n + w.data.byteLength, 0) + jsonBytes({ tasks: c.tasks, vocabularies: c.vocabularies, scores: c.scores });
}

/** The space report: reads every record once (checkpoints included), so it is asked for, not polled. */
export async function storageUsage(storage: RunStorage, estimate: { usage: number; quota: number } | null): Promise<StorageUsage> {
  const datasets = [];
  for (const hash of await storage.datasetHashes()) {
    const d = await storage.dataset(hash);
    if (d) datasets.push({ hash, name: d.name, bytes: d.bytes.length + (d.parts ?? []).reduce((n, p) => n + p.bytes.length, 0) });
  }
  const bertFeatures = [];
  for (const key of await storage.bertFeatureKeys()) {
    const f = await storage.bertFeatures(key);
    if (f) bertFeatures.push({ key, bytes: f.words.byteLength + f.halves.byteLength + jsonBytes(f.sentences) });
  }
  const runs = [];
  for (const run of await storage.runs()) {
    const [events, last, best] = await Promise.all([storage.events(run.runId), storage.checkpoint(run.runId, 'last'), storage.checkpoint(run.runId, 'best')]);
    const hash = run.datasetHash;
    runs.push({
      runId: run.runId,
      label: run.info.label,
      events: jsonBytes(run) + jsonBytes(events),
      checkpoints: checkpointBytes(last) + checkpointBytes(best),
      dataset: datasets.find((d) => d.hash === hash)?.bytes ?? 0,
      // Feature keys are `checkpoint|dataset|layers|pooling` (featureCodec.ts `bertFeatureKey`).
      bertFeatures: hash ? bertFeatures.filter((f) => f.key.split('|')[1] === hash).reduce((n, f) => n + f.bytes, 0) : 0,
    });
  }
  const total = runs.reduce((n, r) => n + r.events + r.checkpoints, 0) + datasets.reduce((n, d) => n + d.bytes, 0) + bertFeatures.reduce((n, f) => n + f.bytes, 0);
  return { runs, datasets, bertFeatures, total, estimate };
}

/**
 * Bytes a run's two checkpoints (`last` and `best`) take: float32 weights, at least as many as its
 * config's word and character tables and BiLSTMs hold (minimumWeightCount) with the vocabularies
 * the trainer builds from these sentences (its split's train part is smaller: so a lower bound
 * up to that, and the warning it drives is no false alarm).
 */
export function checkpointEstimate(config: RunConfig, taskCount: number, sentences: readonly Sentence[]): number {
  const vocabularies = buildVocabularies(sentences, 0, { words: { minCount: config.model.embedding.minWordFreq } });
  return 2 * 4 * minimumWeightCount(config, taskCount, vocabularies);
}

/** 1.2 MB, 340 kB, 12 B (decimal units, as browsers report quota). */
function size(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(0)} kB`;
  return `${bytes} B`;
}

/**
 * Why `bytes` more would not fit (null when they would, or when the browser gives no estimate):
 * says how much is free and what to delete or export, naming the largest runs.
 */
export async function spaceProblem(what: string, bytes: number, storage: RunStorage, estimate: { usage: number; quota: number } | null): Promise<string | null> {
  if (!estimate) return null;
  const free = Math.max(0, estimate.quota - estimate.usage);
  if (bytes <= free) return null;
  const usage = await storageUsage(storage, estimate);
  const largest = [...usage.runs].sort((a, b) => b.checkpoints + b.events - (a.checkpoints + a.events)).slice(0, 3);
  const names = largest.map((r) => `${r.label} (${size(r.checkpoints + r.events)})`).join(', ');
  return (
    `${what} would take about ${size(bytes)}, but only ${size(free)} of this browser's storage is free. ` +
    (names
      ? `Delete runs you no longer need (the largest: ${names}), or export the workspace first and then delete them.`
      : 'Free space in this browser (other sites\' data): until then it cannot be kept in this browser\'s storage.')
  );
}
