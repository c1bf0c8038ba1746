import { describe, expect, it } from 'vitest';
import { formatReport, runFuzz } from '../../data/fuzz/runner.ts';
import { ConfigError, presets } from '../../core/config.ts';
import { configFromText } from '../../core/configInput.ts';
import { strFromU8, strToU8 } from 'fflate';
import { decodeModelFiles, MODEL_FILES } from '../formats/checkpoint.ts';
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
