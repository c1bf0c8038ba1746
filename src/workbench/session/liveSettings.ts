/**
 * Live settings: λ1, λ2 and the learning rate of a running or paused run change from its next
 * batch. Each value is held to validateConfig's bounds (the config field table), the run's effective
 * config takes it, and the change is announced once (a `live-change` event, a marker on the curves).
 */
import { fieldProblem, liveKeys, type LiveSettings } from '../../core/configFields.ts';
import type { LiveChange } from '../../core/events.ts';
import { ACTIVE_STATUSES } from '../../core/runState.ts';
import type { RunHandle } from '../../train/runEngine.ts';
import { SessionError, type RunRecord } from './runRecord.ts';

/** Applies the settings that differ from the run's; emits and returns the change. */
export function applyLiveSettings<H extends RunHandle>(rec: RunRecord<H>, settings: LiveSettings, emit: (event: { type: 'live-change'; change: LiveChange }) => void): LiveChange {
  if (!ACTIVE_STATUSES.includes(rec.status)) throw new SessionError(`${rec.info.label} is ${rec.status}; live settings apply to a running or paused run.`);
  const patch: LiveSettings = {};
  const previous: LiveSettings = {};
  const train = rec.config.train;
  for (const key of liveKeys) {
    const value = settings[key];
    if (value === undefined) continue;
    // The same bounds as validateConfig: a live change cannot make a config no run could start with.
    const problem = fieldProblem(`train.${key}`, value);
    if (problem) throw new SessionError(`${key} ${problem}.`);
    if (value === train[key]) continue;
    previous[key] = train[key];
    patch[key] = value;
  }
  Object.assign(train, patch);
  if (rec.handle && rec.alive) rec.handle.updateLiveSettings(patch);
  const handleEpoch = rec.handle?.epoch ?? 0;
  const change: LiveChange = {
    runId: rec.info.runId,
    step: rec.handle?.step ?? 0,
    epoch: Math.min(handleEpoch + 1, rec.config.train.epochs),
    settings: patch,
    previous,
  };
  if (Object.keys(patch).length > 0) emit({ type: 'live-change', change });
  return change;
}
