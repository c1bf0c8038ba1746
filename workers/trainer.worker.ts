/**
 * The trainer worker: the only place the browser runs data parsing and (later) tfjs. It exposes
 * the typed API of src/protocol.ts over comlink; the page never blocks on it.
 */
import { expose } from 'comlink';
import type { ColumnOverride, LoadResult, TrainerApi } from '../src/protocol.ts';
import { DatasetStore } from '../src/train/datasetStore.ts';

const SAMPLE_NAME = 'en_ewt-ud-sample.conllu';
const datasets = new DatasetStore();

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
};

expose(api);
