/**
 * Two and three tabs of one browser profile, as workers built by `createTrainerApi` on one shared
 * storage, one origin's Web Locks and one BroadcastChannel (fakes: ./fakeTabs.ts), with a fake
 * engine whose runs train two batches an epoch. A tab "closes" as the browser ends it: its locks are
 * released and its channel goes quiet.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { presets, type Backend } from '../../core/config.ts';
import type { DoneEvent, EpochEvent, StepEvent } from '../../core/events.ts';
import { buildVocabularies } from '../../data/index.ts';
import type { BackendInfo, SavedRun, TrainerApi, WorkerEvent } from '../../protocol.ts';
import type { CreateTrainerInit, HostModel, RunHandle, SessionEngine } from '../../train/runEngine.ts';
import type { TrainerHooks } from '../../train/trainer.ts';
import { MemoryRunStorage } from '../persistence/runStorage.ts';
import { createTrainerApi } from '../trainerApi.ts';
import { FakeChannelHub, FakeLockHub } from './fakeTabs.ts';
import { RUN_COUNTER_KEY, raiseRunCounter, reserveRunId } from './runIds.ts';
import { runLockName } from './tabLocks.ts';

const sample = readFileSync(new URL('../../../public/samples/en_ewt-ud-sample.conllu', import.meta.url));

/** A trainer of two batches an epoch: a step report per batch, an epoch report per epoch. */
class FakeRun implements RunHandle {
  step = 0;
  epoch = 0;
  readonly model: HostModel;
  constructor(readonly init: CreateTrainerInit<FakeRun>) {
    this.model = { tasks: init.data.tasks, vocabularies: buildVocabularies(init.data.train, 1) };
    this.step = init.from?.resume?.step ?? 0;
    this.epoch = init.from?.resume?.epoch ?? 0;
  }
  updateLiveSettings(): void {}
  async run(hooks: TrainerHooks): Promise<DoneEvent> {
    const { runId } = this.init;
    const loss = { total: 1, tasks: {}, adversarial: 0, orthogonality: 0 };
    const done = (reason: DoneEvent['reason']): DoneEvent => ({ type: 'done', runId, reason, epochs: this.epoch, bestEpoch: this.epoch, best: [], seconds: 1 });
    while (this.epoch < this.init.config.train.epochs) {
      for (let batch = 1; batch <= 2; batch++) {
        await hooks.beforeBatch?.();
        if (hooks.signal?.aborted) return done('cancelled');
        this.step++;
        const step: StepEvent = {
          type: 'step', runId, epoch: this.epoch + 1, batch, batches: 2, step: this.step, loss, learningRate: 0.01,
          lambdaAdversarial: 0, tokensPerSecond: 1, elapsedSeconds: 1, etaSeconds: 1,
        };
        hooks.onEvent?.(step);
      }
      this.epoch++;
      const epoch: EpochEvent = {
        type: 'epoch', runId, epoch: this.epoch, step: this.step, seconds: 1, learningRate: 0.01, lambdaAdversarial: 0, train: loss,
        dev: { scores: [], discriminatorAccuracy: [], attention: [], loss }, devScore: this.epoch, best: true,
      };
      hooks.onEvent?.(epoch);
    }
    const end = done('completed');
    hooks.onEvent?.(end);
    return end;
  }
}

/** One tab's worker: its own engine and backends, the profile's storage, locks and channel. */
function tab(name: string, storage: MemoryRunStorage, locks: FakeLockHub, channels: FakeChannelHub): { api: TrainerApi; events: WorkerEvent[] } {
  const info = (): BackendInfo => ({ name: 'wasm', adapter: '', available: ['wasm', 'cpu'] });
  const engine: SessionEngine<FakeRun> = {
    createTrainer: (init) => new FakeRun(init),
    readWeights: async (run) => [{ name: 'w', shape: [1], data: Float32Array.of(run.step) }],
    dispose: () => undefined,
    release: () => undefined,
    exportArchive: () => new Uint8Array(4),
    inspect: async (_run, sentence) => ({ words: sentence.words, tasks: [] }),
  };
  const api = createTrainerApi({
    backends: {
      active: (): Backend => 'wasm',
      info,
      next: (failed: Backend) => (failed === 'wasm' ? 'cpu' : null),
      switchTo: async () => info(),
      markFailed: () => undefined,
      provokeGpuError: () => undefined,
    },
    watchDeviceLoss: () => undefined,
    engine,
    storage,
    storageNotice: () => null,
    failNextWrites: () => undefined,
    sample: { name: 'sample.conllu', fetch: async () => ({ ok: true, status: 200, arrayBuffer: async () => new Uint8Array(sample).buffer }) },
    testHooks: false,
    storageEstimate: async () => null,
    holdLock: async () => undefined,
    transfer: <T>(value: T) => value,
    tabs: { locks: locks.locks(name), channel: channels.channel(name) },
  });
  const events: WorkerEvent[] = [];
  void api.subscribe((event) => void events.push(event), 'wasm');
  return { api, events };
}

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const end = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

