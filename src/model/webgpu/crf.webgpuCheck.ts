/**
 * The fused WebGPU CRF (`crfFused.ts`) against the plain implementation (`crf.ts`, `steps` plan, on cpu):
 * log Z, the NLL (fused: log Z and the gold path's score in one program) and their gradients with a random upstream gradient, and Viterbi paths (exactly
 * equal; random float scores make ties improbable), on ragged masks with an empty sentence, T = 1,
 * L = 1 and L wider than a workgroup. Also counts the dispatches of both plans on WebGPU.
 */
import * as tf from '@tensorflow/tfjs';
import { crfLogPartition, crfNegLogLikelihood, crfViterbi, type CrfWeights } from '../crf.ts';
import type { CrfStrategy } from '../kernelPlan.ts';
import { countDispatches } from './checkDispatches.ts';
import { compareOutputs, onBackend, scaledFloor, seededValues, type KernelCheck, type KernelCheckOutcome } from './kernelCheck.ts';

interface Case {
  b: number;
  t: number;
  l: number;
  lengths: number[];
  seed: number;
}

const CASES: readonly Case[] = [
  { b: 4, t: 7, l: 9, lengths: [7, 1, 4, 0], seed: 1 },
  { b: 3, t: 1, l: 5, lengths: [1, 1, 0], seed: 2 },
  { b: 3, t: 6, l: 1, lengths: [6, 3, 2], seed: 3 },
  { b: 2, t: 5, l: 70, lengths: [5, 3], seed: 4 },
];

const describe = (c: Case) => `B${c.b} T${c.t} L${c.l} lengths ${c.lengths.join('/')}`;

interface HostCase {
  emissions: Float32Array;
  mask: Float32Array;
  tags: Int32Array;
  transitions: Float32Array;
  start: Float32Array;
  end: Float32Array;
  dy: Float32Array;
}

function hostCase(c: Case): HostCase {
  const { b, t, l, seed } = c;
  const mask = new Float32Array(b * t);
  c.lengths.forEach((n, s) => mask.fill(1, s * t, s * t + n));
  const raw = seededValues(b * t, seed * 17 + 5);
  return {
    emissions: seededValues(b * t * l, seed * 17, 2),
    mask,
    tags: Int32Array.from(raw, (x) => Math.min(l - 1, Math.floor(((x + 1) / 2) * l))),
    transitions: seededValues(l * l, seed * 17 + 1, 0.7),
    start: seededValues(l, seed * 17 + 2, 0.5),
    end: seededValues(l, seed * 17 + 3, 0.5),
    dy: seededValues(b, seed * 17 + 4, 1.5),
  };
}

/** log Z and the gradient of Σ dy·log Z (and, with `nll` and L ≥ 2, the NLL and its gradient), by `plan` on the active backend. */
function crfOutputs(c: Case, h: HostCase, plan: CrfStrategy, nll = true): Record<string, tf.Tensor> {
  const { b, t, l } = c;
  const e = tf.tensor3d(h.emissions, [b, t, l]);
  const mask = tf.tensor2d(h.mask, [b, t]);
  const tr = tf.tensor2d(h.transitions, [l, l]);
  const st = tf.tensor1d(h.start);
  const en = tf.tensor1d(h.end);
  const dy = tf.tensor1d(h.dy);
  const w = (transitions: tf.Tensor, start: tf.Tensor, end: tf.Tensor): CrfWeights => ({ transitions, start, end });
  // With T = 1 the plain forward algorithm never reads the transitions; 0·Σ keeps them on the tape.
  const touch = (y: tf.Tensor, a: tf.Tensor) => (t === 1 ? tf.add(y, tf.mul(tf.sum(a), 0)) : y);
  const weightedLogZ = (x: tf.Tensor, a: tf.Tensor, s: tf.Tensor, z: tf.Tensor) =>
    touch(tf.sum(tf.mul(crfLogPartition(x, mask, w(a, s, z), plan), dy)), a);
  const [dE, dTr, dSt, dEn] = tf.grads(weightedLogZ)([e, tr, st, en]);
  const out: Record<string, tf.Tensor> = {
    logZ: crfLogPartition(e, mask, w(tr, st, en), plan),
    dEmissions: dE!,
    dTransitions: dTr!,
    dStart: dSt!,
    dEnd: dEn!,
  };
  // The gold score's one-hot needs L ≥ 2 (tf.oneHot refuses depth 1).
  if (!nll || l < 2) return out;
  const tags = tf.tensor2d(h.tags, [b, t], 'int32');
  const loss = (x: tf.Tensor, a: tf.Tensor, s: tf.Tensor, z: tf.Tensor) => touch(crfNegLogLikelihood(x, tags, mask, w(a, s, z), plan), a);
  const [nE, nTr, nSt, nEn] = tf.grads(loss)([e, tr, st, en]);
  return { ...out, nll: loss(e, tr, st, en), nllEmissions: nE!, nllTransitions: nTr!, nllStart: nSt!, nllEnd: nEn! };
}

