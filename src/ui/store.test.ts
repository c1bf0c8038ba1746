/**
 * The store with a fake worker in place of the comlink client: what the slices do with the
 * worker's answers and events, without a browser.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { presetConfig, presets, sampleTraining } from '../core/config.ts';
import type { BackendInfo, LiveChange, RunInfo, WorkerEvent } from '../protocol.ts';

const worker = vi.hoisted(() => ({
  onEvent: null as ((event: WorkerEvent) => void) | null,
  calls: [] as string[],
  answers: {} as Record<string, unknown>,
}));

vi.mock('./workerClient.ts', () => {
  const api = new Proxy(
    {},
    {
      get: (_target, name: string) =>
        (...args: unknown[]) => {
          worker.calls.push(name);
          if (name === 'subscribe') worker.onEvent = args[0] as (event: WorkerEvent) => void;
          const answer = worker.answers[name];
          return typeof answer === 'function' ? Promise.resolve((answer as (...a: unknown[]) => unknown)(...args)) : Promise.resolve(answer);
        },
    },
  );
  return {
    trainerWorker: () => api,
    movedBytes: (bytes: ArrayBuffer) => bytes,
    eventListener: (listener: unknown) => listener,
    watchTrainerWorker: async () => undefined,
    replaceTrainerWorker: () => undefined,
  };
});

const { useWorkbench } = await import('./store.ts');

const backend: BackendInfo = { name: 'wasm', adapter: '', available: ['wasm', 'cpu'] };
const info = (runId: string): RunInfo => ({ runId, label: 'MTAA', config: structuredClone(presets.tiny), datasetName: 'x.conll', backend: 'wasm' });

let initCalls: string[] = [];
beforeAll(async () => {
  worker.answers = { subscribe: backend, savedRuns: [], savedStudy: null };
  await useWorkbench.getState().initTraining();
  initCalls = worker.calls;
});

beforeEach(() => {
  vi.useFakeTimers();
  worker.calls = [];
});

afterEach(() => {
  vi.useRealTimers();
});

describe('the workbench store', () => {
  it('starts with the small preset and the sample’s training settings as the draft, before the worker answers anything', () => {
    expect(useWorkbench.getState().draft).toEqual(presetConfig('small', true));
    expect(useWorkbench.getState().draft.train).toMatchObject(sampleTraining);
    expect(useWorkbench.getState().backend).toEqual(backend);
    expect(initCalls).toEqual(['subscribe', 'savedRuns', 'savedStudy']); // no presets, ablations or config check asked of it
  });

  it('gathers run events into one update; storage news is shown at once', () => {
    const updates = vi.fn();
    const unsubscribe = useWorkbench.subscribe(updates);
    worker.onEvent!({ type: 'run-started', run: info('run-1') });
    worker.onEvent!({ type: 'run-status', runId: 'run-1', status: 'paused' });
    worker.onEvent!({ type: 'storage', ok: false, message: 'quota exceeded' });
    expect(useWorkbench.getState().storageError).toBe('quota exceeded');
    expect(useWorkbench.getState().runs['run-1']).toBeUndefined();
    updates.mockClear();
    vi.advanceTimersByTime(60);
    expect(updates).toHaveBeenCalledTimes(1);
    expect(useWorkbench.getState().runs['run-1']!.status).toBe('paused');
    expect(useWorkbench.getState().order.at(-1)).toBe('run-1');
    unsubscribe();
  });

  it('shows a live change at once and keeps the one the worker confirms', async () => {
    worker.onEvent!({ type: 'run-started', run: info('run-2') });
    vi.advanceTimersByTime(60);
    const change: LiveChange = { runId: 'run-2', step: 4, epoch: 1, settings: { lambdaAdversarial: 0 }, previous: { lambdaAdversarial: 0.5 } };
    worker.answers.updateLive = () => worker.onEvent!({ type: 'live-change', change });
    const done = useWorkbench.getState().updateLive('run-2', { lambdaAdversarial: 0 });
    expect(useWorkbench.getState().pendingLive['run-2']).toEqual({ lambdaAdversarial: 0 });
    await done;
    expect(useWorkbench.getState().pendingLive['run-2']).toBeUndefined();
    expect(useWorkbench.getState().runs['run-2']!.changes).toEqual([change]);
  });

  it('puts a refused training action in the banner', async () => {
    worker.answers.pause = () => {
      throw new Error('run-9 is completed');
    };
    await useWorkbench.getState().pauseRun('run-9');
    expect(useWorkbench.getState().trainingError).toBe('run-9 is completed');
  });

  it('an untouched draft follows the data: the preset’s own settings for a dropped file, an edited draft stays', async () => {
    const summary = (builtIn: boolean) => ({ name: builtIn ? 'sample.conllu' : 'mine.conll', builtIn });
    const file = { name: 'mine.conll', size: 10, arrayBuffer: async () => new ArrayBuffer(10) } as unknown as File;
    worker.answers.loadFile = () => ({ ok: true, dataset: summary(false) });
    worker.answers.loadSample = () => ({ ok: true, dataset: summary(true) });
    await useWorkbench.getState().loadSample();
    expect(useWorkbench.getState().draft).toEqual(presetConfig('small', true));
    await useWorkbench.getState().loadFile(file);
    expect(useWorkbench.getState().draft).toEqual(presets.small);
    const edited = structuredClone(presets.small);
    edited.train.epochs = 2;
    useWorkbench.getState().setDraft(edited);
    await useWorkbench.getState().loadSample();
    expect(useWorkbench.getState().draft).toEqual(edited);
  });

  it('refuses a file over the limit unread', async () => {
    const huge = { name: 'big.conll', size: 300 * 1024 * 1024, arrayBuffer: () => Promise.reject(new Error('read')) } as unknown as File;
    await useWorkbench.getState().loadFile(huge);
    expect(useWorkbench.getState().loadError).toMatchObject({ file: 'big.conll', kind: 'too-large' });
    expect(worker.calls).not.toContain('loadFile');
  });

  it('opens the dataset kept from the last visit with its test file, or says why the sample opened instead', async () => {
    const dataset = { name: 'ner.conll + pos.conll', builtIn: false, sentences: 4, tokens: 12, tasks: [], parts: [], sizeBytes: 10, columns: [], wordColumn: 0, hash: 'ab' };
    const test = { name: 'ner.test', sentences: 1, tokens: 2, tasks: [{ name: 'NER', labeledSentences: 1 }] };
    worker.answers.openDataset = { result: { ok: true, dataset }, test, notice: null, persistent: true };
    await useWorkbench.getState().openDataset();
    expect(useWorkbench.getState()).toMatchObject({ dataset, testFile: test, testFileNotice: null, loadError: null, loading: null });

    const sample = { ...dataset, name: 'en_ewt-ud-sample.conllu', builtIn: true };
    const notice = "ner.conll, the dataset you had loaded, is no longer in this browser's storage; the built-in sample is loaded instead.";
    worker.answers.openDataset = { result: { ok: true, dataset: sample }, test: null, notice, persistent: true };
    await useWorkbench.getState().openDataset();
    expect(useWorkbench.getState()).toMatchObject({ dataset: sample, testFile: null, loadError: { message: notice } });
    delete worker.answers.openDataset;
  });

  it('is the panels’ way to ask a run’s model', async () => {
    worker.answers.tagText = (runId: string, text: string) => [{ runId, text }];
    expect(await useWorkbench.getState().tagText('run-1', 'EU rejects')).toEqual([{ runId: 'run-1', text: 'EU rejects' }]);
    expect(worker.calls.at(-1)).toBe('tagText');
  });

  it('refuses a shared config naming its field, and leaves the draft', () => {
    const before = useWorkbench.getState().draft;
    const bad = { ...structuredClone(presets.small), train: { ...presets.small.train, learningRate: -1 } };
    expect(useWorkbench.getState().applySharedConfig({ config: bad }, 'the link')).toBe(false);
    expect(useWorkbench.getState().shareMessage?.text).toMatch(/^the link: config\.train\.learningRate/);
    expect(useWorkbench.getState().draft).toBe(before);
  });

  it('shows the main pane\'s curves first and switches views; a name of no view changes nothing', () => {
    expect(useWorkbench.getState().view).toBe('curves');
    useWorkbench.getState().showView('compare');
    expect(useWorkbench.getState().view).toBe('compare');
    useWorkbench.getState().showView('settings' as never);
    expect(useWorkbench.getState().view).toBe('compare');
  });

  it('renames a run once the worker took the name; a refusal goes to the banner and keeps the old name', async () => {
    worker.onEvent!({ type: 'run-started', run: info('run-5') });
    vi.advanceTimersByTime(60);
    worker.answers.renameRun = undefined;
    await useWorkbench.getState().renameRun('run-5', '  lr 0.5 ');
    expect(worker.calls).toContain('renameRun');
    expect(useWorkbench.getState().runs['run-5']!.info.label).toBe('lr 0.5');
    worker.answers.renameRun = () => {
      throw new Error('run-1 is already called "MTAA": run names are unique.');
    };
    await useWorkbench.getState().renameRun('run-5', 'MTAA');
    expect(useWorkbench.getState().trainingError).toBe('run-1 is already called "MTAA": run names are unique.');
    expect(useWorkbench.getState().runs['run-5']!.info.label).toBe('lr 0.5');
  });

  it('folds a single step\'s report as soon as the step is answered', async () => {
    worker.onEvent!({ type: 'run-started', run: info('run-6') });
    vi.advanceTimersByTime(60);
    const report = { type: 'step' as const, runId: 'run-6', epoch: 1, batch: 3, batches: 10, step: 3, loss: { total: 1, tasks: {}, adversarial: 0, orthogonality: 0 }, learningRate: 0.01, lambdaAdversarial: 0, tokensPerSecond: 100, elapsedSeconds: 1, etaSeconds: 5 };
    worker.answers.step = () => worker.onEvent!(report);
    await useWorkbench.getState().stepRun('run-6');
    // No timer advanced: the report is in the store without waiting for the events' batching delay.
    expect(useWorkbench.getState().runs['run-6']!.steps.at(-1)).toEqual(report);
  });

  it('a BERT run whose Resume was refused for want of its checkpoint resumes once that checkpoint is dropped (not another)', async () => {
    const config = structuredClone(presets.tiny);
    config.model.embedding.bert = { mode: 'concat', layer: -1, mixLastFour: false, pooling: 'first', hiddenSize: 32 };
    worker.onEvent!({ type: 'run-started', run: { ...info('run-7'), config, bert: { checkpoint: 'tiny-bert', hash: 'a'.repeat(64) } } });
    vi.advanceTimersByTime(60);
    const refusal = 'MTAA: its BERT features are no longer in this browser\'s storage, and no BERT checkpoint is loaded: drop the BERT checkpoint "tiny-bert" (its folder or zip) on the BERT panel, then resume.';
    worker.answers.resume = () => {
      throw new Error(refusal);
    };
    await useWorkbench.getState().resumeRun('run-7');
    expect(useWorkbench.getState().trainingError).toBe(refusal);
    expect(useWorkbench.getState().bertAwaitingResume).toEqual(['run-7']);

    const checkpoint = (name: string, hash: string) => ({ ok: true, bert: { name, hash, files: [], layers: 2, hiddenSize: 32, heads: 2, vocabSize: 50, maxPositions: 64, storedDtype: 'F32', features: null } });
    const files = [{ path: 'config.json', file: new File(['{}'], 'config.json') }];
    worker.answers.loadBert = checkpoint('other', 'b'.repeat(64));
    await useWorkbench.getState().loadBert('other', files);
    expect(worker.calls.filter((c) => c === 'resume')).toHaveLength(1);

    worker.answers.resume = undefined;
    worker.answers.loadBert = checkpoint('tiny-bert', 'a'.repeat(64));
    await useWorkbench.getState().loadBert('tiny-bert', files);
    await vi.waitFor(() => expect(useWorkbench.getState().bertAwaitingResume).toEqual([]));
    expect(worker.calls.filter((c) => c === 'resume')).toHaveLength(2);
    expect(useWorkbench.getState().trainingError).toBeNull();
  });

  it('deleting a run leaves nothing of the page naming it: runs, selection, comparison baseline, inspector target', async () => {
    worker.onEvent!({ type: 'run-started', run: info('run-7') });
    vi.advanceTimersByTime(60);
    useWorkbench.getState().selectRun('run-7');
    useWorkbench.getState().setBaseline('run-7');
    useWorkbench.getState().openInInspector('run-7', 2);
    worker.answers.deleteRun = undefined;
    await useWorkbench.getState().deleteRun('run-7');
    const state = useWorkbench.getState();
    expect([state.runs['run-7'], state.order.includes('run-7'), state.selectedRunId, state.baselineRunId, state.inspectTarget]).toEqual([undefined, false, null, null, null]);
  });

  it('deletes a finished study with its runs when asked; refuses while it runs; "clear" keeps the runs', async () => {
    for (const runId of ['run-8', 'run-9', 'run-10']) worker.onEvent!({ type: 'run-started', run: info(runId) });
    vi.advanceTimersByTime(60);
    const item = (n: number, status: 'done' | 'running' | 'cancelled', runId?: string) => ({ id: `s-${n}`, configName: 'MTAA', seed: n, config: structuredClone(presets.tiny), status, ...(runId ? { runId } : {}) });
    const deleted: unknown[] = [];
    worker.answers.deleteRun = (runId: unknown) => void deleted.push(runId);
    useWorkbench.setState({ study: { id: 'study-x', active: true, items: [item(1, 'done', 'run-8'), item(2, 'running', 'run-9')] } });
    await useWorkbench.getState().deleteStudy(true);
    expect(useWorkbench.getState().trainingError).toMatch(/^The study is running/);
    expect(deleted).toEqual([]);

    useWorkbench.setState({ study: { id: 'study-x', active: false, items: [item(1, 'done', 'run-8'), item(2, 'done', 'run-9'), item(3, 'cancelled')] } });
    await useWorkbench.getState().deleteStudy(true);
    expect(deleted).toEqual(['run-8', 'run-9']);
    expect(useWorkbench.getState().study).toBeNull();
    expect(Object.keys(useWorkbench.getState().runs).filter((id) => ['run-8', 'run-9', 'run-10'].includes(id))).toEqual(['run-10']);

    useWorkbench.setState({ study: { id: 'study-y', active: false, items: [item(1, 'done', 'run-10')] } });
    await useWorkbench.getState().deleteStudy(false);
    expect(useWorkbench.getState().study).toBeNull();
    expect(deleted).toEqual(['run-8', 'run-9']);
    expect(useWorkbench.getState().runs['run-10']).toBeDefined();
  });
});