const config = (epochs: number) => {
  const c = structuredClone(presets.tiny);
  c.train.epochs = epochs;
  return c;
};
const statusOf = (events: WorkerEvent[], runId: string) =>
  events.filter((e): e is Extract<WorkerEvent, { type: 'run-status' }> => e.type === 'run-status' && e.runId === runId).at(-1)?.status;
const stepsOf = (events: WorkerEvent[], runId: string) => events.filter((e): e is StepEvent => e.type === 'step' && e.runId === runId).map((e) => e.step);
const ownerEvents = (events: WorkerEvent[], runId: string, from = 0) =>
  events.slice(from).filter((e): e is Extract<WorkerEvent, { type: 'run-owner' }> => e.type === 'run-owner' && e.runId === runId);
const ownerOf = (events: WorkerEvent[], runId: string) => ownerEvents(events, runId).at(-1);
/** Whether the tab was told, after its `from`th event, that another tab took the run (`true`) or let go of it. */
const told = (events: WorkerEvent[], runId: string, elsewhere: boolean, from = 0) => ownerEvents(events, runId, from).some((e) => e.elsewhere === elsewhere);

/** Steps are reported at most every 100 ms (single steps always): increasing, each once, up to `last`. */
function expectSteps(steps: number[], first: number, last: number): void {
  expect(steps.length).toBeGreaterThan(0);
  expect(steps[0]).toBeGreaterThanOrEqual(first);
  expect(steps.at(-1)).toBe(last);
  expect(steps.every((step, i) => i === 0 || step > steps[i - 1]!)).toBe(true);
}

/** Tab A with a run paused after its first epoch (its lock held), written to storage with its checkpoint. */
async function pausedRunInA(storage: MemoryRunStorage, locks: FakeLockHub, channels: FakeChannelHub) {
  const a = tab('A', storage, locks, channels);
  await a.api.loadSample();
  const run = await a.api.startRun(config(3), 'MTAA');
  await a.api.pause(run.runId);
  await a.api.step(run.runId);
  await a.api.step(run.runId);
  // Notes are written at once, and the recorder's other pending records with them.
  await until(async () => (await storage.checkpoint(run.runId, 'last')) !== undefined, 'the epoch checkpoint in storage');
  await a.api.setNotes(run.runId, 'from A');
  expect(stepsOf((await storage.events(run.runId)) as WorkerEvent[], run.runId)).toEqual([1, 2]);
  return { a, runId: run.runId };
}

