/**
 * A study archive: one zip holding a whole study as the workbench keeps it — each run as a
 * `SavedRun` (what the page gets back from its storage after a reload: info, status, events), and
 * the study (its items, each naming its run) — plus the collected table. `mtaa study collect`
 * writes it; `readStudyArchive` validates one (pure, so the page can call it on a dropped file).
 */
import { messageOf } from '../core/errors.ts';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import type { ArchivedStudy, SavedRun } from '../protocol.ts';

export const STUDY_ARCHIVE_FORMAT = 'mtaa-study-archive-1';

/** The page's study (src/ui/study.ts `Study`), settled: every item done or failed. */
export type { ArchivedStudy };

export interface StudyArchive {
  study: ArchivedStudy;
  runs: SavedRun[];
  /** The collected table (report.ts `studyJson`), as text; informational, the page recomputes it. */
  tableJson?: string;
}

export class StudyArchiveError extends Error {}

export function writeStudyArchive(archive: StudyArchive): Uint8Array {
  const files: Record<string, Uint8Array> = {
    'study.json': strToU8(JSON.stringify({ format: STUDY_ARCHIVE_FORMAT, study: archive.study, runs: archive.runs.map((r) => r.info.runId) }, null, 1)),
  };
  for (const run of archive.runs) files[`runs/${run.info.runId}.json`] = strToU8(JSON.stringify(run));
  if (archive.tableJson) files['table.json'] = strToU8(archive.tableJson);
  return zipSync(files, { level: 6 });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads and checks a study archive; throws a StudyArchiveError naming the file and the entry at fault. */
export function readStudyArchive(fileName: string, bytes: Uint8Array): StudyArchive {
  const fail = (what: string): never => {
    throw new StudyArchiveError(`${fileName}: ${what}`);
  };
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (error) {
    return fail(`not a zip archive (${messageOf(error)})`);
  }
  const json = (name: string): unknown => {
    const file = files[name];
    if (!file) return fail(`${name} is missing`);
    try {
      return JSON.parse(strFromU8(file));
    } catch {
      return fail(`${name} is not valid JSON`);
    }
  };
  const head = json('study.json');
  if (!isObject(head) || head.format !== STUDY_ARCHIVE_FORMAT) fail(`study.json: format is not ${STUDY_ARCHIVE_FORMAT}`);
  const { study, runs: runIds } = head as { study: unknown; runs: unknown };
  if (!isObject(study) || typeof study.id !== 'string' || !Array.isArray(study.items)) fail('study.json: study must have an id and items');
  if (!Array.isArray(runIds) || runIds.some((id) => typeof id !== 'string')) fail('study.json: runs must list run ids');
  const runs = (runIds as string[]).map((id): SavedRun => {
    const run = json(`runs/${id}.json`);
    if (!isObject(run) || !isObject(run.info) || run.info.runId !== id) fail(`runs/${id}.json: info.runId must be ${id}`);
    const r = run as Record<string, unknown>;
    if (!Array.isArray(r.events)) fail(`runs/${id}.json: events must be a list`);
    for (const [i, e] of (r.events as unknown[]).entries()) {
      if (!isObject(e) || typeof e.type !== 'string') return fail(`runs/${id}.json: events[${i}] has no type`);
      if (e.type === 'epoch' && (!Number.isInteger(e.epoch) || !isObject(e.dev) || !Array.isArray(e.dev.scores))) fail(`runs/${id}.json: events[${i}] is not an epoch report`);
    }
    return run as unknown as SavedRun;
  });
  const items = (study as Record<string, unknown>).items as unknown[];
  items.forEach((item, i) => {
    if (!isObject(item) || typeof item.configName !== 'string' || !Number.isInteger(item.seed) || typeof item.runId !== 'string') {
      fail(`study.json: items[${i}] must have configName, seed and runId`);
    }
    if (!(runIds as string[]).includes((item as { runId: string }).runId)) fail(`study.json: items[${i}] names run ${String((item as { runId: unknown }).runId)}, which the archive lacks`);
  });
  const table = files['table.json'];
  return { study: study as unknown as ArchivedStudy, runs, ...(table ? { tableJson: strFromU8(table) } : {}) };
}
