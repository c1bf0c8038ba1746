/**
 * How new runs enter the session: started on the current dataset (or as a sibling on its parent's
 * data), continued from a run's weights on the current dataset, imported from a model archive, or
 * replayed from a study archive. Each builds the run's info and identity, enters it in the registry
 * and, where it trains, hands it to the loop.
 */
import { messageOf } from '../../core/errors.ts';
import { validateConfig, type RunConfig } from '../../core/config.ts';
import type { RunBert, RunInfo, RunStatus, TaskScore } from '../../core/events.ts';
import { ACTIVE_STATUSES } from '../../core/runState.ts';
import type { Sentence } from '../../data/types.ts';
import type { SavedRun } from '../../protocol.ts';
import type { NamedWeight } from '../../train/formats/safetensors.ts';
import type { BestCheckpoint, HostCheckpoint, HostModel, RunHandle } from '../../train/runEngine.ts';
import type { TrainingData } from '../../train/trainer.ts';
import type { PretrainedStart } from '../../train/wordVectors.ts';
import { alignDatasetToModel, checkTrainingTags } from '../datasets/continueData.ts';
import type { RunLoop } from './runLoop.ts';
import type { RunRegistry } from './runRegistry.ts';
import { SessionError, splitForRun, testFor, type RunRecord, type SessionDeps } from './runRecord.ts';

export class NewRuns<H extends RunHandle> {
  constructor(
    private readonly deps: SessionDeps<H>,
    private readonly registry: RunRegistry<H>,
    private readonly loop: RunLoop<H>,
  ) {}

  /**
   * Starts a run on the current dataset, or a sibling on its parent's data and seed. `pretrained`
   * builds the run's initial word table from its training data (pre-trained vectors); `features`
   * attaches frozen word features (BERT) to its train, dev and test sentences, and names their
   * checkpoint (kept in the run's info: a reload asks for it by name).
   */
  start(
    config: RunConfig,
    label: string,
    siblingOf?: string,
    pretrained?: (data: TrainingData, config: RunConfig) => PretrainedStart,
    features?: { checkpoint: RunBert; attach(sentences: readonly Sentence[]): Sentence[] },
  ): RunInfo {
    const own = structuredClone(config);
    validateConfig(own);
    let data: TrainingData;
    let datasetName: string;
    let datasetHash: string | undefined;
    let datasetSentences: number | undefined;
    let loadData: RunRecord<H>['loadData'] = null;
    let test: RunRecord<H>['test'];
    let bert = features?.checkpoint;
    if (siblingOf !== undefined) {
      const parent = this.registry.get(siblingOf);
      bert ??= parent.info.bert;
      data = parent.data;
      test = parent.test;
      loadData = parent.loadData;
      datasetName = parent.info.datasetName;
      datasetHash = parent.info.datasetHash;
      datasetSentences = parent.info.datasetSentences;
    } else {
      const dataset = this.deps.datasets.current;
      if (!dataset) throw new SessionError('No dataset is loaded: drop a CoNLL file or load the sample first.');
      data = splitForRun(dataset, own);
      test = testFor(this.deps.datasets.test ?? null, data.tasks);
      datasetName = dataset.name;
      datasetHash = this.deps.datasets.currentHash ?? undefined;
      datasetSentences = dataset.stats.sentences;
    }
    // A restored parent's data is only read when the sibling starts: its vectors would have nothing to cover yet.
    if (pretrained && loadData) throw new SessionError('Pre-trained vectors need the run\'s data in memory: resume the parent run first, or start a new run.');
    if (features && loadData) throw new SessionError('BERT features need the run\'s data in memory: resume the parent run first, or start a new run.');
    if (features) {
      data = { ...data, train: features.attach(data.train), dev: features.attach(data.dev) };
      if (test) test = { ...test, sentences: features.attach(test.sentences) };
    }
    const start = pretrained?.(data, own);
    const runId = this.registry.nextRunId();
    const backend = this.deps.backends.active();
    const info: RunInfo = {
      runId,
      label: this.registry.freeName(label.trim() || runId),
      config: structuredClone(own),
      datasetName,
      backend,
      ...(datasetHash !== undefined ? { datasetHash } : {}),
      ...(datasetSentences !== undefined ? { datasetSentences } : {}),
      ...(siblingOf !== undefined ? { siblingOf } : {}),
      ...(start ? { vectors: start.info } : {}),
      ...(bert && own.model.embedding.bert ? { bert: { ...bert } } : {}),
    };
    const rec = this.registry.create({
      info,
      config: own,
      data,
      status: 'running',
      backend,
      last: null,
      best: null,
      host: null,
      loadData,
      ...(start ? { pretrained: start } : {}),
      ...(test ? { test } : {}),
    });
    this.deps.emit({ type: 'run-started', run: structuredClone(info) });
    rec.loop = loadData ? this.loop.driveAfterLoad(rec) : this.loop.drive(rec);
    return structuredClone(info);
  }

