/**
 * The worker's application with fakes for everything the browser provides (backends, a tfjs engine
 * whose "trainer" runs scripted epochs, storage in memory, the sample from disk): a run goes from
 * the loaded sample to storage and back after a "reload" (a second api on the same storage).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { presets, type Backend } from '../core/config.ts';
import type { DoneEvent, EpochEvent } from '../core/events.ts';
import { writeStudyArchive } from '../study/archive.ts';
import type { ArchivedStudy, BackendInfo, SavedRun, TrainerApi, WorkerEvent } from '../protocol.ts';
import { buildVocabularies } from '../data/index.ts';
import type { Sentence } from '../data/types.ts';
import type { CreateTrainerInit, HostModel, RunHandle, SessionEngine } from '../train/runEngine.ts';
import type { LiveSettings, TrainerHooks } from '../train/trainer.ts';
import { MemoryRunStorage } from './persistence/runStorage.ts';
import { CURRENT_DATASET_KEY } from './datasets/keptDataset.ts';
import { createTrainerApi } from './trainerApi.ts';
import { countingBertEngine } from './bert/testBertEngine.ts';
import { randomBertFiles } from '../train/bert/bertFixture.ts';
import { minimumWeightCount } from '../train/formats/checkpoint.ts';

const sample = readFileSync(new URL('../../public/samples/en_ewt-ud-sample.conllu', import.meta.url));
const bytes = (text: string) => new TextEncoder().encode(text);
/** The bytes as the page sends them: an ArrayBuffer of their own (transferred). */
const copy = (data: Uint8Array) => data.slice().buffer;
const NER = bytes('John B-PER\nlives O\nin O\nParis B-LOC\n\nMary B-PER\nleft O\n');
const NER_TEST = bytes('Bob B-PER\nsleeps O\n');
const POS = bytes('the DT\ncat NN\nsat VBD\n\na DT\ndog NN\nran VBD\n');
const NER_LONG = bytes(Array.from({ length: 12 }, (_, i) => `Name${i} B-PER\nwent O\nhome${i} O\n`).join('\n'));

/** A trainer that runs its epochs of two batches each, every epoch better than the last. */
class FakeRun implements RunHandle {
  step = 0;
  epoch = 0;
  readonly live: Partial<LiveSettings>[] = [];
  readonly model: HostModel;
  constructor(readonly init: CreateTrainerInit<FakeRun>) {
    this.model = { tasks: init.data.tasks, vocabularies: buildVocabularies(init.data.train, 1) };
  }
  updateLiveSettings(patch: Partial<LiveSettings>): void {
    this.live.push(patch);
  }
  async run(hooks: TrainerHooks): Promise<DoneEvent> {
    const { runId } = this.init;
    const loss = { total: 1, tasks: {}, adversarial: 0, orthogonality: 0 };
    while (this.epoch < this.init.config.train.epochs) {
      for (let batch = 0; batch < 2; batch++) {
        await hooks.beforeBatch?.();
        if (hooks.signal?.aborted) return { type: 'done', runId, reason: 'cancelled', epochs: this.epoch, bestEpoch: this.epoch, best: [], seconds: 1 };
        this.step++;
      }
      this.epoch++;
      const epoch: EpochEvent = {
        type: 'epoch', runId, epoch: this.epoch, step: this.step, seconds: 1, learningRate: 0.01, lambdaAdversarial: 0, train: loss,
        dev: { scores: [], discriminatorAccuracy: [], attention: [], loss }, devScore: this.epoch, best: true,
      };
      hooks.onEvent?.(epoch);
    }
    const done: DoneEvent = { type: 'done', runId, reason: 'completed', epochs: this.epoch, bestEpoch: this.epoch, best: [], seconds: 1 };
    hooks.onEvent?.(done);
    return done;
  }
}

