/**
 * Validation of a complete RunConfig that came from outside (a shared link or file): every field
 * of the presets must be there (so the restored config is exactly the shared one, nothing filled
 * in), and `mergeConfig` refuses unknown fields, wrong types and out-of-range values. Pure TS.
 */
import { messageOf } from './errors.ts';
import { ConfigError, mergeConfig, presets, type RunConfig } from './config.ts';

export type CheckedConfig = { ok: true; config: RunConfig } | { ok: false; field: string; message: string };

function missingField(template: unknown, value: unknown, path: string): string | null {
  if (typeof template !== 'object' || template === null) return null;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null; // mergeConfig names the type
  for (const key of Object.keys(template)) {
    const field = `${path}.${key}`.replace(/^\./, '');
    if (!(key in value)) return field;
    const deeper = missingField((template as Record<string, unknown>)[key], (value as Record<string, unknown>)[key], field);
    if (deeper) return deeper;
  }
  return null;
}

export function checkSharedConfig(raw: unknown): CheckedConfig {
  try {
    const config = mergeConfig(presets.paper, raw, 'config');
    const missing = missingField(presets.paper, raw, 'config');
    if (missing) return { ok: false, field: missing, message: `${missing}: missing (a shared config carries every field)` };
    return { ok: true, config };
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, field: error.field, message: error.message };
    return { ok: false, field: 'config', message: `config: ${messageOf(error)}` };
  }
}
