import { describe, expect, it } from 'vitest';
import { ConfigError, presets, validateConfig, type RunConfig, type TrainConfig } from './config.ts';
import { configFields, fieldAt, fieldPaths, fieldProblem, fieldSpec, liveKeys, liveName } from './configFields.ts';

/** Every leaf of a config as a dotted path, read from the object itself (not from the table). */
function leafPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([key, v]) => leafPaths(v, prefix ? `${prefix}.${key}` : key));
}

describe('the config field table', () => {
  it('has exactly one row per field of a config, in the config order', () => {
    expect(fieldPaths).toEqual(leafPaths(presets.paper));
  });

  it('accepts every preset', () => {
    for (const config of Object.values(presets)) {
      for (const path of fieldPaths) expect(fieldProblem(path, fieldAt(config, path)), path).toBeNull();
    }
  });

  it('names the three live settings, and nothing of the model is live', () => {
    // Also a compile-time check: every live key is a numeric field of TrainConfig.
    const keys: readonly (keyof TrainConfig)[] = liveKeys;
    expect(keys.every((key) => typeof presets.paper.train[key] === 'number')).toBe(true);
    expect(liveKeys).toEqual(['lambdaAdversarial', 'lambdaOrthogonality', 'learningRate']);
    expect(liveKeys.map(liveName)).toEqual(['λ1', 'λ2', 'lr']);
    expect(fieldPaths.filter((p) => p.startsWith('model.') && configFields[p].kind === 'live')).toEqual([]);
  });

  it('makes validateConfig refuse a value just outside each numeric range, naming the field', () => {
    for (const path of fieldPaths) {
      const spec = fieldSpec(path);
      if (spec.type === 'choice') continue;
      const bad: RunConfig = structuredClone(presets.paper);
      const keys = path.split('.');
      const parent = keys.slice(0, -1).reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, bad as unknown as Record<string, unknown>);
      parent[keys[keys.length - 1]!] = spec.max + 1;
      expect(() => validateConfig(bad), path).toThrow(ConfigError);
      try {
        validateConfig(bad);
      } catch (error) {
        expect((error as ConfigError).field).toBe(`config.${path}`);
      }
    }
  });

  it('refuses a value outside the choices with the allowed ones listed', () => {
    expect(fieldProblem('model.fusion', 'sum')).toBe('must be one of attention, average, concat, twoStep; got "sum"');
    expect(fieldProblem('train.learningRate', 0)).toBe('must be a number in (0, 10]; got 0');
    expect(fieldProblem('train.epochs', 1.5)).toBe('must be an integer in [1, 10000]; got 1.5');
  });
});