function fakeDeps(storage: MemoryRunStorage, testHooks = false) {
  let active: Backend = 'wasm';
  const info = (): BackendInfo => ({ name: active, adapter: '', available: ['wasm', 'cpu'] });
  const engine: SessionEngine<FakeRun> = {
    createTrainer: (init) => new FakeRun(init),
    readWeights: async (run) => [{ name: 'w', shape: [1], data: Float32Array.of(run.step) }],
    dispose: () => undefined,
    release: () => undefined,
    exportArchive: () => new Uint8Array(4),
    inspect: async (_run, sentence) => ({ words: sentence.words, tasks: [] }),
  };
  return {
    backends: {
      active: () => active,
      info,
      next: (failed: Backend) => (failed === 'wasm' ? 'cpu' : null),
      async switchTo(name?: Backend) {
        active = name ?? 'wasm';
        return info();
      },
      markFailed: () => undefined,
      provokeGpuError: () => undefined,
    },
    watchDeviceLoss: () => undefined,
    engine,
    storage,
    storageNotice: () => null,
    failNextWrites: () => undefined,
    sample: { name: 'sample.conllu', fetch: async () => ({ ok: true, status: 200, arrayBuffer: async () => new Uint8Array(sample).buffer }) },
    testHooks,
    storageEstimate: async (): Promise<{ usage: number; quota: number } | null> => null,
    holdLock: async () => undefined,
    transfer: <T>(value: T) => value,
  };
}

