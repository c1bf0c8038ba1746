/**
 * The worker's BERT checkpoint and feature cache with a counting fake engine and MemoryRunStorage:
 * a dropped folder or zip is validated (the real checks) before anything else, features are
 * computed once per (checkpoint, dataset, layers, pooling) with progress and an ETA, kept as
 * float16, and a second worker on the same storage (a reload) reads them back without computing.
 */
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { Sentence } from '../../data/types.ts';
import { halfToFloat, floatToHalf } from '../../train/formats/safetensors.ts';
import { TINY_BERT, randomBertFiles } from '../../train/bert/bertFixture.ts';
import { MemoryRunStorage } from '../persistence/runStorage.ts';
import { sentenceKey } from './featureCodec.ts';
import { LoadedBert } from './loadedBert.ts';
import { countingBertEngine } from './testBertEngine.ts';

const sentence = (text: string): Sentence => ({ words: text.split(' '), tags: [] });
const dataset = {
  name: 'eng.train',
  hash: 'd'.repeat(64),
  // The first sentence twice: encoded once.
  sentences: ['EU rejects German call', 'Peter Blackburn', 'EU rejects German call', 'The lamb was British .'].map(sentence),
};
const settings = { layer: -1, mixLastFour: false, pooling: 'first' } as const;

function folder(prefix = 'tiny-bert/', opts?: Parameters<typeof randomBertFiles>[2]) {
  return [...randomBertFiles(TINY_BERT, undefined, opts)].map(([name, bytes]) => ({ path: prefix + name, bytes }));
}

function worker(storage: MemoryRunStorage) {
  const engine = countingBertEngine();
  const progress: { sentencesDone: number; sentences: number; etaSeconds: number | null }[] = [];
  let clock = 0;
  const bert = new LoadedBert({ engine, storage, progress: (p) => void progress.push(p), now: () => (clock += 40) });
  return { bert, engine, progress };
}

