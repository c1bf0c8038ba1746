/**
 * The one table of a run config's fields: for each field its path, a label, what values it takes,
 * and what a change of it means for a run that is training. Validation (`validateConfig`), the
 * live settings (their keys and types) and the page's switches and marker names read it; nothing
 * else lists the fields. Pure TypeScript, importing nothing (config.ts's types name the same fields;
 * configFields.test.ts holds the two together).
 */
/**
 * What changing a field means for a run that trains:
 * - `live`: keeps every parameter shape; applied from the run's next batch (a marker on its curves).
 * - `shape`: changes the model's shapes; on a running run it starts a sibling on the same data and seed.
 * - `new-run`: only meaningful before a run starts (schedule, data order, batch size, …).
 */
export type FieldKind = 'live' | 'shape' | 'new-run';

interface FieldCommon {
  /** Shown beside the field (`λ1 adversarial`). */
  label: string;
  /** Short name for markers and legends (`λ1`); the label when absent. */
  short?: string;
  kind: FieldKind;
}

/** A whole number in [min, max]. */
export interface IntegerField extends FieldCommon {
  type: 'integer';
  min: number;
  max: number;
}

/** A finite number in [min, max], or (min, max] with `minOpen`. */
export interface RealField extends FieldCommon {
  type: 'real';
  min: number;
  max: number;
  minOpen?: boolean;
}

/** One of a few names; `choices` maps each allowed value to its label. */
export interface ChoiceField extends FieldCommon {
  type: 'choice';
  choices: Readonly<Record<string, string>>;
}

export type FieldSpec = IntegerField | RealField | ChoiceField;

/**
 * Every field of a RunConfig, by dotted path, in the config's own order (validation reports the
 * first bad field: choices first, then whole numbers, then reals, each in this order).
 */
export const configFields = {
  'model.architecture': {
    type: 'choice',
    label: 'architecture',
    kind: 'shape',
    choices: { mtaa: 'MTAA', base: 'base (single-task)', iterative: 'iterative' },
  },
  'model.adversary': {
    type: 'choice',
    label: 'adversary on',
    kind: 'shape',
    choices: { individual: 'individual (MTAA)', embedding: 'embedding (E-ADV)', none: 'none (no-TD)' },
  },
  'model.fusion': {
    type: 'choice',
    label: 'fusion',
    kind: 'shape',
    choices: { attention: 'attention', average: 'average', concat: 'concat', twoStep: 'two-step attention' },
  },
  'model.embedding.wordDim': { type: 'integer', label: 'word dim', kind: 'shape', min: 1, max: 4096 },
  'model.embedding.minWordFreq': { type: 'integer', label: 'min word frequency', kind: 'shape', min: 1, max: 1e6 },
  'model.embedding.charDim': { type: 'integer', label: 'char dim', kind: 'shape', min: 1, max: 1024 },
  'model.embedding.charFilters': { type: 'integer', label: 'char filters', kind: 'shape', min: 0, max: 1024 },
  'model.embedding.charWindow': { type: 'integer', label: 'char window', kind: 'shape', min: 1, max: 9 },
  'model.embedding.maxWordLength': { type: 'integer', label: 'longest word (chars)', kind: 'shape', min: 1, max: 100 },
  'model.embedding.taskDim': { type: 'integer', label: 'task dim k', kind: 'shape', min: 1, max: 4096 },
  'model.individual.hidden': { type: 'integer', label: 'hidden (per direction)', kind: 'shape', min: 1, max: 2048 },
  'model.individual.layers': { type: 'integer', label: 'BiLSTM layers', kind: 'shape', min: 1, max: 8 },
  'model.shared.hidden': { type: 'integer', label: 'shared hidden (per direction)', kind: 'shape', min: 1, max: 2048 },
  'model.shared.layers': { type: 'integer', label: 'shared BiLSTM layers', kind: 'shape', min: 1, max: 8 },
  'model.discriminator.hidden': { type: 'integer', label: 'discriminator hidden', kind: 'shape', min: 1, max: 4096 },
  'model.discriminator.layers': { type: 'integer', label: 'discriminator layers', kind: 'shape', min: 1, max: 8 },
  'model.attention.dim': { type: 'integer', label: 'attention dim', kind: 'shape', min: 1, max: 4096 },
  'model.iterative.iterations': { type: 'integer', label: 'iterations K', kind: 'shape', min: 1, max: 8 },
  'model.iterative.labelDim': { type: 'integer', label: 'label embedding dim', kind: 'shape', min: 1, max: 1024 },
  'model.dropout': { type: 'real', label: 'dropout', kind: 'new-run', min: 0, max: 0.95 },
  'train.lambdaAdversarial': { type: 'real', label: 'λ1 adversarial', short: 'λ1', kind: 'live', min: 0, max: 1e4 },
  'train.adversarialSchedule': { type: 'choice', label: 'λ1 schedule', kind: 'new-run', choices: { constant: 'constant', ramp: 'ramp from 0' } },
  'train.reversalReach': {
    type: 'choice',
    label: 'reversed gradient reaches',
    kind: 'new-run',
    choices: { sharedEncoder: 'the shared encoder', full: 'every encoder and the embedding' },
  },
  'train.lambdaOrthogonality': { type: 'real', label: 'λ2 orthogonality', short: 'λ2', kind: 'live', min: 0, max: 1e4 },
  'train.orthogonalityMode': {
    type: 'choice',
    label: 'orthogonality term',
    kind: 'new-run',
    choices: { raw: 'raw', perToken: 'per token', normalized: 'normalised representations' },
  },
  'train.learningRate': { type: 'real', label: 'learning rate', short: 'lr', kind: 'live', min: 0, max: 10, minOpen: true },
  'train.learningRateDecay': { type: 'real', label: 'learning-rate decay', kind: 'new-run', min: 0, max: 1e3 },
  'train.clipNorm': { type: 'real', label: 'gradient clip norm', kind: 'new-run', min: 0, max: 1e6 },
  'train.batchSize': { type: 'integer', label: 'batch size', kind: 'new-run', min: 1, max: 4096 },
  'train.epochs': { type: 'integer', label: 'epochs', kind: 'new-run', min: 1, max: 10000 },
  'train.patience': { type: 'integer', label: 'patience (epochs)', kind: 'new-run', min: 0, max: 10000 },
  'train.seed': { type: 'integer', label: 'seed', kind: 'new-run', min: 0, max: 2 ** 31 - 1 },
  'train.devFraction': { type: 'real', label: 'dev fraction', kind: 'new-run', min: 0, max: 0.9 },
} as const satisfies Record<string, FieldSpec>;

