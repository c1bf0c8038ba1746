/**
 * The trainer worker: the only place the browser parses data and runs tfjs. It exposes the typed
 * API of src/protocol.ts over comlink; the logic lives in src/train (DatasetStore, TrainingSession)
 * and backend selection in ./backends.ts. The page never blocks on it.
 */
import { expose, transfer } from 'comlink';
import type { Backend, BackendInfo, ColumnOverride, LoadResult, TrainerApi, WorkerEvent } from '../src/protocol.ts';
import { presets } from '../src/model/config.ts';
import { DatasetStore } from '../src/train/datasetStore.ts';
import { TrainingSession } from '../src/train/session.ts';
import { tfjsSessionEngine } from '../src/train/sessionEngine.ts';
import { BackendManager } from './backends.ts';

const SAMPLE_NAME = 'en_ewt-ud-sample.conllu';
/** The page names the worker `…:testhooks` when it runs with `?testhooks` (browser tests). */
const TEST_HOOKS = self.name.endsWith(':testhooks');
const datasets = new DatasetStore();

let sink: ((event: WorkerEvent) => void) | null = null;
function emit(event: WorkerEvent): void {
  if (!sink) return;
  try {
    // A comlink proxy: the call posts a message and returns a promise we do not wait for.
    void Promise.resolve(sink(event)).catch(() => undefined);
  } catch {
    // the page went away
  }
}

const backends: BackendManager = new BackendManager({
  onLost(backend, reason) {
    void session
      .backendLost(backend, reason)
      .then((info) => {
        if (!info) emit({ type: 'backend', backend: backends.info() });
      })
      .catch(() => emit({ type: 'backend', backend: backends.info() }));
  },
});

const session = new TrainingSession({ engine: tfjsSessionEngine, backends, datasets, emit });

/** The first backend start (WebGPU → WebGL → WASM → CPU, or the page's preference). */
let started: Promise<BackendInfo> | null = null;
function ready(preferred?: Backend): Promise<BackendInfo> {
  started ??= backends.switchTo(preferred ?? 'webgpu');
  return started;
}

const api: TrainerApi = {
  async loadSample(): Promise<LoadResult> {
    const url = new URL(`${import.meta.env.BASE_URL}samples/${SAMPLE_NAME}`, self.location.origin);
    const response = await fetch(url);
    if (!response.ok) {
      return { ok: false, error: { file: SAMPLE_NAME, kind: 'internal', message: `${SAMPLE_NAME}: HTTP ${response.status}` } };
    }
    return datasets.load(SAMPLE_NAME, new Uint8Array(await response.arrayBuffer()), { builtIn: true });
  },

  async loadFile(fileName: string, bytes: ArrayBuffer, overrides?: ColumnOverride[]): Promise<LoadResult> {
    return datasets.load(fileName, new Uint8Array(bytes), { overrides: overrides ?? [] });
  },

  async applyOverrides(overrides: ColumnOverride[]): Promise<LoadResult> {
    return datasets.applyOverrides(overrides);
  },

  async subscribe(onEvent, preferred) {
    sink = onEvent;
    await ready(preferred);
    // The page may subscribe again (a reload of the page's state) after later switches: answer with now.
    return backends.info();
  },

  async setBackend(name) {
    await ready(name);
    return session.setBackend(name);
  },

  async configPresets() {
    return structuredClone(presets);
  },

  async startRun(config, label, siblingOf) {
    await ready();
    return session.startRun(config, label, siblingOf);
  },

  async pause(runId) {
    session.pause(runId);
  },

  async resume(runId) {
    await session.resume(runId);
  },

  async stop(runId) {
    await session.stop(runId);
  },

  async step(runId) {
    await session.step(runId);
  },

  async updateLive(runId, settings) {
    return session.updateLive(runId, settings);
  },

  async devSentences(limit, runId) {
    return session.devSentences(limit, runId);
  },

  async inspectSentence(runId, request) {
    return session.inspect(runId, request);
  },

  async exportModel(runId) {
    const exported = await session.exportModel(runId);
    return transfer(exported, [exported.archive]);
  },

  async simulateFailure(runId, message) {
    if (!TEST_HOOKS) throw new Error('simulateFailure is a test hook: open the page with ?testhooks');
    session.simulateFailure(runId, message);
  },
};

expose(api);
