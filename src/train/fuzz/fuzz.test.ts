import { describe, expect, it } from 'vitest';
import { corpusTargets } from '../../data/fuzz/corpusTargets.ts';
import { formatReport, runFuzz } from '../../data/fuzz/runner.ts';
import { createRng } from '../../data/prng.ts';
import { DatasetStore } from '../datasetStore.ts';
import { ConfigError, presets } from '../../core/config.ts';
import { configFromText } from '../../core/configInput.ts';
import { strFromU8, strToU8 } from 'fflate';
import { decodeModelFiles, MODEL_FILES } from '../checkpoint.ts';
import { archiveTarget, baseModel, safetensorsTarget } from './archiveTargets.ts';
import { configTarget } from './configTargets.ts';

describe('config fuzzing', () => {
  it('300 seeded config texts end in a validated config or a ConfigError naming the field', () => {
    const report = runFuzz([configTarget()], { seed: 11, cases: 300, slowMs: 2000 });
    expect(report.failures, formatReport(report)).toEqual([]);
    expect(report.ok).toBeGreaterThan(0);
    expect(report.typed).toBeGreaterThan(0);
    expect(report.byStrategy['config/prototype keys'] ?? 0).toBeGreaterThan(0);
  });

  it('a __proto__ key is a ConfigError naming it, not a TypeError from Object.prototype', () => {
    expect(() => configFromText(presets.small, '{"__proto__":{"__proto__":{}}}', 'url')).toThrow(ConfigError);
    expect(() => configFromText(presets.small, '{"model":{"__proto__":{"__proto__":{}}}}', 'url')).toThrow(/^url\.model\.__proto__: unknown field$/);
  });
});

describe('model archive fuzzing', () => {
  it('300 seeded archives end in a model or a CheckpointError naming file and entry', () => {
    const report = runFuzz([archiveTarget(), safetensorsTarget()], { seed: 13, cases: 300, slowMs: 2000 });
    expect(report.failures, formatReport(report)).toEqual([]);
    expect(report.ok).toBeGreaterThan(0);
    expect(report.typed).toBeGreaterThan(0);
    for (const strategy of ['mismatched shapes', 'duplicated headers', 'zip size lie', 'forged config', 'truncate']) {
      expect(report.byStrategy[`archive/${strategy}`] ?? 0, strategy).toBeGreaterThan(0);
    }
  });
});

describe('archive checks found by fuzzing', () => {
  const manifest = () => JSON.parse(strFromU8(baseModel().files[MODEL_FILES.manifest]!)) as {
    config: { model: Record<string, unknown> };
    weightsManifest: { weights: unknown[] }[];
  };
  const decode = (m: unknown) => decodeModelFiles({ ...baseModel().files, [MODEL_FILES.manifest]: strToU8(JSON.stringify(m)) }, 'm.zip');

  it('the base archive decodes', () => {
    expect(decode(manifest()).weights.length).toBe(baseModel().weights.length);
  });

  it('a config asking for more weights than the files hold is refused before any model is built', () => {
    const m = manifest();
    m.config.model.individual = { hidden: 2048, layers: 8 };
    m.config.model.shared = { hidden: 2048, layers: 8 };
    expect(() => decode(m)).toThrow(/^m\.zip: config: its sizes need at least \d+ weights but the manifest lists \d+$/);
  });

  it('a weight listed twice in the manifest is refused by name', () => {
    const m = manifest();
    m.weightsManifest[0]!.weights.push(m.weightsManifest[0]!.weights[0]);
    expect(() => decode(m)).toThrow(/^m\.zip: embed\.word: listed twice in the weights manifest$/);
  });
});

describe('a rejected file leaves the loaded dataset as it was', () => {
  it('200 fuzzed files through the worker\'s DatasetStore: the previous dataset stays, errors are typed', () => {
    const store = new DatasetStore();
    const good = store.load('good.conll', new TextEncoder().encode('EU B-ORG\nrejects O\n\nPeter B-PER\n'));
    expect(good.ok).toBe(true);
    let rejected = 0;
    const targets = corpusTargets({ hugeLineChars: 50_000, longSentenceTokens: 10_000, costlyWeight: 0.2 });
    for (let index = 0; index < 200; index++) {
      const target = targets[index % 2]!;
      const fuzzCase = target.generate(createRng(1000 + index), index);
      const before = store.current;
      const bytes = typeof fuzzCase.input === 'string' ? new TextEncoder().encode(fuzzCase.input) : fuzzCase.input;
      const result = store.load(fuzzCase.file, bytes);
      if (result.ok) continue;
      rejected++;
      expect(store.current).toBe(before);
      expect(result.error.kind).not.toBe('internal');
      expect(result.error.message.startsWith(`${fuzzCase.file}: `)).toBe(true);
    }
    expect(rejected).toBeGreaterThan(0);
  });
});
