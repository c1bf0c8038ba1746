/**
 * A study spec: the JSON file `mtaa study run` reads. Which data, which preset, which
 * configurations (ablation names or named config patches, each with or without the spec's BERT
 * checkpoint), which seeds and how many epochs; every
 * (configuration, seed) becomes one `mtaa train` run in its own folder. Pure: the CLI passes in the
 * file's text, its directory (relative data paths are relative to the spec) and the ablation names
 * `mtaa train` knows, and gets back the resolved spec or an error naming the file and the field.
 */
import { messageOf } from '../core/errors.ts';

export interface StudyConfiguration {
  /** The row's name in the table, e.g. `no-TD` or `MTAA λ1=0.1`. */
  name: string;
  /** An ablation of `mtaa train --ablation`; the name itself when it is one and none is given. */
  ablation?: string;
  /** A `--config` patch on top of the study's common `config`. */
  config?: Record<string, unknown>;
  /** Trains with frozen BERT features of the study's `bert` checkpoint (`mtaa train --bert DIR`). */
  bert?: boolean;
}

export interface StudySpec {
  /** Absolute paths (resolved against the spec's directory). */
  train: string;
  dev?: string;
  test?: string;
  preset: 'paper' | 'small' | 'tiny';
  epochs: number;
  seeds: number[];
  configurations: StudyConfiguration[];
  /** The configuration the others are compared to (paired bootstrap on test); default the first. */
  baseline: string;
  maxSentences?: number;
  /** A `--config` patch applied to every configuration. */
  config?: Record<string, unknown>;
  backend: 'wasm' | 'cpu' | 'webgpu';
  bootstrap: { samples: number; seed: number };
  /** A local BERT checkpoint folder (absolute) for the configurations with `"bert": true`. */
  bert?: string;
}

/** One (configuration, seed) of a study, in configuration-major order: `index` is its Slurm array index. */
export interface StudyRun {
  index: number;
  /** The folder name under `runs/`: configuration and seed, file-system safe. */
  id: string;
  configuration: StudyConfiguration;
  seed: number;
}

export class StudySpecError extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPositiveInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 1;

/** Deep merge of JSON patches: objects merge key by key, anything else is replaced. */
export function mergePatches(...patches: (Record<string, unknown> | undefined)[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const patch of patches) {
    for (const [key, value] of Object.entries(patch ?? {})) {
      out[key] = isObject(value) && isObject(out[key]) ? mergePatches(out[key] as Record<string, unknown>, value) : structuredClone(value);
    }
  }
  return out;
}