async function until(check: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

async function subscribed(api: TrainerApi): Promise<WorkerEvent[]> {
  const events: WorkerEvent[] = [];
  await api.subscribe((event) => void events.push(event), 'wasm');
  return events;
}

describe('createTrainerApi', () => {
  it('loads the sample, trains a run to completion, and gives it back from storage after a reload', async () => {
    const storage = new MemoryRunStorage();
    const api = createTrainerApi(fakeDeps(storage));
    const events = await subscribed(api);
    const loaded = await api.loadSample();
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.dataset.hash).toMatch(/^[0-9a-f]{64}$/);
    const config = structuredClone(presets.tiny);
    config.train.epochs = 2;
    const run = await api.startRun(config, 'MTAA');
    await until(() => events.some((e) => e.type === 'run-status' && e.status === 'completed'), 'completion');
    expect(events.filter((e) => e.type === 'epoch')).toHaveLength(2);
    await api.setNotes(run.runId, 'first try');
    await api.renameRun(run.runId, '  MTAA first try ');
    await expect(api.renameRun(run.runId, ' ')).rejects.toThrow('A run needs a name.');

    const reloaded = createTrainerApi(fakeDeps(storage));
    await subscribed(reloaded);
    const saved = await reloaded.savedRuns();
    expect(saved.map((s) => [s.info.runId, s.info.label, s.status, s.notes, s.checkpoints.last])).toEqual([[run.runId, 'MTAA first try', 'completed', 'first try', 2]]);
    // The run info names the dataset it trained on: file, sentence count and hash.
    expect(saved[0]!.info).toMatchObject({ datasetName: loaded.dataset.name, datasetSentences: loaded.dataset.sentences, datasetHash: loaded.dataset.hash });
    // The stored dataset file is what a resumed run re-reads.
    expect(await storage.hasDataset(loaded.dataset.hash!)).toBe(true);
  });

  it('moves a workspace to a fresh storage: the run comes back with its events and checkpoints; again, nothing is duplicated; a truncated archive changes nothing', async () => {
    const storage = new MemoryRunStorage();
    const deps = fakeDeps(storage);
    // Checkpoints as large as the config's smallest model: the archive reader checks that.
    deps.engine.readWeights = async (run) => {
      const n = minimumWeightCount(run.init.config, run.model.tasks.length, run.model.vocabularies);
      return [{ name: 'w', shape: [n], data: new Float32Array(n).fill(run.step) }];
    };
    const api = createTrainerApi(deps);
    const events = await subscribed(api);
    // One task: the fake trainer's vocabularies have one tag set.
    expect((await api.loadFile('ner.conll', copy(NER_LONG))).ok).toBe(true);
    const config = structuredClone(presets.tiny);
    config.train.epochs = 1;
    const run = await api.startRun(config, 'MTAA');
    await until(() => events.some((e) => e.type === 'run-status' && e.status === 'completed'), 'completion');
    await api.setNotes(run.runId, 'moved');
    const exported = await api.exportWorkspace();
    expect(exported.fileName).toMatch(/^mtaa-workspace-\d{4}-\d{2}-\d{2}\.zip$/);
    const archive = new Uint8Array(exported.archive);

    const fresh = new MemoryRunStorage();
    const other = createTrainerApi(fakeDeps(fresh));
    await subscribed(other);
    expect(await other.savedRuns()).toEqual([]);
    const imported = await other.importWorkspace(exported.fileName, copy(archive));
    if (!imported.ok) throw new Error(imported.message);
    const original = { events: await storage.events(run.runId) };
    expect(imported.runs.map((r) => [r.info.runId, r.info.label, r.status, r.notes])).toEqual([[run.runId, 'MTAA', 'completed', 'moved']]);
    expect(imported.runs[0]!.events).toEqual(original.events);
    expect(imported.datasets).toBe(1);
    // It is a run of this session: its model exports, and its usage is counted.
    expect((await other.exportModel(run.runId)).fileName).toContain('MTAA');
    const usage = await other.storageUsage();
    expect(usage.runs.map((r) => r.runId)).toEqual([run.runId]);
    expect(usage.runs[0]!.checkpoints).toBeGreaterThan(0);
    expect(usage.total).toBe(usage.runs[0]!.events + usage.runs[0]!.checkpoints + usage.datasets[0]!.bytes);

    const again = await other.importWorkspace(exported.fileName, copy(archive));
    expect(again).toMatchObject({ ok: true, runs: [], skipped: ['MTAA'] });
    const before = await fresh.runs();
    const truncated = await other.importWorkspace(exported.fileName, copy(archive.slice(0, archive.length >> 1)));
    expect(truncated.ok).toBe(false);
    if (!truncated.ok) expect(truncated.message).toContain(`${exported.fileName}: archive: not a readable zip archive`);
    expect(await fresh.runs()).toEqual(before);
    expect(await fresh.events(run.runId)).toEqual(original.events);
  });

  it("warns when a new run's checkpoints would not fit in the free space, naming the runs to delete; the run still starts", async () => {
    const storage = new MemoryRunStorage();
    const deps = fakeDeps(storage);
    let estimate = { usage: 0, quota: 1e9 };
    deps.storageEstimate = async () => estimate;
    const api = createTrainerApi(deps);
    const events = await subscribed(api);
    expect((await api.loadFile('ner.conll', copy(NER_LONG))).ok).toBe(true);
    const config = structuredClone(presets.tiny);
    config.train.epochs = 1;
    await api.startRun(config, 'MTAA');
    await until(() => events.some((e) => e.type === 'run-status' && e.status === 'completed'), 'completion');
    expect(events.some((e) => e.type === 'storage')).toBe(false);
    estimate = { usage: 990, quota: 1000 };
    const second = await api.startRun(config, 'MTAA');
    await until(() => events.some((e) => e.type === 'storage' && !e.ok), 'the warning');
    const warning = events.find((e) => e.type === 'storage' && !e.ok);
    expect(warning).toMatchObject({
      message: expect.stringMatching(/^MTAA 2's checkpoints would take about \d+ kB, but only 10 B of this browser's storage is free\. Delete runs you no longer need \(the largest: MTAA \(\d+ k?B\)\), or export the workspace first/),
    });
    expect(second.runId).toBe('run-2');
  });

  it('opens a study archive: its runs join under new ids with their events and are kept in storage; they have no weights to export', async () => {
    const storage = new MemoryRunStorage();
    const api = createTrainerApi(fakeDeps(storage));
    const events = await subscribed(api);
    await api.loadSample();
    const config = structuredClone(presets.tiny);
    config.train.epochs = 1;
    const own = await api.startRun(config, 'MTAA');
    await until(() => events.some((e) => e.type === 'run-status' && e.status === 'completed'), 'completion');
    const loss = { total: 1, tasks: {}, adversarial: 0, orthogonality: 0 };
    const epoch = (runId: string, value: number): EpochEvent => ({
      type: 'epoch', runId, epoch: 1, step: 3, seconds: 1, learningRate: 0.01, lambdaAdversarial: 0, train: loss,
      dev: { scores: [{ task: 'UPOS', metric: 'accuracy', value, accuracy: value }], discriminatorAccuracy: [], attention: [], loss }, devScore: value, best: true,
    });
    // The CLI's run ids clash with this session's on purpose.
    const archived = (runId: string, value: number): SavedRun => ({
      info: { runId, label: `MTAA · seed ${value}`, config, datasetName: 'eng.train', backend: 'wasm' },
      status: 'completed', notes: '', events: [epoch(runId, value)], checkpoints: { last: null, best: null },
    });
    const study: ArchivedStudy = {
      id: 'study-cli',
      items: [1, 2].map((seed) => ({ id: `s-${seed}`, configName: 'MTAA', seed, config, status: 'done' as const, runId: `run-${seed}` })),
      active: false,
    };
    const bytes = writeStudyArchive({ study, runs: [archived('run-1', 91), archived('run-2', 92)] });
    const opened = await api.importStudyArchive('study-archive.zip', bytes.slice().buffer);
    expect(opened.ok).toBe(true);
    if (!opened.ok) return;
    expect(opened.study.items.map((i) => i.runId)).toEqual(['run-2', 'run-3']);
    const replayed = events.flatMap((e) => (e.type === 'epoch' && e.runId !== own.runId ? [[e.runId, e.devScore]] : []));
    expect(replayed).toEqual([['run-2', 91], ['run-3', 92]]);
    expect(events.find((e) => e.type === 'run-started' && e.run.runId === 'run-3')).toMatchObject({ run: { importedFrom: 'study-archive.zip', label: 'MTAA · seed 92' } });
    await expect(api.resume('run-3')).rejects.toThrow(/is completed/);
    await expect(api.exportModel('run-3')).rejects.toThrow();

    // Kept like any run: a reload gives them back with their events.
    const saved = await createTrainerApi(fakeDeps(storage)).savedRuns();
    expect(saved.map((r) => [r.info.runId, r.status, r.events.filter((e) => e.type === 'epoch').length])).toEqual([
      [own.runId, 'completed', 1],
      ['run-2', 'completed', 1],
      ['run-3', 'completed', 1],
    ]);

    // A broken archive adds nothing and names the file and the entry.
    const refused = await api.importStudyArchive('bad.zip', new TextEncoder().encode('not a zip').buffer);
    expect(refused).toMatchObject({ ok: false, message: expect.stringMatching(/^bad\.zip: not a zip archive/) });
  });

  it('keeps the loaded dataset, its added file, column choices and test file: after a reload they open again, not the sample', async () => {
    const storage = new MemoryRunStorage();
    const api = createTrainerApi(fakeDeps(storage));
    await subscribed(api);
    const first = await api.openDataset();
    expect(first).toMatchObject({ notice: null, test: null, persistent: true, result: { ok: true, dataset: { name: 'sample.conllu', builtIn: true } } });
    expect(await storage.getValue(CURRENT_DATASET_KEY)).toBeUndefined(); // a first visit keeps nothing yet
    await api.loadFile('ner.conll', copy(NER));
    const merged = await api.addFile('pos.conll', copy(POS));
    const test = await api.loadTestFile('ner.test', copy(NER_TEST));
    expect(merged.ok && test.ok).toBe(true);
    // A bad file is refused and the kept dataset stays the previous one.
    expect((await api.loadFile('bad.conll', copy(bytes('the DT\ncat\n')))).ok).toBe(false);

    const reopened = await createTrainerApi(fakeDeps(storage)).openDataset();
    expect(reopened.notice).toBeNull();
    expect(reopened.result).toEqual(merged);
    expect(reopened.test).toEqual(test.ok ? test.test : null);

    // New column choices drop the test file (its tasks may differ): so does the kept one.
    const renamed = await api.applyOverrides([{ column: 1, name: 'entities' }]);
    expect(renamed.ok && renamed.dataset.tasks.map((t) => t.name)).toEqual(['entities', 'POS']);
    const again = await createTrainerApi(fakeDeps(storage)).openDataset();
    expect(again.result).toEqual(renamed);
    expect(again.test).toBeNull();
  });

  it('a kept dataset gone from storage: the sample opens and the page is told, once', async () => {
    const storage = new MemoryRunStorage();
    await storage.putValue(CURRENT_DATASET_KEY, { hash: 'f00d', name: 'gone.conll', overrides: [], test: null });
    const opened = await createTrainerApi(fakeDeps(storage)).openDataset();
    expect(opened.result.ok && opened.result.dataset.name).toBe('sample.conllu');
    expect(opened.notice).toMatch(/^gone\.conll, the dataset you had loaded, is no longer in this browser's storage; the built-in sample is loaded instead/);
    expect((await createTrainerApi(fakeDeps(storage)).openDataset()).notice).toBeNull();
  });

  it("a restored run's dev sentences come back after a reload, before it is resumed; a dead worker's run it cannot take is answered", async () => {
    const storage = new MemoryRunStorage();
    const api = createTrainerApi(fakeDeps(storage));
    const events = await subscribed(api);
    await api.loadFile('ner.conll', copy(NER_LONG));
    const config = structuredClone(presets.tiny);
    config.train.epochs = 1;
    config.train.devFraction = 0.5;
    const run = await api.startRun(config, 'MTAA');
    await until(() => events.some((e) => e.type === 'run-status' && e.status === 'completed'), 'completion');
    const before = await api.devSentences(50, run.runId);
    expect(before.length).toBeGreaterThan(0);

    const reloaded = createTrainerApi(fakeDeps(storage));
    await subscribed(reloaded);
    await reloaded.savedRuns();
    expect(await reloaded.devSentences(50, run.runId)).toEqual(before);

    const stranger = { ...run, runId: 'run-9', datasetName: 'elsewhere.conll' };
    const refused = await reloaded.restoreRuns([{ info: stranger, config, status: 'failed', message: 'died', died: true, last: null, best: null }]);
    expect(refused).toEqual([{ runId: 'run-9', message: expect.stringContaining('elsewhere.conll, which is not loaded') }]);
  });

  it('refuses live settings out of the config bounds and test hooks without ?testhooks', async () => {
    const api = createTrainerApi(fakeDeps(new MemoryRunStorage()));
    const events = await subscribed(api);
    await api.loadSample();
    const config = structuredClone(presets.tiny);
    config.train.epochs = 1000;
    const run = await api.startRun(config, 'long');
    await expect(api.updateLive(run.runId, { learningRate: 100 })).rejects.toThrow(/learningRate must be a number in \(0, 10\]/);
    await expect(api.simulateFailure(run.runId, 'boom')).rejects.toThrow(/test hook/);
    await api.updateLive(run.runId, { lambdaAdversarial: 2 });
    // The change reaches the page once, as the run's event.
    expect(events.flatMap((e) => (e.type === 'live-change' ? [e.change.settings] : []))).toEqual([{ lambdaAdversarial: 2 }]);
    await api.stop(run.runId);
  });

  it('starts a run with BERT on: its sentences carry the checkpoint\'s features (computed once) and its width is the checkpoint\'s; refused without a checkpoint', async () => {
    const storage = new MemoryRunStorage();
    const deps = fakeDeps(storage);
    const made: FakeRun[] = [];
    const bert = countingBertEngine();
    const api = createTrainerApi({ ...deps, bert, engine: { ...deps.engine, createTrainer: (init) => made[made.push(new FakeRun(init)) - 1]! } });
    const events = await subscribed(api);
    await api.loadSample();
    const config = structuredClone(presets.tiny);
    config.train.epochs = 1;
    config.model.embedding.bert = { mode: 'concat', layer: -1, mixLastFour: false, pooling: 'first', hiddenSize: 768 };
    await expect(api.startRun(config, 'MTAA + BERT')).rejects.toThrow(/drop a BERT checkpoint/);
    const files = [...randomBertFiles()].map(([name, bytes]) => ({ path: `tiny/${name}`, bytes: bytes.slice().buffer }));
    const loaded = await api.loadBert('tiny', files);
    expect(loaded).toMatchObject({ ok: true, bert: { hiddenSize: 32, features: null } });
    const computed = await api.computeBertFeatures({ layer: -1, mixLastFour: false, pooling: 'first' });
    expect(computed).toMatchObject({ ok: true, bert: { features: { fromCache: false, dim: 32 } } });
    expect(events.some((e) => e.type === 'bert-progress' && e.sentencesDone === e.sentences)).toBe(true);
    const run = await api.startRun(config, 'MTAA + BERT');
    expect(run.config.model.embedding.bert!.hiddenSize).toBe(32);
    expect(bert.calls).toHaveLength(1);
    const { data } = made[0]!.init;
    for (const s of [...data.train, ...data.dev]) expect(s.features!.length).toBe(s.words.length * 32);
    // A run without BERT gets plain sentences.
    const plain = structuredClone(presets.tiny);
    plain.train.epochs = 1;
    await api.startRun(plain, 'MTAA');
    expect(made[1]!.init.data.train.every((s) => s.features === undefined)).toBe(true);
    await until(() => events.filter((e) => e.type === 'run-status' && e.status === 'completed').length === 2, 'both runs');
  });

  it('a BERT run after a reload: resumed on its stored features without its checkpoint, typed text asks for the checkpoint by name; without stored features Resume asks for it too', async () => {
    const storage = new MemoryRunStorage();
    /** A worker on `storage`: its trainers, the sentences its models were asked to tag, its BERT engine. */
    const open = (over: Partial<MemoryRunStorage> = {}) => {
      const deps = fakeDeps(Object.assign(storage, over));
      const made: FakeRun[] = [];
      const tagged: Sentence[] = [];
      const bert = countingBertEngine();
      const engine: SessionEngine<FakeRun> = {
        ...deps.engine,
        createTrainer: (init) => made[made.push(new FakeRun(init)) - 1]!,
        loadModel: ({ runId, config, host }) => new FakeRun({ runId, config, data: { tasks: host.tasks, train: [], dev: [] } }),
        inspect: async (_run, sentence) => (tagged.push(sentence), { words: sentence.words, tasks: [] }),
      };
      return { api: createTrainerApi({ ...deps, bert, engine }), made, tagged, bert };
    };
    const files = () => [...randomBertFiles()].map(([name, bytes]) => ({ path: `tiny-bert/${name}`, bytes: bytes.slice().buffer }));
    const first = open();
    const events = await subscribed(first.api);
    await first.api.loadFile('ner.conll', copy(NER_LONG));
    const loaded = await first.api.loadBert('tiny-bert', files());
    if (!loaded.ok) throw new Error(loaded.message);
    const config = structuredClone(presets.tiny);
    config.train.epochs = 1000;
    config.model.embedding.bert = { mode: 'concat', layer: -1, mixLastFour: false, pooling: 'first', hiddenSize: 32 };
    const run = await first.api.startRun(config, 'MTAA + BERT');
    expect(run.bert).toEqual({ checkpoint: 'tiny-bert', hash: loaded.bert.hash });
    // Three epochs: epoch 2's checkpoint is taken before epoch 3's first batch, so it exists by the
    // third epoch's report (paused right after the second's, it may not yet: failed once beside a busy process).
    await until(() => events.filter((e) => e.type === 'epoch').length >= 3, 'three epochs');
    await first.api.pause(run.runId);
    await first.api.setNotes(run.runId, ''); // waits for the recorder's writes (the checkpoint among them)
    const trainedOn = first.made[0]!.init.data.train;

    // Reload: the run is interrupted and names its checkpoint; none is loaded in this session.
    const second = open();
    const after = await subscribed(second.api);
    const saved = (await second.api.savedRuns()).find((r) => r.info.runId === run.runId)!;
    expect(saved.status).toBe('interrupted');
    expect(saved.info.bert).toEqual({ checkpoint: 'tiny-bert', hash: loaded.bert.hash });
    await expect(second.api.tagText(run.runId, 'John lives')).rejects.toThrow('No BERT checkpoint is loaded in this session: typed text needs the features of the BERT checkpoint "tiny-bert". Drop it');
    // Its dev sentences (the inspector's list) and a resume read the features back: nothing computed.
    expect((await second.api.devSentences(50, run.runId)).length).toBeGreaterThan(0);
    await second.api.resume(run.runId);
    await until(() => second.made.length === 1, 'the resumed trainer');
    const resumed = second.made[0]!.init;
    expect(resumed.from?.checkpoint.epoch).toBeGreaterThanOrEqual(2);
    expect(resumed.data.train.map((s) => [...s.features!])).toEqual(trainedOn.map((s) => [...s.features!]));
    expect(second.bert.calls).toEqual([]);
    expect(after.some((e) => e.type === 'bert-progress')).toBe(false);
    await second.api.pause(run.runId);

    // Typed text: another checkpoint is refused by name; the run's own gives the words features.
    expect((await second.api.loadBert('other', [...randomBertFiles(undefined, undefined, { seed: 2 })].map(([name, bytes]) => ({ path: name, bytes: bytes.slice().buffer })))).ok).toBe(true);
    await expect(second.api.tagText(run.runId, 'John lives')).rejects.toThrow('the loaded BERT checkpoint "other" is not "tiny-bert": typed text needs the features of the BERT checkpoint "tiny-bert"');
    expect((await second.api.loadBert('tiny-bert again', files())).ok).toBe(true);
    await second.api.tagText(run.runId, 'John lives\nMary left home');
    expect(second.tagged.map((s) => [s.words.length, s.features!.length])).toEqual([[2, 64], [3, 96]]);
    await second.api.setNotes(run.runId, '');
    await expect(second.api.continueRun(run.runId, config)).rejects.toThrow(/^Continuing a model that reads BERT features on other data is not in the workbench yet/);

    // The stored features gone (storage cleared): Resume names the checkpoint to drop, and resumes once it is dropped.
    const third = open({ bertFeatures: async () => undefined });
    await subscribed(third.api);
    expect((await third.api.savedRuns()).find((r) => r.info.runId === run.runId)!.status).toBe('interrupted');
    await expect(third.api.resume(run.runId)).rejects.toThrow(
      'MTAA + BERT: its BERT features are no longer in this browser\'s storage, and no BERT checkpoint is loaded: drop the BERT checkpoint "tiny-bert" (its folder or zip) on the BERT panel, then resume.',
    );
    expect((await third.api.loadBert('tiny-bert', files())).ok).toBe(true);
    await third.api.resume(run.runId);
    await until(() => third.made.length === 1, 'the resumed trainer');
    expect(third.bert.calls).toHaveLength(1);
    expect(third.made[0]!.init.data.train.map((s) => [...s.features!])).toEqual(trainedOn.map((s) => [...s.features!]));
    await third.api.stop(run.runId);
  });
});

describe('deleting runs (issue 18: long sessions stay flat)', () => {
  it("a deleted run's records go; its dataset goes with its last run unless loaded or kept; a cleared study leaves no record; trainers are disposed", async () => {
    const storage = new MemoryRunStorage();
    let liveTrainers = 0;
    const deps = fakeDeps(storage, true);
    const engine: typeof deps.engine = {
      ...deps.engine,
      createTrainer: (init) => {
        liveTrainers++;
        return deps.engine.createTrainer(init);
      },
      dispose: () => void liveTrainers--,
    };
    const api = createTrainerApi({ ...deps, engine, tensorMemory: () => ({ numTensors: liveTrainers, numBytes: 4 * liveTrainers }) });
    const events = await subscribed(api);
    const completed = () => events.filter((e) => e.type === 'run-status' && e.status === 'completed').length;
    const ner = await api.loadFile('ner.conll', copy(NER_LONG));
    const baseline = await api.memorySample();
    expect(baseline).toMatchObject({ tensors: 0, runs: 0, records: { runs: 0, events: 0, checkpoints: 0, datasets: 1, values: 1 } });

    const config = structuredClone(presets.tiny);
    config.train.epochs = 1;
    const a = await api.startRun(config, 'A');
    const b = await api.startRun(config, 'B');
    await until(() => completed() === 2, 'both runs');
    await api.loadFile('pos.conll', copy(POS));
    const trained = await api.memorySample();
    expect(trained).toMatchObject({ tensors: 2, runs: 2, records: { runs: 2, checkpoints: 4, datasets: 2 } });
    expect(trained.records.events).toBeGreaterThan(0);

    // B still trains on ner.conll's data: it stays until B goes too.
    await api.deleteRun(a.runId);
    expect(ner.ok && (await storage.hasDataset(ner.dataset.hash!))).toBe(true);
    await api.deleteRun(b.runId);
    expect(ner.ok && (await storage.hasDataset(ner.dataset.hash!))).toBe(false);

    // A run on the loaded dataset: deleting it leaves the dataset (loaded, and kept for the next visit).
    const c = await api.startRun(config, 'C');
    await until(() => completed() === 3, 'the third run');
    await api.deleteRun(c.runId);
    await api.saveStudy({ id: 'study-1', items: [], active: false });
    await api.saveStudy(null);
    expect(await api.savedStudy()).toBeNull();
    // Back to the baseline: one dataset (now pos.conll) and its pointer, no run, no trainer; and the
    // run-id counter, written by the first run and kept for good (ids are never handed out twice).
    expect(await api.memorySample()).toEqual({ ...baseline, storageUsage: null, records: { ...baseline.records, values: baseline.records.values + 1 } });
    expect(await createTrainerApi(fakeDeps(storage)).savedRuns()).toEqual([]);
  });

  it('memorySample is a test hook', async () => {
    const api = createTrainerApi(fakeDeps(new MemoryRunStorage()));
    await expect(api.memorySample()).rejects.toThrow(/memorySample is a test hook/);
  });
});
