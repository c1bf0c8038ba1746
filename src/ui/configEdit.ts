/**
 * The training page's switches as pure functions: which field changes what in a RunConfig, which
 * switches keep parameter shapes (applied live to a running run) and which change them (start a
 * sibling run on the same data and seed), and how runs are labelled. No React, no worker.
 */
import type { AdversaryPosition, Architecture, FusionKind, RunConfig } from '../protocol.ts';

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
 * - `live`: keeps every parameter shape; applied to a running run from its next batch (a marker).
 * - `shape`: changes the model; on a running run it starts a sibling run on the same data and seed.
 * - `new-run`: only meaningful before a run starts (schedule, data order, batch size).
 */
export type FieldKind = 'live' | 'shape' | 'new-run';

export const fieldKinds: Record<FieldKey, FieldKind> = {
  architecture: 'shape',
  fusion: 'shape',
  adversary: 'shape',
  hidden: 'shape',
  taskDim: 'shape',
  layers: 'shape',
  discriminator: 'live',
  lambdaAdversarial: 'live',
  lambdaOrthogonality: 'live',
  learningRate: 'live',
  epochs: 'new-run',
  seed: 'new-run',
  batchSize: 'new-run',
};

export type FieldValue = string | number | boolean;

export const architectureNames: Record<Architecture, string> = { mtaa: 'MTAA', base: 'base (single-task)', iterative: 'iterative' };
export const fusionNames: Record<FusionKind, string> = {
  attention: 'attention',
  average: 'average',
  concat: 'concat',
  twoStep: 'two-step attention',
};
export const adversaryNames: Record<AdversaryPosition, string> = {
  individual: 'individual (MTAA)',
  embedding: 'embedding (E-ADV)',
  none: 'none (no-TD)',
};

/** The value a field shows for a config. */
export function fieldValue(config: RunConfig, key: FieldKey): FieldValue {
  const { model, train } = config;
  switch (key) {
    case 'architecture':
      return model.architecture;
    case 'fusion':
      return model.fusion;
    case 'adversary':
      return model.adversary;
    case 'discriminator':
      return train.lambdaAdversarial > 0;
    case 'lambdaAdversarial':
      return train.lambdaAdversarial;
    case 'lambdaOrthogonality':
      return train.lambdaOrthogonality;
    case 'learningRate':
      return train.learningRate;
    case 'hidden':
      return model.individual.hidden;
    case 'taskDim':
      return model.embedding.taskDim;
    case 'layers':
      return model.individual.layers;
    case 'epochs':
      return train.epochs;
    case 'seed':
      return train.seed;
    case 'batchSize':
      return train.batchSize;
  }
}

/**
 * A copy of `config` with one field set. `hidden` and `layers` set the individual and the shared
 * encoders together (fusion needs them equal); `discriminator` off sets λ1 to 0, on restores
 * `restoreLambda`.
 */
export function applyField(config: RunConfig, key: FieldKey, value: FieldValue, restoreLambda = 1): RunConfig {
  const next = structuredClone(config);
  const { model, train } = next;
  const num = Number(value);
  switch (key) {
    case 'architecture':
      model.architecture = value as Architecture;
      break;
    case 'fusion':
      model.fusion = value as FusionKind;
      break;
    case 'adversary':
      model.adversary = value as AdversaryPosition;
      break;
    case 'discriminator':
      train.lambdaAdversarial = value ? (train.lambdaAdversarial > 0 ? train.lambdaAdversarial : restoreLambda) : 0;
      break;
    case 'lambdaAdversarial':
      train.lambdaAdversarial = num;
      break;
    case 'lambdaOrthogonality':
      train.lambdaOrthogonality = num;
      break;
    case 'learningRate':
      train.learningRate = num;
      break;
    case 'hidden':
      model.individual.hidden = num;
      model.shared.hidden = num;
      break;
    case 'taskDim':
      model.embedding.taskDim = num;
      break;
    case 'layers':
      model.individual.layers = num;
      model.shared.layers = num;
      break;
    case 'epochs':
      train.epochs = num;
      break;
    case 'seed':
      train.seed = num;
      break;
    case 'batchSize':
      train.batchSize = num;
      break;
  }
  return next;
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