/** Joins a relative path onto a directory (POSIX separators; absolute paths pass through). */
export function resolvePath(dir: string, path: string): string {
  if (path.startsWith('/')) return path;
  const parts = `${dir}/${path}`.split('/');
  const out: string[] = [];
  for (const part of parts) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

/**
 * Validates a spec's text. `dir`: the spec's directory, absolute. `ablations`: the names `mtaa train`
 * accepts. Throws a StudySpecError "FILE: field: problem" at the first fault.
 */
export function parseStudySpec(text: string, file: string, dir: string, ablations: readonly string[]): StudySpec {
  const fail = (field: string, problem: string): never => {
    throw new StudySpecError(`${file}: ${field}: ${problem}`);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new StudySpecError(`${file}: not valid JSON: ${messageOf(error)}`);
  }
  if (!isObject(raw)) fail('(top level)', 'must be a JSON object');
  const spec = raw as Record<string, unknown>;
  const known = ['$comment', 'train', 'dev', 'test', 'preset', 'epochs', 'seeds', 'configurations', 'baseline', 'maxSentences', 'config', 'backend', 'bootstrap', 'bert'];
  for (const key of Object.keys(spec)) if (!known.includes(key)) fail(key, `unknown field (known: ${known.slice(1).join(', ')})`);
  const path = (field: string, required: boolean): string | undefined => {
    const v = spec[field];
    if (v === undefined && !required) return undefined;
    if (typeof v !== 'string' || v === '') return fail(field, 'must be a file path (relative to the spec file or absolute)');
    return resolvePath(dir, v);
  };
  const preset = spec.preset ?? 'small';
  if (preset !== 'paper' && preset !== 'small' && preset !== 'tiny') fail('preset', `must be paper, small or tiny, got ${JSON.stringify(preset)}`);
  if (!isPositiveInt(spec.epochs)) fail('epochs', `must be a positive integer, got ${JSON.stringify(spec.epochs)}`);
  const seeds = spec.seeds;
  if (!Array.isArray(seeds) || seeds.length === 0) fail('seeds', 'must be a non-empty list of seeds, e.g. [1, 2, 3]');
  (seeds as unknown[]).forEach((s, i) => {
    if (!Number.isInteger(s) || (s as number) < 0 || (s as number) > 2 ** 31 - 1) fail(`seeds[${i}]`, `must be a non-negative integer, got ${JSON.stringify(s)}`);
  });
  if (new Set(seeds as number[]).size !== (seeds as number[]).length) fail('seeds', 'lists a seed twice');
  const rawConfigs = spec.configurations;
  if (!Array.isArray(rawConfigs) || rawConfigs.length === 0) fail('configurations', 'must be a non-empty list of ablation names or {"name", "ablation"?, "config"?} objects');
  const configurations = (rawConfigs as unknown[]).map((c, i): StudyConfiguration => {
    const field = `configurations[${i}]`;
    if (typeof c === 'string') {
      if (!ablations.includes(c)) fail(field, `unknown ablation ${JSON.stringify(c)} (known: ${ablations.join(', ')})`);
      return { name: c, ablation: c };
    }
    if (!isObject(c)) return fail(field, 'must be an ablation name or an object');
    for (const key of Object.keys(c)) if (!['name', 'ablation', 'config', 'bert'].includes(key)) fail(`${field}.${key}`, 'unknown field (known: name, ablation, config, bert)');
    if (typeof c.name !== 'string' || c.name.trim() === '') fail(`${field}.name`, 'must be a non-empty string');
    const ablation = c.ablation ?? (ablations.includes(c.name as string) ? c.name : undefined);
    if (ablation !== undefined && (typeof ablation !== 'string' || !ablations.includes(ablation))) {
      fail(`${field}.ablation`, `unknown ablation ${JSON.stringify(ablation)} (known: ${ablations.join(', ')})`);
    }
    if (c.config !== undefined && !isObject(c.config)) fail(`${field}.config`, 'must be a config patch object, e.g. {"train": {"lambdaAdversarial": 0.1}}');
    if (c.bert !== undefined && typeof c.bert !== 'boolean') fail(`${field}.bert`, `must be true or false, got ${JSON.stringify(c.bert)}`);
    // Checked here, not at run time: a study that cannot run its BERT rows should not start its others.
    if (c.bert === true && spec.bert === undefined) fail(`${field}.bert`, 'asks for BERT features, but the spec has no "bert" checkpoint folder');
    return {
      name: c.name as string,
      ...(ablation ? { ablation: ablation as string } : {}),
      ...(c.config ? { config: c.config as Record<string, unknown> } : {}),
      ...(c.bert === true ? { bert: true } : {}),
    };
  });
  const names = configurations.map((c) => c.name);
  names.forEach((n, i) => {
    if (names.indexOf(n) !== i) fail(`configurations[${i}].name`, `${JSON.stringify(n)} is used twice`);
  });
  const baseline = spec.baseline ?? names[0];
  if (typeof baseline !== 'string' || !names.includes(baseline)) fail('baseline', `must name one of the configurations (${names.join(', ')}), got ${JSON.stringify(baseline)}`);
  if (spec.maxSentences !== undefined && !isPositiveInt(spec.maxSentences)) fail('maxSentences', `must be a positive integer, got ${JSON.stringify(spec.maxSentences)}`);
  if (spec.config !== undefined && !isObject(spec.config)) fail('config', 'must be a config patch object');
  const backend = spec.backend ?? 'wasm';
  if (backend !== 'wasm' && backend !== 'cpu' && backend !== 'webgpu') fail('backend', `must be wasm, cpu or webgpu, got ${JSON.stringify(backend)}`);
  const boot = spec.bootstrap ?? {};
  if (!isObject(boot)) fail('bootstrap', 'must be {"samples": N, "seed": N}');
  const b = boot as Record<string, unknown>;
  if (b.samples !== undefined && !isPositiveInt(b.samples)) fail('bootstrap.samples', `must be a positive integer, got ${JSON.stringify(b.samples)}`);
  if (b.seed !== undefined && !Number.isInteger(b.seed)) fail('bootstrap.seed', `must be an integer, got ${JSON.stringify(b.seed)}`);
  const dev = path('dev', false);
  const test = path('test', false);
  const bert = path('bert', false);
  return {
    train: path('train', true)!,
    ...(dev ? { dev } : {}),
    ...(test ? { test } : {}),
    preset: preset as StudySpec['preset'],
    epochs: spec.epochs as number,
    seeds: seeds as number[],
    configurations,
    baseline: baseline as string,
    ...(spec.maxSentences !== undefined ? { maxSentences: spec.maxSentences as number } : {}),
    ...(spec.config ? { config: spec.config as Record<string, unknown> } : {}),
    backend: backend as StudySpec['backend'],
    bootstrap: { samples: (b.samples as number | undefined) ?? 1000, seed: (b.seed as number | undefined) ?? 1 },
    ...(bert ? { bert } : {}),
  };
}

const slug = (name: string) => name.replace(/[^A-Za-z0-9._-]+/g, '_');

/** Every (configuration, seed) of the study, configuration-major. */
export function studyRuns(spec: StudySpec): StudyRun[] {
  const runs: StudyRun[] = [];
  for (const configuration of spec.configurations) {
    for (const seed of spec.seeds) runs.push({ index: runs.length, id: `${slug(configuration.name)}-seed${seed}`, configuration, seed });
  }
  return runs;
}

/** The `mtaa train` arguments of one run; its model, test predictions included, go to `modelDir`. */
export function trainArguments(spec: StudySpec, run: StudyRun, opts: { modelDir: string; threads: number }): string[] {
  const patch = mergePatches(spec.config, run.configuration.config);
  return [
    'train',
    '--train', spec.train,
    ...(spec.dev ? ['--dev', spec.dev] : []),
    ...(spec.test ? ['--test', spec.test] : []),
    '--preset', spec.preset,
    ...(run.configuration.ablation ? ['--ablation', run.configuration.ablation] : []),
    ...(Object.keys(patch).length > 0 ? ['--config', JSON.stringify(patch)] : []),
    ...(run.configuration.bert && spec.bert ? ['--bert', spec.bert] : []),
    '--epochs', String(spec.epochs),
    '--seed', String(run.seed),
    ...(spec.maxSentences ? ['--max-sentences', String(spec.maxSentences)] : []),
    '--backend', spec.backend,
    '--threads', String(opts.threads),
    '--out', opts.modelDir,
  ];
}
