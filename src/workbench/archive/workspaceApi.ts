/**
 * The worker's two workspace actions (issue 18), wired by trainerApi.ts: `exportWorkspace` writes
 * every pending record, then archives what storage keeps; `importWorkspace` validates the whole
 * archive, plans the merge (by content hash), refuses it when it would not fit in the free space,
 * writes it (undone on a failed write) and brings the added runs into the session as a reload
 * would, so they can tag, be inspected, exported and resumed. No tfjs, no DOM.
 */
import { messageOf } from '../../core/errors.ts';
import type { ExportedModel, WorkspaceImportResult } from '../../protocol.ts';
import type { RunHandle } from '../../train/runEngine.ts';
import { restoreStoredRuns } from '../persistence/restore.ts';
import type { RunRecorder } from '../persistence/runRecorder.ts';
import type { RunStorage } from '../persistence/runStorage.ts';
import { spaceProblem } from '../persistence/storageUsage.ts';
import type { TrainingSession } from '../session/session.ts';
import { readWorkspaceArchive, writeWorkspaceArchive } from './workspaceArchive.ts';
import { collectWorkspace, planMerge, writeMerge } from './workspaceTransfer.ts';

export interface WorkspaceDeps<H extends RunHandle> {
  storage: RunStorage;
  recorder: RunRecorder;
  session: TrainingSession<H>;
  /** The browser's usage and quota (null: unknown, nothing is refused for space). */
  estimate(): Promise<{ usage: number; quota: number } | null>;
  now?: () => Date;
}

/** `mtaa-workspace-2026-12-05.zip`. */
export function workspaceFileName(now: Date): string {
  return `mtaa-workspace-${now.toISOString().slice(0, 10)}.zip`;
}

export async function exportWorkspace<H extends RunHandle>(deps: WorkspaceDeps<H>): Promise<ExportedModel> {
  await deps.recorder.flush();
  const now = deps.now?.() ?? new Date();
  const bytes = await writeWorkspaceArchive(await collectWorkspace(deps.storage), now);
  // A buffer of its own, whole: it is transferred to the page.
  const whole = bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength;
  return { fileName: workspaceFileName(now), archive: (whole ? bytes.buffer : bytes.slice().buffer) as ArrayBuffer };
}

export async function importWorkspace<H extends RunHandle>(deps: WorkspaceDeps<H>, fileName: string, bytes: Uint8Array): Promise<WorkspaceImportResult> {
  const { storage, recorder, session } = deps;
  try {
    const read = await readWorkspaceArchive(fileName, bytes);
    // Pending records first: the merge compares against everything kept.
    await recorder.flush();
    const plan = await planMerge(storage, read, session.runNames());
    const tooLarge = await spaceProblem(`Importing ${fileName}`, plan.bytes, storage, await deps.estimate());
    if (tooLarge) return { ok: false, message: tooLarge };
    try {
      await writeMerge(storage, plan);
    } catch (error) {
      return { ok: false, message: `${fileName} could not be written to this browser's storage (${messageOf(error)})` };
    }
    const runs = await restoreStoredRuns(session, recorder, storage, undefined, new Set(plan.add.map((b) => b.run.runId)));
    return {
      ok: true,
      runs,
      skipped: plan.skipped.map((s) => s.label),
      renamed: plan.renamed.map(({ from, to, runId }) => ({ from, to, runId })),
      datasets: plan.datasets.length,
      bertFeatures: plan.bertFeatures.length,
    };
  } catch (error) {
    return { ok: false, message: messageOf(error) };
  }
}