export type FieldPath = keyof typeof configFields;

/** The training settings a run takes while it trains: the table's `live` fields. */
export type LiveKey = {
  [P in FieldPath]: (typeof configFields)[P]['kind'] extends 'live' ? (P extends `train.${infer K}` ? K : never) : never;
}[FieldPath];

/** Some live settings, as a change sends them (each a number, as their table rows say). */
export type LiveSettings = Partial<Record<LiveKey, number>>;

export const fieldPaths = Object.keys(configFields) as FieldPath[];

/** The live keys, in the table's order (`lambdaAdversarial`, `lambdaOrthogonality`, `learningRate`). */
export const liveKeys: readonly LiveKey[] = fieldPaths
  .filter((path) => configFields[path].kind === 'live')
  .map((path) => path.slice('train.'.length) as LiveKey);

/** A field's spec, widened for code that walks the table. */
export function fieldSpec(path: FieldPath): FieldSpec {
  return configFields[path];
}

/** The value at a field's path. */
export function fieldAt(config: object, path: FieldPath): unknown {
  let value: unknown = config;
  for (const key of path.split('.')) value = (value as Record<string, unknown> | null | undefined)?.[key];
  return value;
}

/** The short name of a live setting for a marker (`λ1`, `λ2`, `lr`). */
export function liveName(key: LiveKey): string {
  const spec = fieldSpec(`train.${key}`);
  return spec.short ?? spec.label;
}

/**
 * Why a field's value is out of its range or not one of its choices, or null when it is fine:
 * `must be an integer in [1, 2048]; got 0` (the message validateConfig gives after the path).
 */
export function fieldProblem(path: FieldPath, value: unknown): string | null {
  const spec = fieldSpec(path);
  switch (spec.type) {
    case 'choice': {
      const allowed = Object.keys(spec.choices);
      return typeof value === 'string' && allowed.includes(value) ? null : `must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`;
    }
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) && value >= spec.min && value <= spec.max
        ? null
        : `must be an integer in [${spec.min}, ${spec.max}]; got ${JSON.stringify(value)}`;
    case 'real': {
      const ok = typeof value === 'number' && Number.isFinite(value) && value >= spec.min && value <= spec.max && !(spec.minOpen && value === spec.min);
      return ok ? null : `must be a number in ${spec.minOpen ? '(' : '['}${spec.min}, ${spec.max}]; got ${JSON.stringify(value)}`;
    }
  }
}
