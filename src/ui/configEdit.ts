/**
 * The training page's switches as pure functions: which field of src/core's field table each one
 * sets (its label, range and kind come from there), how it changes a RunConfig, and how runs are
 * labelled. No React, no worker.
 */
import { configFields, fieldAt, fieldSpec, type FieldKind, type FieldPath } from '../core/configFields.ts';
import type { AdversaryPosition, Architecture, FusionKind, RunConfig } from '../protocol.ts';

export type { FieldKind };

/** The switches of the config panel. */
export type FieldKey =
  | 'architecture'
  | 'fusion'
  | 'adversary'
  | 'discriminator'
  | 'lambdaAdversarial'
  | 'lambdaOrthogonality'
  | 'learningRate'
  | 'hidden'
  | 'taskDim'
  | 'layers'
  | 'epochs'
  | 'seed'
  | 'batchSize';

/**
 * Each switch's field in the table. `discriminator` is λ1 seen as on/off; `hidden` and `layers`
 * set the shared encoder's too (fusion needs the two equal), so they name the individual one's.
 */
export const switchFields: Record<FieldKey, FieldPath> = {
  architecture: 'model.architecture',
  fusion: 'model.fusion',
  adversary: 'model.adversary',
  discriminator: 'train.lambdaAdversarial',
  lambdaAdversarial: 'train.lambdaAdversarial',
  lambdaOrthogonality: 'train.lambdaOrthogonality',
  learningRate: 'train.learningRate',
  hidden: 'model.individual.hidden',
  taskDim: 'model.embedding.taskDim',
  layers: 'model.individual.layers',
  epochs: 'train.epochs',
  seed: 'train.seed',
  batchSize: 'train.batchSize',
};

/** What a change of each switch means for a running run (the table's kind of its field). */
export const fieldKinds = Object.fromEntries(Object.entries(switchFields).map(([key, path]) => [key, fieldSpec(path).kind])) as Record<FieldKey, FieldKind>;

export type FieldValue = string | number | boolean;

export const architectureNames: Record<Architecture, string> = configFields['model.architecture'].choices;
export const fusionNames: Record<FusionKind, string> = configFields['model.fusion'].choices;
export const adversaryNames: Record<AdversaryPosition, string> = configFields['model.adversary'].choices;

/** A number switch's label and the values it takes, from the table. */
export function numberField(key: FieldKey): { label: string; integer: boolean; min: number; max: number; minOpen: boolean } {
  const spec = fieldSpec(switchFields[key]);
  if (spec.type === 'choice') throw new Error(`${key} is a choice, not a number`);
  return { label: spec.label, integer: spec.type === 'integer', min: spec.min, max: spec.max, minOpen: spec.type === 'real' && spec.minOpen === true };
}

/** The value a field shows for a config. */
export function fieldValue(config: RunConfig, key: FieldKey): FieldValue {
  if (key === 'discriminator') return config.train.lambdaAdversarial > 0;
  return fieldAt(config, switchFields[key]) as FieldValue;
}

/**
 * A copy of `config` with one field set. `hidden` and `layers` set the individual and the shared
 * encoders together (fusion needs them equal); `discriminator` off sets λ1 to 0, on restores
 * `restoreLambda`.
 */
export function applyField(config: RunConfig, key: FieldKey, value: FieldValue, restoreLambda = 1): RunConfig {
  const next = structuredClone(config);
  const { model, train } = next;
  if (key === 'discriminator') {
    train.lambdaAdversarial = value ? (train.lambdaAdversarial > 0 ? train.lambdaAdversarial : restoreLambda) : 0;
    return next;
  }
  const path = switchFields[key];
  setAt(next, path, fieldSpec(path).type === 'choice' ? String(value) : Number(value));
  if (key === 'hidden') model.shared.hidden = model.individual.hidden;
  if (key === 'layers') model.shared.layers = model.individual.layers;
  return next;
}

/** Sets the value at a field's path (the config is a fresh copy). */
function setAt(config: RunConfig, path: FieldPath, value: string | number): void {
  const keys = path.split('.');
  let target = config as unknown as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
  target[keys.at(-1)!] = value;
}

/** The paper's name for a config's ablation (§IV-E): `MTAA`, `no-TD`, `average`, `E-ADV + concat`… */
export function describeConfig(config: RunConfig): string {
  const { architecture, adversary, fusion } = config.model;
  if (architecture === 'base') return 'base';
  if (architecture === 'iterative') return 'iterative';
  const parts: string[] = [];
  if (adversary === 'none') parts.push('no-TD');
  if (adversary === 'embedding') parts.push('E-ADV');
  if (fusion !== 'attention') parts.push(fusion === 'twoStep' ? 'two-step attention' : fusion);
  return parts.length === 0 ? 'MTAA' : parts.join(' + ');
}

/** What a shape switch changed, for a sibling's label. */
export function describeChange(key: FieldKey, value: FieldValue): string {
  switch (key) {
    case 'architecture':
      return value === 'mtaa' ? 'MTAA' : value === 'base' ? 'base (single-task)' : 'iterative';
    case 'fusion':
      return `${fusionNames[value as FusionKind] ?? String(value)} fusion`;
    case 'adversary':
      return value === 'none' ? 'no-TD' : value === 'embedding' ? 'E-ADV' : 'adversary on h^t';
    case 'hidden':
      return `hidden ${value}`;
    case 'taskDim':
      return `task dim ${value}`;
    case 'layers':
      return `${value} layer${Number(value) === 1 ? '' : 's'}`;
    default:
      return `${key} ${String(value)}`;
  }
}

/** `MTAA → average fusion`: a sibling started from `parent` by one shape switch. */
export function siblingLabel(parentLabel: string, key: FieldKey, value: FieldValue): string {
  return `${parentLabel} → ${describeChange(key, value)}`;
}

/** `1:05`, `12:00`, `1:02:03`; `—` when unknown. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(r).padStart(2, '0')}`;
}