  /**
   * Continues training an imported model (or any run with weights and vocabularies) as a NEW run on
   * the current dataset; the source run stays as it was. The new run starts from the source's best
   * weights through the same path as a resume (`from.host` + `from.checkpoint`, at epoch 0 with a
   * fresh optimiser and schedule), keeps the source's vocabularies, and trains on the dataset
   * rewritten in the model's tasks and tag sets (alignDatasetToModel: refuses what would change
   * a shape). `config` must keep the source's model section (shapes); its training settings are the
   * new run's own.
   */
  continueFrom(sourceId: string, config: RunConfig, label?: string): RunInfo {
    const source = this.registry.get(sourceId);
    const host = source.host ?? source.handle?.model ?? null;
    const checkpoint = source.best ?? source.last;
    if (!host || !checkpoint) throw new SessionError(`${source.info.label} has no weights yet: there is nothing to continue from.`);
    const own = structuredClone(config);
    validateConfig(own);
    if (JSON.stringify(own.model) !== JSON.stringify(source.config.model)) {
      throw new SessionError(`Continuing ${source.info.label} keeps its model settings (they fix the weights' shapes); only training settings may differ.`);
    }
    const dataset = this.deps.datasets.current;
    if (!dataset) throw new SessionError('No dataset is loaded: drop a CoNLL file or load the sample first.');
    let data: TrainingData;
    try {
      const aligned = alignDatasetToModel(dataset, host, source.info.label);
      data = splitForRun(aligned, own);
      checkTrainingTags(aligned, data.train, host, source.info.label);
    } catch (error) {
      throw new SessionError(`Cannot continue ${source.info.label} on ${dataset.name}: ${messageOf(error)}`);
    }
    const runId = this.registry.nextRunId();
    const backend = this.deps.backends.active();
    const datasetHash = this.deps.datasets.currentHash ?? undefined;
    const info: RunInfo = {
      runId,
      label: this.registry.freeName(label?.trim() || `${source.info.label} → ${dataset.name}`),
      config: structuredClone(own),
      datasetName: dataset.name,
      backend,
      ...(datasetHash !== undefined ? { datasetHash } : {}),
      datasetSentences: dataset.stats.sentences,
      continuedFrom: sourceId,
    };
    // Epoch 0 "checkpoint" = the source's weights: the first build, and a resume before the first
    // epoch ends, start from them rather than from a random initialisation.
    const start: HostCheckpoint = { epoch: 0, step: 0, weights: checkpoint.weights };
    const rec = this.registry.create({ info: structuredClone(info), config: structuredClone(own), data, status: 'running', backend, last: start, best: null, host, loadData: null });
    this.deps.emit({ type: 'run-started', run: structuredClone(info) });
    this.deps.onCheckpoint?.(runId, { last: start, best: null, model: host });
    rec.loop = this.loop.drive(rec);
    return structuredClone(info);
  }

  /**
   * Adds a model read from an archive as a `completed` run: it can tag text, be inspected and be
   * exported; its weights are kept like a checkpoint (so it survives a reload).
   */
  importModel(saved: { config: RunConfig; host: HostModel; weights: NamedWeight[]; summary?: Record<string, unknown> }, fileName: string): RunInfo {
    const load = this.deps.engine.loadModel;
    if (!load) throw new SessionError('This worker cannot load models.');
    const config = structuredClone(saved.config);
    validateConfig(config);
    const runId = this.registry.nextRunId();
    const handle = load.call(this.deps.engine, { runId, config, host: saved.host, weights: saved.weights });
    const summary = saved.summary ?? {};
    const epoch = typeof summary.epoch === 'number' ? summary.epoch : 0;
    const backend = this.deps.backends.active();
    const info: RunInfo = {
      runId,
      label: this.registry.freeName(`imported ${fileName}`),
      config: structuredClone(config),
      datasetName: typeof summary.dataset === 'string' ? summary.dataset : fileName,
      backend,
      importedFrom: fileName,
    };
    const last: HostCheckpoint = { epoch, step: 0, weights: saved.weights };
    const best: BestCheckpoint = {
      ...last,
      score: typeof summary.devScore === 'number' ? summary.devScore : 0,
      scores: Array.isArray(summary.dev) ? (summary.dev as TaskScore[]) : [],
    };
    const rec = this.registry.create({
      info: structuredClone(info),
      config: structuredClone(config),
      data: { tasks: saved.host.tasks, train: [], dev: [] },
      status: 'completed',
      backend,
      last,
      best,
      host: saved.host,
      loadData: () => Promise.reject(new SessionError(`${info.label} has no training data: it was imported.`)),
    });
    rec.handle = handle;
    rec.alive = true;
    this.deps.emit({ type: 'run-started', run: structuredClone(info) });
    this.loop.setStatus(rec, 'completed', `Imported from ${fileName}: tag text or inspect it.`);
    this.deps.onCheckpoint?.(runId, { last, best, model: saved.host });
    return structuredClone(info);
  }

  /**
   * Adds a finished run read from a study archive under a new id (`importedFrom`: the archive):
   * its events are replayed as if it had run here, so the page and storage fold them as they fold
   * any run's. It has no data or weights, so it cannot be resumed, inspected or exported.
   */
  importArchived(saved: SavedRun, fileName: string): RunInfo {
    const runId = this.registry.nextRunId();
    const { siblingOf: _sibling, continuedFrom: _continued, ...own } = structuredClone(saved.info);
    const info: RunInfo = { ...own, runId, label: this.registry.freeName(own.label), importedFrom: fileName };
    const status: RunStatus = ACTIVE_STATUSES.includes(saved.status) ? 'stopped' : saved.status;
    const rec = this.registry.create({
      info: structuredClone(info),
      config: structuredClone(info.config),
      data: { tasks: [], train: [], dev: [] },
      status,
      backend: info.backend,
      last: null,
      best: null,
      host: null,
      loadData: () => Promise.reject(new SessionError(`${info.label} comes from the study archive ${fileName}, which holds its curves and scores, not its data or weights.`)),
    });
    this.deps.emit({ type: 'run-started', run: structuredClone(info) });
    for (const event of saved.events) this.deps.emit(event.type === 'live-change' ? { ...event, change: { ...event.change, runId } } : { ...event, runId });
    this.loop.setStatus(rec, status, saved.message ?? `From the study archive ${fileName}.`);
    return structuredClone(info);
  }
}
