/**
 * A run's model as one zip archive (model.json, weights.bin, model.safetensors): its best weights
 * (the host checkpoint), or, before any epoch ended, the weights of a run that is not training. A
 * run restored from storage has no trainer: its checkpoint is encoded on the host.
 */
import { encodeModelFiles, zipModel } from '../../train/formats/checkpoint.ts';
import type { NamedWeight } from '../../train/formats/safetensors.ts';
import type { RunHandle, SessionEngine } from '../../train/runEngine.ts';
import type { ExportedModel } from '../../protocol.ts';
import { SessionError, type RunRecord } from './runRecord.ts';

/** A file name for a run's archive: its label in safe characters. */
export function archiveName(label: string, runId: string): string {
  const slug = label
    .normalize('NFKD')
    .replace(/[^\w.+-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `mtaa-${slug || 'model'}-${runId}.zip`;
}

/** What the archive's manifest says of the run (`npx mtaa eval` and an import read it back). */
function exportSummary(rec: RunRecord<unknown>, epoch: number): Record<string, unknown> {
  return {
    runId: rec.info.runId,
    label: rec.info.label,
    dataset: rec.info.datasetName,
    ...(rec.info.datasetSentences !== undefined ? { datasetSentences: rec.info.datasetSentences } : {}),
    ...(rec.info.datasetHash !== undefined ? { datasetHash: rec.info.datasetHash } : {}),
    // The checkpoint its BERT features came from: `mtaa eval|predict --bert DIR` needs that one.
    ...(rec.info.bert ? { bert: { ...rec.info.bert } } : {}),
    backend: rec.backend,
    status: rec.status,
    epoch,
    ...(rec.best ? { bestEpoch: rec.best.epoch, devScore: rec.best.score, dev: rec.best.scores } : {}),
  };
}

/** The bytes as a whole ArrayBuffer of their own (transferable to the page). */
function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer
    ? bytes.buffer
    : (bytes.slice().buffer as ArrayBuffer);
}

export async function exportRun<H extends RunHandle>(rec: RunRecord<H>, engine: SessionEngine<H>): Promise<ExportedModel> {
  const fileName = archiveName(rec.info.label, rec.info.runId);
  if (!rec.handle) {
    const checkpoint = rec.best ?? rec.last;
    if (!checkpoint || !rec.host) throw new SessionError(`${rec.info.label} has no model yet.`);
    const files = encodeModelFiles({
      config: rec.config,
      tasks: rec.host.tasks,
      vocabularies: rec.host.vocabularies,
      weights: checkpoint.weights,
      summary: exportSummary(rec, checkpoint.epoch),
    });
    return { fileName, archive: ownBuffer(zipModel(files)) };
  }
  let weights: NamedWeight[];
  let epoch: number;
  if (rec.best) {
    weights = rec.best.weights;
    epoch = rec.best.epoch;
  } else if (rec.alive && rec.status !== 'running') {
    weights = await engine.readWeights(rec.handle);
    epoch = rec.handle.epoch;
  } else if (rec.last) {
    weights = rec.last.weights;
    epoch = rec.last.epoch;
  } else {
    throw new SessionError(`${rec.info.label} has not finished an epoch yet: wait for one, or pause the run to export its current weights.`);
  }
  return { fileName, archive: ownBuffer(engine.exportArchive(rec.handle, weights, exportSummary(rec, epoch))) };
}
