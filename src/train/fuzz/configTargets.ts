/**
 * Fuzz target for configs from outside (`--config`, shared URL/JSON, an archive's manifest): JSON
 * text → `configFromText` → a validated RunConfig, or a ConfigError naming the field. The preset it
 * merges onto must come out untouched.
 */
import { randomInt } from '../../data/prng.ts';
import { pick, randomBytes, truncate, toBytes, type Rng } from '../../data/fuzz/mutators.ts';
import type { FuzzTarget } from '../../data/fuzz/runner.ts';
import { ConfigError, presets, validateConfig, type RunConfig } from '../../core/config.ts';
import { configFromText } from '../../core/configInput.ts';

/** Every leaf of a config as a dotted path and its value. */
function leaves(value: unknown, path: string[] = []): [string[], unknown][] {
  if (typeof value !== 'object' || value === null) return [[path, value]];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
}

const FIELDS = leaves(presets.paper);
const ODD_VALUES: unknown[] = [null, true, 'x', '', [], {}, [1, 2], -1, 0, -0, 0.5, 1.5, 1e308, -1e308, 2 ** 53, 4097, 1e-320, '5', 'NaN', 'mtaa'];

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let at = target;
  for (const key of path.slice(0, -1)) {
    const next = at[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) at[key] = {};
    at = at[key] as Record<string, unknown>;
  }
  at[path[path.length - 1]!] = value;
}

/** A patch of 1–4 real fields with values taken from the presets (valid but for combinations). */
function validPatch(rng: Rng): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  const presetValues = [presets.paper, presets.small, presets.tiny].map((p) => new Map(leaves(p).map(([k, v]) => [k.join('.'), v])));
  for (let k = 1 + randomInt(rng, 4); k > 0; k--) {
    const [path] = pick(rng, FIELDS);
    setPath(patch, path, pick(rng, presetValues).get(path.join('.')));
  }
  return patch;
}

type Mutation = (rng: Rng, patch: Record<string, unknown>) => string;

const MUTATIONS: [string, Mutation][] = [
  ['valid patch', (_rng, patch) => JSON.stringify(patch)],
  ['wrong type or range', (rng, patch) => {
    setPath(patch, pick(rng, FIELDS)[0], pick(rng, ODD_VALUES));
    return JSON.stringify(patch);
  }],
  ['unknown field', (rng, patch) => {
    const path = [...pick(rng, FIELDS)[0]];
    path.splice(randomInt(rng, path.length + 1), 0, pick(rng, ['hiden', 'x', '', 'toString', 'hasOwnProperty', 'valueOf', '0']));
    setPath(patch, path, 1);
    return JSON.stringify(patch);
  }],
  ['prototype keys', (rng) => {
    const key = pick(rng, ['__proto__', 'constructor', 'prototype']);
    const where = pick(rng, ['', '"model":{', '"train":{', '"model":{"embedding":{']);
    const close = '}'.repeat(where.split('{').length - 1);
    const inner = pick(rng, ['{}', 'null', '{"__proto__":{}}', '{"polluted":1}', '1', '[]']);
    return `{${where}"${key}":${inner}${close}}`;
  }],
  ['deep nesting', (rng) => `${'{"model":'.repeat(1 + randomInt(rng, 5000))}1${'}'.repeat(0)}`],
  ['deep nesting (closed)', (rng) => {
    const depth = 1 + randomInt(rng, 2000);
    return `${'{"model":'.repeat(depth)}{}${'}'.repeat(depth)}`;
  }],
  ['truncate', (rng, patch) => new TextDecoder().decode(truncate(rng, toBytes(JSON.stringify(patch))))],
  ['random bytes', (rng) => new TextDecoder().decode(randomBytes(rng, randomInt(rng, 300)))],
  ['duplicated keys', (_rng, patch) => {
    const text = JSON.stringify(patch);
    return `{"train":{"seed":1},${text.slice(1, -1)}${text.length > 2 ? ',' : ''}"train":{"seed":"x"}}`;
  }],
  ['huge value', (rng, patch) => {
    setPath(patch, pick(rng, FIELDS)[0], 'x'.repeat(1 << 20));
    return JSON.stringify(patch);
  }],
  ['not an object', (rng) => pick(rng, ['[]', '1', '"model"', 'null', 'true', '[{"model":{}}]', ''])],
];

const SNAPSHOT = JSON.stringify(presets);

export function classifyConfigError(error: unknown, file: string): string | null {
  if (!(error instanceof ConfigError)) return null;
  if (!error.field.startsWith(file) || !error.message.startsWith(`${error.field}: `)) return null;
  return 'ConfigError';
}

export function configTarget(): FuzzTarget {
  return {
    name: 'config',
    generate(rng, index) {
      const [strategy, mutate] = pick(rng, MUTATIONS);
      return { strategy, file: `config-${index}.json`, input: mutate(rng, validPatch(rng)) };
    },
    run(fuzzCase) {
      const base: RunConfig = presets.small;
      const config = configFromText(base, String(fuzzCase.input), fuzzCase.file);
      validateConfig(config);
      if (config === base) throw new Error('invariant: the preset itself was returned');
      // The previous state (the presets every run starts from) is untouched, success or not.
      if (JSON.stringify(presets) !== SNAPSHOT) throw new Error('invariant: a preset was modified');
    },
    classify(error, fuzzCase) {
      if (JSON.stringify(presets) !== SNAPSHOT) return null;
      return classifyConfigError(error, fuzzCase.file);
    },
  };
}
