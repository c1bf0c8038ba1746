/**
 * What makes two runs "the same run" across browsers: a SHA-256 over a run's content with every
 * name that is local to one workspace left out (its run id, its label, ids of the runs it came
 * from, where it was imported from, when it was last written, its status message). So a run moved
 * to another browser, renamed there on an id or name clash, or imported twice, still hashes the
 * same, and the workspace import skips it instead of duplicating it; a run whose notes, events or
 * weights differ hashes differently and is imported beside it. Pure TypeScript (WebCrypto).
 */
import { ACTIVE_STATUSES } from '../../core/runState.ts';
import type { StoredCheckpoint, StoredEvent, StoredRun } from '../persistence/runStorage.ts';

/** A run with everything kept for it: what the workspace archive moves. */
export interface RunBundle {
  run: StoredRun;
  /** Its events in append order. */
  events: StoredEvent[];
  /** Its `last` and `best` checkpoints, when kept. */
  checkpoints: StoredCheckpoint[];
}

/** JSON with object keys sorted: the same value always gives the same text, whatever order it was built in. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || ArrayBuffer.isView(v)) return v;
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]));
  });
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** An event with its run id blanked (the id is the workspace's, not the run's content). */
function anonymousEvent(event: StoredEvent): unknown {
  if (event.type === 'live-change') return { ...event, change: { ...event.change, runId: '' } };
  return { ...event, runId: '' };
}

/**
 * The run's content hash (hex). A run that was training when it was exported is imported as
 * `interrupted`, so an active status counts as `interrupted` here.
 */
export async function runContentHash(bundle: RunBundle): Promise<string> {
  const { run, events, checkpoints } = bundle;
  const { runId: _id, label: _label, siblingOf: _sibling, continuedFrom: _continued, importedFrom: _imported, ...info } = run.info;
  const ordered = [...checkpoints].sort((a, b) => a.kind.localeCompare(b.kind));
  const head = stableJson({
    info,
    config: run.config,
    status: ACTIVE_STATUSES.includes(run.status) ? 'interrupted' : run.status,
    notes: run.notes,
    datasetHash: run.datasetHash,
    overrides: run.overrides,
    events: events.map(anonymousEvent),
    checkpoints: ordered.map(({ runId: _run, weights, ...rest }) => ({ ...rest, weights: weights.map((w) => ({ name: w.name, shape: w.shape })) })),
  });
  const text = new TextEncoder().encode(head);
  const weightBytes = ordered.flatMap((c) => c.weights.map((w) => new Uint8Array(w.data.buffer, w.data.byteOffset, w.data.byteLength)));
  const all = new Uint8Array(text.length + weightBytes.reduce((n, b) => n + b.length, 0));
  all.set(text, 0);
  let at = text.length;
  for (const bytes of weightBytes) {
    all.set(bytes, at);
    at += bytes.length;
  }
  return sha256Hex(all);
}