describe('run ownership across tabs', () => {
  it('another tab lists a run that trains as elsewhere, refuses to act on it, follows it live, and gets it back as completed', async () => {
    const storage = new MemoryRunStorage();
    const locks = new FakeLockHub();
    const channels = new FakeChannelHub();
    const { a, runId } = await pausedRunInA(storage, locks, channels);
    expect(locks.holder(runLockName(runId))).toBe('A');

    const b = tab('B', storage, locks, channels);
    const saved = await b.api.savedRuns();
    const listed = saved.find((s) => s.info.runId === runId);
    // Not `interrupted`: as A stored it, and marked as another tab's.
    expect(listed).toMatchObject({ elsewhere: true, status: 'paused' });
    for (const [action, call] of [
      ['resume', () => b.api.resume(runId)],
      ['delete', () => b.api.deleteRun(runId)],
      ['stop', () => b.api.stop(runId)],
      ['continue training from', () => b.api.continueRun(runId, config(1))],
    ] as const) {
      await expect(call(), action).rejects.toThrow(`MTAA is training in another tab: ${action} it there`);
    }
    // B's refusals left A's run as it was: still A's, still paused, still stored.
    expect(locks.holder(runLockName(runId))).toBe('A');
    expect((await storage.runs()).find((r) => r.runId === runId)?.status).toBe('paused');

    // A trains it on to the end: B's page gets each new report once (not those already stored).
    const stored = stepsOf((listed!.events as WorkerEvent[]) ?? [], runId);
    // One step while A still holds the run: B sees it live. (Left to train on at once, A could end
    // and let go before the channel's messages reach B, which then reads everything from storage:
    // nothing lost, but nothing seen live either.)
    await a.api.step(runId);
    await until(() => stepsOf(b.events, runId).length > 0, "B follows A's step live");
    // And the step that ends epoch 2, still held: B sees an epoch's report live too. (Checked only
    // after the run ended, it was not always there: A's last reports could reach B after the lock.)
    await a.api.step(runId);
    await until(() => b.events.some((e) => e.type === 'epoch' && e.runId === runId), "B follows A's epoch live");
    expect(locks.holder(runLockName(runId))).toBe('A');
    await a.api.resume(runId);
    await until(() => ownerOf(b.events, runId)?.elsewhere === false, 'the lock released to B');
    const live = stepsOf(b.events, runId);
    expect(live.length).toBeGreaterThan(0);
    expect(new Set([...stored, ...live]).size).toBe(stored.length + live.length);
    expect(b.events.some((e) => e.type === 'epoch' && e.runId === runId)).toBe(true);
    // Free now: B has it as storage has it, completed, with its whole history and A's notes.
    const freed = ownerOf(b.events, runId)!.saved as SavedRun;
    expect(freed).toMatchObject({ status: 'completed', notes: 'from A', checkpoints: { last: 3 } });
    expect(freed.elsewhere).toBeUndefined();
    expectSteps(stepsOf(freed.events as WorkerEvent[], runId), 1, 6);
    expect(locks.holder(runLockName(runId))).toBeNull();
  });

  it('closing the owning tab makes its run resumable in the others, from its last stored record; new runs get distinct ids', async () => {
    const storage = new MemoryRunStorage();
    const locks = new FakeLockHub();
    const channels = new FakeChannelHub();
    const { a, runId } = await pausedRunInA(storage, locks, channels);
    const b = tab('B', storage, locks, channels);
    const c = tab('C', storage, locks, channels);
    expect((await b.api.savedRuns()).find((s) => s.info.runId === runId)?.elsewhere).toBe(true);
    expect((await c.api.savedRuns()).find((s) => s.info.runId === runId)?.elsewhere).toBe(true);

    // Runs started meanwhile in A and B at once get distinct ids, above the stored ones.
    await b.api.loadSample();
    const [inA, inB] = await Promise.all([a.api.startRun(config(1), 'in A'), b.api.startRun(config(1), 'in B')]);
    expect(new Set([runId, inA.runId, inB.runId]).size).toBe(3);
    // C saw B's run start: another tab's too.
    await until(() => told(c.events, inB.runId, true), "C following B's run");
    await until(() => told(c.events, inB.runId, false), "B's run released in C's view");
    expect(ownerOf(c.events, inB.runId)?.saved?.status).toBe('completed');

    // B's inspector reads the run's dev sentences (its split from storage) while A has it.
    expect((await b.api.devSentences(3, runId)).length).toBe(3);
    locks.close('A');
    channels.close('A');
    await until(() => ownerOf(b.events, runId)?.elsewhere === false, 'B told the run is free');
    await until(() => ownerOf(c.events, runId)?.elsewhere === false, 'C told the run is free');
    const freed = ownerOf(b.events, runId)!.saved as SavedRun;
    expect(freed.status).toBe('interrupted');
    expect(freed.message).toContain('Resume continues from epoch 1');
    expect(stepsOf(freed.events as WorkerEvent[], runId)).toEqual([1, 2]);

    // B resumes it (and pauses it: still B's); C then may not resume it.
    const from = c.events.length;
    await b.api.resume(runId);
    await b.api.pause(runId);
    await until(() => told(c.events, runId, true, from), 'C following B');
    await expect(c.api.resume(runId)).rejects.toThrow('is training in another tab');
    // B trains it to the end, from A's last stored step on.
    await b.api.resume(runId);
    await until(() => statusOf(b.events, runId) === 'completed', 'the resumed run completing in B');
    expectSteps(stepsOf(b.events, runId), 3, 6);
    await until(() => told(c.events, runId, false, from), 'C told it is free again');
    // Free again: C may delete it.
    await c.api.deleteRun(runId);
    expect((await storage.runs()).some((r) => r.runId === runId)).toBe(false);
  });

  it('run ids come from a counter shared under a lock: above the stored ones and unique however many tabs ask at once', async () => {
    const storage = new MemoryRunStorage();
    const locks = new FakeLockHub();
    const ids = await Promise.all(['A', 'B', 'C', 'A', 'B', 'C'].map((context, i) => reserveRunId(locks.locks(context), storage, i % 2 === 0 ? 4 : 0)));
    expect(new Set(ids).size).toBe(6);
    expect(ids.every((id) => /^run-\d+$/.test(id) && Number(id.slice(4)) > 4)).toBe(true);
    expect(await storage.getValue(RUN_COUNTER_KEY)).toBe(Math.max(...ids.map((id) => Number(id.slice(4)))));
    // Without Web Locks: the same counter, one tab.
    expect(await reserveRunId(null, storage, 0)).toBe(`run-${Number(await storage.getValue(RUN_COUNTER_KEY))}`);
  });

  it('runs written under ids of their own (a workspace import) raise the counter, never lower it', async () => {
    const storage = new MemoryRunStorage();
    const locks = new FakeLockHub();
    await raiseRunCounter(locks.locks('A'), storage, 7);
    expect(await reserveRunId(locks.locks('B'), storage, 0)).toBe('run-8');
    await raiseRunCounter(null, storage, 3);
    expect(await storage.getValue(RUN_COUNTER_KEY)).toBe(8);
  });
});
