/**
 * Whether a run's model can take typed text in this session: a run trained on BERT features needs
 * its own checkpoint loaded (typed sentences have no stored features), and the page says which one
 * to drop before the user types, rather than after a refusal. Pure: the runs' info and the loaded
 * checkpoint in, a sentence out.
 */
import type { BertInfo, RunInfo } from '../protocol.ts';

export type BertRun = Pick<RunInfo, 'label'> & Partial<Pick<RunInfo, 'config' | 'bert'>>;

/** Why `run` cannot tag typed text with the checkpoint `loaded` (null: it can, or it reads no BERT features). */
export function bertNeeded(run: BertRun | undefined, loaded: Pick<BertInfo, 'name' | 'hash'> | null): string | null {
  if (!run?.config?.model.embedding.bert) return null;
  const wanted = run.bert;
  // A run kept before runs named their checkpoint: the worker checks what it can.
  if (!wanted) return loaded ? null : `No BERT checkpoint is loaded in this session: ${run.label} was trained with BERT features. Drop the checkpoint it was trained with (its folder or zip) on the BERT panel to tag text with it.`;
  if (loaded?.hash === wanted.hash) return null;
  const drop = `Drop "${wanted.checkpoint}" (its folder or zip) on the BERT panel to tag text with it.`;
  if (!loaded) return `No BERT checkpoint is loaded in this session: ${run.label} was trained with the features of "${wanted.checkpoint}". ${drop}`;
  return `The loaded BERT checkpoint "${loaded.name}" is not the one ${run.label} was trained with ("${wanted.checkpoint}"). ${drop}`;
}

/** Runs waiting for their checkpoint to resume (`waiting`) that `loaded` now serves. */
export function resumableWith(waiting: readonly string[], runs: Record<string, { info: BertRun } | undefined>, loaded: Pick<BertInfo, 'hash'>): string[] {
  return waiting.filter((runId) => runs[runId]?.info.bert?.hash === loaded.hash);
}