/** The worst outcome of several, with every case's detail. */
function worstOf(outcomes: { label: string; outcome: KernelCheckOutcome }[]): KernelCheckOutcome {
  const worst = outcomes.reduce((a, o) => (o.outcome.maxRelError > a ? o.outcome.maxRelError : a), 0);
  return {
    maxRelError: outcomes.some((o) => Number.isNaN(o.outcome.maxRelError)) ? NaN : worst,
    tolerance: outcomes[0]!.outcome.tolerance,
    detail: outcomes.map((o) => `${o.label}: ${o.outcome.detail ?? o.outcome.maxRelError}`).join('; '),
  };
}

const logPartitionCheck: KernelCheck = {
  name: 'crf: log Z, NLL and gradients, fused (webgpu) vs steps (cpu)',
  async run() {
    const outcomes = [];
    for (const c of CASES) {
      const h = hostCase(c);
      // cpu, not wasm: the plain algorithm shifts by max(transitions), and its gradient at that entry
      // is a difference of two large sums; on wasm (XNNPACK) that leaves ~2e-6 of noise there, which
      // is 2e-3 of the floor for L = 70 (on cpu ~6e-8, as in a float64 forward-backward).
      const expected = await onBackend('cpu', () => crfOutputs(c, h, 'steps'));
      const actual = await onBackend('webgpu', () => crfOutputs(c, h, 'fused'));
      outcomes.push({ label: describe(c), outcome: compareOutputs(actual, expected, 1e-4) });
    }
    return worstOf(outcomes);
  },
};

/** Viterbi paths by `plan` on `backend`. */
async function paths(backend: string, c: Case, h: HostCase, plan: CrfStrategy): Promise<number[][]> {
  const before = tf.getBackend();
  await tf.setBackend(backend);
  const { b, t, l } = c;
  const tensors = [
    tf.tensor3d(h.emissions, [b, t, l]),
    tf.tensor2d(h.mask, [b, t]),
    tf.tensor2d(h.transitions, [l, l]),
    tf.tensor1d(h.start),
    tf.tensor1d(h.end),
  ] as const;
  try {
    const [e, mask, transitions, start, end] = tensors;
    return await crfViterbi(e, mask, { transitions, start, end }, plan);
  } finally {
    tf.dispose([...tensors]);
    await tf.setBackend(before);
  }
}

const viterbiCheck: KernelCheck = {
  name: 'crf: Viterbi paths, fused (webgpu) vs JS on the host (wasm), exactly equal',
  async run() {
    let mismatches = 0;
    const details: string[] = [];
    for (const c of CASES) {
      const h = hostCase(c);
      const expected = await paths('wasm', c, h, 'steps');
      const actual = await paths('webgpu', c, h, 'fused');
      const wrong = expected.filter((p, s) => JSON.stringify(p) !== JSON.stringify(actual[s])).length;
      mismatches += wrong;
      details.push(`${describe(c)}: ${wrong} of ${c.b} paths differ${wrong ? ` (expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)})` : ''}`);
    }
    // Exact: any differing path is an error of 1 (100%).
    return { maxRelError: mismatches > 0 ? 1 : 0, tolerance: 0, detail: details.join('; ') };
  },
};

/** Sentences of lengths 1…T with one of full length, so the time loop runs T steps. */
function lengthCase(t: number, seed: number): Case {
  const b = 8;
  const raw = seededValues(b, seed);
  const lengths = Array.from(raw, (x, s) => (s === 0 ? t : 1 + Math.floor(((x + 1) / 2) * t) % t));
  return { b, t, l: 9, lengths, seed };
}

const dispatchCheck: KernelCheck = {
  name: 'crf: dispatches of log Z and its gradient (and with the NLL and its gradient), steps vs fused on webgpu (T = 10, 20, 40)',
  async run() {
    const outcomes = [];
    for (const t of [10, 20, 40]) {
      const c = lengthCase(t, t);
      const h = hostCase(c);
      for (const nll of [false, true]) {
        const steps = await countDispatches(() => onBackend('webgpu', () => crfOutputs(c, h, 'steps', nll)));
        const fused = await countDispatches(() => onBackend('webgpu', () => crfOutputs(c, h, 'fused', nll)));
        // Values against cpu (see logPartitionCheck: the plain gradient's max-shift noise grows with B·T).
        const expected = await onBackend('cpu', () => crfOutputs(c, h, 'steps', nll));
        // The NLL's weight gradients are marginal sums minus gold counts over B·T steps (here up to 8·39
        // terms of ~1/8): an entry near zero is the cancellation of two sums larger than any entry, and
        // carries their f32 noise (~2e-7 seen, in either order of summation). Its floor is 1% of the
        // output's largest entry; log Z's gradients, with no cancellation, keep the fixed floor.
        const outcome = compareOutputs(fused.value, expected, 1e-4, nll ? scaledFloor(1e-2) : undefined);
        const what = nll ? 'log Z + NLL' : 'log Z';
        const detail = nll ? outcome.detail : `max rel ${outcome.maxRelError.toExponential(2)}`;
        outcomes.push({ label: `T${t} ${what} dispatches steps ${steps.dispatches} → fused ${fused.dispatches}`, outcome: { ...outcome, detail } });
      }
    }
    return worstOf(outcomes);
  },
};

export const checks: KernelCheck[] = [logPartitionCheck, viterbiCheck, dispatchCheck];
