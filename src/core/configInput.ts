/**
 * The boundary for configs that come from outside (a `--config` argument, a shared URL or JSON, a
 * model archive's manifest): text → patch → validated RunConfig, throwing ConfigError and nothing
 * else. `mergeConfig` walks the patch with `in`, so a `__proto__` key reaches Object.prototype and
 * assigning it throws a bare TypeError; such keys are refused here first, by their path.
 */
import { messageOf } from './errors.ts';
import { ConfigError, mergeConfig, type RunConfig } from './config.ts';

/** Keys that name an object's prototype machinery rather than a config field. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** A config is three levels deep; a patch nested far deeper is not a config. */
const MAX_DEPTH = 8;

/** Parses config JSON; `where` names the source in the error (`config`, a file name, `?config=`). */
export function parseConfigText(text: string, where = 'config'): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ConfigError(where, `not valid JSON (${messageOf(error)})`);
  }
}

function checkKeys(value: unknown, path: string, depth: number): void {
  if (typeof value !== 'object' || value === null) return;
  if (depth > MAX_DEPTH) throw new ConfigError(path, `nested more than ${MAX_DEPTH} levels deep`);
  for (const key of Object.keys(value)) {
    const field = `${path}.${key}`;
    if (FORBIDDEN_KEYS.has(key)) throw new ConfigError(field, 'unknown field');
    checkKeys((value as Record<string, unknown>)[key], field, depth + 1);
  }
}

/** `mergeConfig` that only ever throws ConfigError (naming the field), and never touches `base`. */
export function applyConfigPatch(base: RunConfig, patch: unknown, where = 'config'): RunConfig {
  checkKeys(patch, where, 0);
  try {
    return mergeConfig(base, patch, where);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(where, messageOf(error));
  }
}

/** Text straight to a validated config. */
export function configFromText(base: RunConfig, text: string, where = 'config'): RunConfig {
  return applyConfigPatch(base, parseConfigText(text, where), where);
}
