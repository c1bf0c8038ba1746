/**
 * A run's live settings on the page: what a switch sends, the λ1 a switch back on restores, and
 * the one text of a change (run card and chart marker); what the run trains with after its
 * changes is its folded `config` (src/core/runState.ts). The live keys and their
 * names come from src/core's field table; no other UI module lists them. Pure TS.
 */
import { liveKeys, liveName } from '../core/configFields.ts';
import type { LiveChange, RunConfig } from '../protocol.ts';

/** The live settings a change of a live field sends (only what differs). */
export function liveSettings(before: RunConfig, after: RunConfig): LiveChange['settings'] {
  const settings: LiveChange['settings'] = {};
  for (const key of liveKeys) if (before.train[key] !== after.train[key]) settings[key] = after.train[key];
  return settings;
}

/** The λ1 to restore when the discriminator is switched back on: the latest non-zero one. */
export function lastNonZeroLambda(config: RunConfig, changes: readonly LiveChange[], fallback = 1): number {
  let value = config.train.lambdaAdversarial > 0 ? config.train.lambdaAdversarial : 0;
  for (const change of changes) {
    const set = change.settings.lambdaAdversarial;
    const was = change.previous?.lambdaAdversarial;
    if (set !== undefined && set > 0) value = set;
    else if (was !== undefined && was > 0) value = was;
  }
  return value > 0 ? value : fallback;
}

/**
 * The text of a live change, the one formatter of it. `note` (the run card): `λ1 5 → 0
 * (discriminator off)`; `marker` (on a chart's curves, where room is short): `λ1 5→0`. Several
 * settings are joined with `, ` in the field table's order; `''` when nothing changed.
 */
export function describeLiveChange(change: Pick<LiveChange, 'settings' | 'previous'>, form: 'note' | 'marker' = 'note'): string {
  const parts: string[] = [];
  for (const key of liveKeys) {
    const value = change.settings[key];
    if (value === undefined) continue;
    const was = change.previous?.[key];
    if (form === 'marker') {
      parts.push(`${liveName(key)}${was === undefined ? '' : ` ${formatNumber(was)}`}→${formatNumber(value)}`);
      continue;
    }
    const text = `${liveName(key)} ${was === undefined ? '' : `${formatNumber(was)} → `}${formatNumber(value)}`;
    if (key === 'lambdaAdversarial' && value === 0) parts.push(`${text} (discriminator off)`);
    else if (key === 'lambdaAdversarial' && was === 0) parts.push(`${text} (discriminator on)`);
    else parts.push(text);
  }
  return parts.join(', ');
}

/** A setting's value in a change's text: up to 4 significant digits, an exponent for the very small or large. */
export function formatNumber(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e5 || abs < 1e-4) return value.toExponential(2);
  return String(Number(value.toPrecision(4)));
}
