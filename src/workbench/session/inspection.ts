/**
 * Inspection of a run's model: its dev sentences for the picker, one sentence's tags and β, and
 * typed text tagged line by line. A run restored from storage gets a model from its stored weights
 * first (`materialise`). Typed text of a run trained on BERT features gets its features from the
 * run's checkpoint (`RunFeatureSource.typed`), which must be loaded: the error names it.
 */
import { presets } from '../../core/config.ts';
import type { SentenceInspection } from '../../core/inspection.ts';
import { ACTIVE_STATUSES } from '../../core/runState.ts';
import type { Dataset } from '../../data/index.ts';
import type { Sentence } from '../../data/types.ts';
import type { RunHandle, SessionEngine } from '../../train/runEngine.ts';
import { splitForRun, SessionError, type RunFeatureSource, type RunRecord } from './runRecord.ts';

/** Sentences tagged in one request (each is decoded on its own). */
const MAX_TAG_LINES = 500;

/** Splits words on whitespace; what the inspector does with typed text. */
export function tokenize(text: string): string[] {
  return text.split(/\s+/u).filter((w) => w.length > 0);
}

/**
 * The dev sentences of `run`; without a run, those of the current dataset's split with the tiny
 * preset's devFraction and seed (what the picker shows before any run).
 */
export function devSentences(run: RunRecord<unknown> | undefined, dataset: Dataset | null, limit = 500): { index: number; text: string }[] {
  let dev: readonly Sentence[];
  if (run) dev = run.data.dev;
  else if (dataset) dev = splitForRun(dataset, presets.tiny).dev;
  else return [];
  return dev.slice(0, Math.max(0, limit)).map((s, index) => ({ index, text: s.words.join(' ') }));
}

/** A run with stored weights but no model in memory (restored after a reload) gets one to inspect with. */
function materialise<H extends RunHandle>(rec: RunRecord<H>, engine: SessionEngine<H>): void {
  if ((rec.handle && rec.alive) || ACTIVE_STATUSES.includes(rec.status)) return;
  const checkpoint = rec.best ?? rec.last;
  const load = engine.loadModel;
  if (!checkpoint || !rec.host || !load) return;
  rec.handle = load.call(engine, { runId: rec.info.runId, config: structuredClone(rec.config), host: rec.host, weights: checkpoint.weights });
  rec.alive = true;
}

/**
 * Typed sentences (words) as the run's model reads them: with no tags, and with their BERT features
 * when the run trained on them (all sentences in one call: the encoder goes to the device once).
 */
async function typedSentences(rec: RunRecord<unknown>, lines: readonly string[][], features: RunFeatureSource | undefined): Promise<Sentence[]> {
  const blank = () => rec.data.tasks.map(() => null);
  if (!rec.config.model.embedding.bert) return lines.map((words) => ({ words, tags: blank() }));
  if (!features) throw new SessionError(`${rec.info.label} reads BERT features, which this worker cannot compute.`);
  const rows = await features.typed(rec.info, lines);
  return lines.map((words, i) => ({ words, tags: blank(), features: rows[i]! }));
}

/** The run's model, in memory (a restored run's from its stored weights); refused while there is none. */
function model<H extends RunHandle>(rec: RunRecord<H>, engine: SessionEngine<H>): H {
  materialise(rec, engine);
  if (!rec.handle || !rec.alive) {
    throw new SessionError(`${rec.info.label} has no model in memory (${rec.status}); resume it to inspect sentences.`);
  }
  return rec.handle;
}

export async function inspect<H extends RunHandle>(
  rec: RunRecord<H>,
  engine: SessionEngine<H>,
  request: { devIndex: number } | { text: string },
  features?: RunFeatureSource,
): Promise<SentenceInspection> {
  if ('devIndex' in request) {
    const handle = model(rec, engine);
    const found = rec.data.dev[request.devIndex];
    if (!found) throw new SessionError(`There is no dev sentence ${request.devIndex} (the dev set has ${rec.data.dev.length}).`);
    return engine.inspect(handle, found);
  }
  const words = tokenize(request.text);
  if (words.length === 0) throw new SessionError('Type a sentence to inspect.');
  model(rec, engine);
  const [sentence] = await typedSentences(rec, [words], features);
  return engine.inspect(model(rec, engine), sentence!);
}

/** Tags typed or pasted text, one sentence per non-empty line (words split on whitespace). */
export async function tagText<H extends RunHandle>(rec: RunRecord<H>, engine: SessionEngine<H>, text: string, features?: RunFeatureSource): Promise<SentenceInspection[]> {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  if (lines.length === 0) throw new SessionError('Type or paste at least one sentence, one per line.');
  if (lines.length > MAX_TAG_LINES) throw new SessionError(`${lines.length} sentences is over the limit of ${MAX_TAG_LINES} at a time.`);
  model(rec, engine);
  const sentences = await typedSentences(rec, lines.map(tokenize), features);
  const tagged: SentenceInspection[] = [];
  // The model is asked again after each await: a run may be halted (its handle freed) meanwhile.
  for (const sentence of sentences) tagged.push(await engine.inspect(model(rec, engine), sentence));
  return tagged;
}