describe('LoadedBert', () => {
  it('computes a dataset\'s features once with progress and an ETA, and a reload reads them back as float16 without computing', async () => {
    const storage = new MemoryRunStorage();
    const first = worker(storage);
    const info = await first.bert.load('tiny-bert', folder());
    expect(info).toMatchObject({ name: 'tiny-bert', layers: 2, hiddenSize: 32, storedDtype: 'F32', features: null });
    expect(info.files).toEqual(['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']);
    expect(info.hash).toMatch(/^[0-9a-f]{64}$/);

    const computed = await first.bert.ensure(dataset, settings);
    expect(first.engine.calls).toEqual([3]);
    expect(computed).toMatchObject({ fromCache: false, sentences: 3, words: 4 + 2 + 5, dim: 32, storedBytes: 11 * 32 * 2 });
    const last = first.progress.at(-1)!;
    expect(last).toMatchObject({ sentencesDone: 3, sentences: 3, etaSeconds: 0 });
    expect(first.progress.every((p) => p.etaSeconds === null || p.etaSeconds >= 0)).toBe(true);
    // Asked again (a run start): nothing recomputed.
    await first.bert.ensure(dataset, { ...settings, mode: 'concat', hiddenSize: 768 } as typeof settings);
    expect(first.engine.calls).toEqual([3]);
    const attached = first.bert.attach(dataset.sentences);
    expect(attached[0]!.features).toBe(attached[2]!.features);
    expect(attached[1]!.features!.length).toBe(2 * 32);

    const reload = worker(storage);
    // The same checkpoint dropped again after the reload: same hash, features from storage.
    expect((await reload.bert.load('tiny-bert', folder('other-name/'))).hash).toBe(info.hash);
    const cached = await reload.bert.ensure(dataset, settings);
    expect(cached).toMatchObject({ fromCache: true, sentences: 3, words: 11 });
    expect(reload.engine.calls).toEqual([]);
    expect(reload.progress).toEqual([]);
    const again = reload.bert.attach(dataset.sentences);
    again.forEach((s, i) => {
      const exact = attached[i]!.features!;
      s.features!.forEach((x, j) => expect(x).toBe(halfToFloat(floatToHalf(exact[j]!))));
    });
    expect(reload.bert.info()!.features).toEqual(cached);
  });

  it('keys features by settings, dataset and checkpoint: any change recomputes', async () => {
    const storage = new MemoryRunStorage();
    const { bert, engine } = worker(storage);
    await bert.load('tiny-bert', folder());
    await bert.ensure(dataset, settings);
    await bert.ensure(dataset, { ...settings, pooling: 'mean' });
    await bert.ensure({ ...dataset, hash: 'e'.repeat(64) }, settings);
    await bert.load('tiny-bert-2', folder('', { seed: 2 }));
    await bert.ensure(dataset, settings);
    expect(engine.calls).toEqual([3, 3, 3, 3]);
    await expect(bert.ensure(dataset, { ...settings, mixLastFour: true })).rejects.toThrow(/needs 4 layers; the checkpoint has 2/);
  });

  it('reads a zip; refuses a broken checkpoint naming the file and the tensor, keeping the one loaded before', async () => {
    const { bert } = worker(new MemoryRunStorage());
    const zipped = zipSync(Object.fromEntries(folder('bert/').map((f) => [f.path, f.bytes])));
    const info = await bert.load('bert.zip', [{ path: 'bert.zip', bytes: zipped }]);
    expect(info.files).toContain('model.safetensors');
    const files = randomBertFiles(TINY_BERT);
    const broken = randomBertFiles({ ...TINY_BERT, intermediateSize: 48 });
    const mismatched = [
      { path: 'config.json', bytes: files.get('config.json')! },
      { path: 'model.safetensors', bytes: broken.get('model.safetensors')! },
      { path: 'tokenizer.json', bytes: files.get('tokenizer.json')! },
    ];
    await expect(bert.load('mixed', mismatched)).rejects.toThrow(/model\.safetensors: bert\.encoder\.layer\.0\.intermediate\.dense\.weight: has shape \[48, 32\] but config\.json calls for \[64, 32\]/);
    await expect(bert.load('nothing.zip', [{ path: 'nothing.zip', bytes: new Uint8Array([1, 2, 3]) }])).rejects.toThrow(/^nothing\.zip: not a readable zip archive/);
    await expect(bert.load('empty', [])).rejects.toThrow(/config\.json: file: is missing/);
    expect(bert.info()!.name).toBe('bert.zip');
  });

  it('still uses features that could not be stored, and says so', async () => {
    const storage = new MemoryRunStorage();
    const { bert } = worker(storage);
    await bert.load('tiny-bert', folder());
    storage.failNextWrite = Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError' });
    const info = await bert.ensure(dataset, settings);
    expect(info.storageProblem).toMatch(/could not be kept in IndexedDB \(The quota has been exceeded\.\)/);
    expect(bert.attach(dataset.sentences)).toHaveLength(4);
    expect(() => bert.attach([sentence('never seen')])).toThrow(/No BERT features for the sentence "never seen…"/);
  });

  it("gives a run its rows after a reload: from storage without the checkpoint, else with the run's own checkpoint, else naming it; typed text needs the checkpoint", async () => {
    const storage = new MemoryRunStorage();
    const first = worker(storage);
    const info = await first.bert.load('tiny-bert.zip', folder());
    await first.bert.ensure(dataset, settings);
    const run = { checkpoint: 'tiny-bert.zip', hash: info.hash };

    const reload = worker(storage);
    const rows = await reload.bert.runRows(run, dataset, settings, 32);
    expect(reload.engine.calls).toEqual([]);
    expect(reload.progress).toEqual([]);
    expect(rows.size).toBe(3);
    // A run's model reading another width (a mix of four layers) is not served these rows.
    await expect(reload.bert.runRows(run, dataset, settings, 128)).rejects.toThrow(
      'its BERT features are no longer in this browser\'s storage, and no BERT checkpoint is loaded: drop the BERT checkpoint "tiny-bert.zip" (its folder or zip) on the BERT panel, then resume.',
    );
    await expect(reload.bert.typed(run, [['EU', 'rejects']], settings, 32)).rejects.toThrow(
      'No BERT checkpoint is loaded in this session: typed text needs the features of the BERT checkpoint "tiny-bert.zip". Drop it (its folder or zip) on the BERT panel, then tag again.',
    );

    // Storage cleared: another checkpoint is refused by name; the run's own computes (and keeps) them.
    const cleared = worker(new MemoryRunStorage());
    await cleared.bert.load('other', folder('', { seed: 2 }));
    await expect(cleared.bert.runRows(run, dataset, settings, 32)).rejects.toThrow(/and the loaded BERT checkpoint "other" is not "tiny-bert\.zip": drop the BERT checkpoint "tiny-bert\.zip"/);
    await cleared.bert.load('tiny-bert again', folder());
    const recomputed = await cleared.bert.runRows(run, dataset, settings, 32);
    expect(cleared.engine.calls).toEqual([3]);
    // Rounded to float16 when computed: the very values the first worker stored.
    for (const [key, values] of rows) expect([...recomputed.get(key)!]).toEqual([...values]);
    const [typed] = await cleared.bert.typed(run, [dataset.sentences[0]!.words], settings, 32);
    expect([...typed!]).toEqual([...rows.get(sentenceKey(dataset.sentences[0]!.words))!]);
  });
});
