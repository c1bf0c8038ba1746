/**
 * Runs that come back rather than start: kept in storage after a reload (`restore`), read back
 * again once another tab let go of them (`reload`), or taken over from a worker that died (`adopt`).
 * None trains until resumed; a run whose model reads BERT features gets them attached when its
 * split is rebuilt.
 */
import { validateConfig } from '../../core/config.ts';
import { ACTIVE_STATUSES } from '../../core/runState.ts';
import type { AdoptedRun } from '../../protocol.ts';
import type { RunHandle } from '../../train/runEngine.ts';
import type { TrainingData } from '../../train/trainer.ts';
import { alignDatasetToModel } from '../datasets/continueData.ts';
import type { RunLoop } from './runLoop.ts';
import type { RunRegistry } from './runRegistry.ts';
import { resumePoint, SessionError, splitForRun, type RestoredRun, type RunRecord, type SessionDeps } from './runRecord.ts';

export class StoredRuns<H extends RunHandle> {
  constructor(
    private readonly deps: SessionDeps<H>,
    private readonly registry: RunRegistry<H>,
    private readonly loop: RunLoop<H>,
  ) {}

  /**
   * Brings back a run kept in storage: it has its checkpoints but no trainer. It is not trained
   * until resumed (its data is re-read then). Emits nothing: the page reads restored runs itself.
   */
  restore(saved: RestoredRun): void {
    const rec = this.registry.create({
      info: structuredClone(saved.info),
      config: structuredClone(saved.config),
      data: { tasks: saved.host?.tasks ?? [], train: [], dev: [] },
      status: saved.status,
      ...(saved.message !== undefined ? { message: saved.message } : {}),
      backend: saved.info.backend,
      last: saved.last,
      best: saved.best,
      host: saved.host,
      loadData: saved.loadData,
      fromStorage: true,
    });
    rec.loadData = this.withFeatures(rec, saved.loadData);
  }

  /** A rebuilt run's split loader, which attaches its BERT features when its model reads them. */
  private withFeatures(rec: RunRecord<H>, load: () => Promise<TrainingData>): () => Promise<TrainingData> {
    if (!rec.config.model.embedding.bert) return load;
    return async () => {
      const data = await load();
      const source = this.deps.features;
      if (!source) throw new SessionError(`${rec.info.label} trains on BERT features, which this worker cannot compute.`);
      return source.attach(rec.info, data);
    };
  }

  /**
   * Brings a stored run back again as storage now has it (another tab trained it and let go of it):
   * replaces what this session had of it, or adds it. Emits nothing: the page gets it from the worker.
   */
  reload(saved: RestoredRun): void {
    const known = this.registry.find(saved.info.runId);
    if (!known) return this.restore(saved);
    if (known.alive || (ACTIVE_STATUSES.includes(known.status) && known.loop)) throw new SessionError(`${known.info.label} trains in this tab; it cannot be read back from storage.`);
    known.info = structuredClone(saved.info);
    known.config = structuredClone(saved.config);
    // Its split, if this tab read it already (the inspector lists its dev sentences), is the same.
    if (known.loadData !== null || known.data.train.length === 0) {
      known.data = { tasks: saved.host?.tasks ?? [], train: [], dev: [] };
      known.loadData = saved.loadData;
    }
    known.status = saved.status;
    if (saved.message === undefined) delete known.message;
    else known.message = saved.message;
    known.backend = saved.info.backend;
    known.last = saved.last;
    known.best = saved.best;
    known.host = saved.host;
    known.failedOn = null;
    known.fromStorage = true;
  }

  /**
   * Takes over a run of a worker that died: same id, config, data split (from the current dataset,
   * or its parent's for a sibling) and checkpoints; it waits, failed or interrupted, for `resume`.
   */
  adopt(restored: AdoptedRun): void {
    const { info } = restored;
    const known = this.registry.find(info.runId);
    if (known && !known.alive && known.fromStorage) {
      // Already brought back from storage by this worker: the page's account of what happened
      // wins, and so does its checkpoint when it is newer than the stored one.
      if (restored.last && (known.last === null || restored.last.epoch > known.last.epoch)) {
        known.last = restored.last;
        if (restored.best && (known.best === null || restored.best.epoch >= known.best.epoch)) known.best = restored.best;
      }
      this.loop.setStatus(known, restored.status, adoptedMessage(restored, known.last));
      return;
    }
    if (known) throw new SessionError(`There is already a run ${info.runId}.`);
    const config = structuredClone(restored.config);
    validateConfig(config);
    let data: TrainingData;
    const parent = info.siblingOf !== undefined ? this.registry.find(info.siblingOf) : undefined;
    // A run continued from an imported model trains in that model's terms (its vocabularies, which
    // its data alone would not rebuild): they come from the imported run, kept in this session.
    const source = info.continuedFrom !== undefined ? this.registry.find(info.continuedFrom) : undefined;
    const host = source?.host ?? source?.handle?.model ?? null;
    if (parent) data = parent.data;
    else {
      const dataset = this.deps.datasets.current;
      if (!dataset || dataset.name !== info.datasetName) {
        throw new SessionError(`${info.label} trained on ${info.datasetName}, which is not loaded; it cannot be resumed.`);
      }
      if (info.continuedFrom !== undefined && !host) {
        throw new SessionError(`${info.label} continued ${info.continuedFrom}, which is gone; it cannot be resumed.`);
      }
      data = splitForRun(host ? alignDatasetToModel(dataset, host, info.label) : dataset, config);
    }
    const backend = this.deps.backends.active();
    // failedOn stays null: the worker died, not the backend, so resume stays on the active one.
    const rec = this.registry.create({
      info: { ...structuredClone(info), backend },
      config,
      data,
      status: restored.status,
      message: adoptedMessage(restored, restored.last),
      backend,
      last: restored.last,
      best: restored.best,
      host,
      loadData: null,
    });
    // Its BERT features died with the worker: attached (read back or computed) when it is resumed.
    if (config.model.embedding.bert && !parent) {
      const split = data;
      rec.data = { tasks: split.tasks, train: [], dev: [] };
      rec.loadData = this.withFeatures(rec, async () => split);
    } else if (config.model.embedding.bert && parent?.loadData) {
      rec.loadData = parent.loadData;
    }
    this.loop.setStatus(rec, restored.status, adoptedMessage(restored, restored.last));
  }
}

/** A dead worker's run: the page's account, plus where Resume continues from (the checkpoint we hold). */
function adoptedMessage(restored: AdoptedRun, last: { epoch: number; batch?: number } | null): string {
  if (!restored.died) return restored.message;
  const start = !last || (last.epoch === 0 && !last.batch);
  return `${restored.message} Resume continues from ${resumePoint(last)}${start ? ' (the start)' : ''} in a new worker.`;
}
