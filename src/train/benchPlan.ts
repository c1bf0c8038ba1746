/**
 * What one benchmark run does, and the environment knobs of `npm run bench:browser` that choose it.
 *
 * Why knobs: on a software WebGPU adapter (SwiftShader on a shared CPU) a `paper` step of 64
 * sentences takes minutes, and the default run does many of them (warm-up steps, timed steps,
 * decoding every sentence, the median batch's step, then one step per padded length). Counting the
 * work of one step and one decode batch per padded length needs none of the speed passes, whose
 * figures on such an adapter are CPU emulation anyway. Pure: no tfjs, no DOM, no `process`.
 */

/** Which passes a run makes. */
export interface BenchPlan {
  /**
   * The speed pass: `warmupBatches` untimed steps, the remaining batches timed, then every sentence
   * decoded and timed. Off: no speeds in the result (counts only).
   */
  timing: boolean;
  /** Also count the work of the data's median-length batch (a step and a decode batch). */
  medianBatch: boolean;
  /** Real training steps counted at each padded length (each one a full step; the last one reported). */
  stepsPerLength: number;
}

/** The default run: every pass, one counted step per padded length (as `mtaa bench`). */
export const FULL_PLAN: BenchPlan = { timing: true, medianBatch: true, stepsPerLength: 1 };

/** Sentences in the count-only warm-up step (`countingWarmupSize`). */
const COUNTING_WARMUP_SENTENCES = 2;

/**
 * Sentences in the one untimed step a count-only run makes before counting: the first use of every
 * variable on the device (its upload, the optimizer's first writes) must not count as the first
 * counted step's work, and a batch of 2 makes that warm-up cheap beside a counted batch of 64.
 */
export function countingWarmupSize(batchSize: number): number {
  return Math.min(COUNTING_WARMUP_SENTENCES, batchSize);
}

type Env = Readonly<Record<string, string | undefined>>;

function onOff(env: Env, name: string, fallback: boolean): boolean {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if (['on', '1', 'true', 'yes'].includes(value)) return true;
  if (['off', '0', 'false', 'no'].includes(value)) return false;
  throw new Error(`${name} takes on or off (got ${JSON.stringify(value)})`);
}

function positiveInt(env: Env, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} takes a positive integer (got ${JSON.stringify(value)})`);
  return n;
}

/**
 * The plan from the environment: BENCH_TIMING (on/off; default on), BENCH_MEDIAN (on/off; default
 * on), BENCH_STEPS (counted steps per padded length; default 1). A run that counts nothing (no
 * timing, no median batch, no padded lengths) is refused: it would measure nothing.
 */
export function benchPlanFromEnv(env: Env, paddedLengths: readonly number[]): BenchPlan {
  const plan: BenchPlan = {
    timing: onOff(env, 'BENCH_TIMING', FULL_PLAN.timing),
    medianBatch: onOff(env, 'BENCH_MEDIAN', FULL_PLAN.medianBatch),
    stepsPerLength: positiveInt(env, 'BENCH_STEPS', FULL_PLAN.stepsPerLength),
  };
  if (!plan.timing && !plan.medianBatch && paddedLengths.length === 0) {
    throw new Error('BENCH_TIMING=off and BENCH_MEDIAN=off need BENCH_LENGTHS: the run would measure nothing');
  }
  return plan;
}

/**
 * Training steps and decode batches a run makes in all, warm-up included, for `batches` batches of
 * data and `paddedLengths` lengths: what its time on a slow adapter scales with (the run prints it).
 */
export function plannedWork(plan: BenchPlan, batches: number, paddedLengths: number): { steps: number; decodeBatches: number } {
  const median = plan.medianBatch ? 1 : 0;
  return {
    // The timing pass trains every batch (its warm-up ones included); without it, one small warm-up step.
    steps: (plan.timing ? batches : 1) + median + plan.stepsPerLength * paddedLengths,
    decodeBatches: (plan.timing ? batches : 0) + median + paddedLengths,
  };
}
