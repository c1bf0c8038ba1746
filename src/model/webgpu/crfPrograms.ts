/**
 * The linear-chain CRF (`src/model/crf.ts`) as WebGPU programs, each ONE dispatch whatever the
 * sentence length: one workgroup per sentence (batch row) runs the whole time loop, the L label
 * scores of the current step in workgroup memory, invocation j (and j + WG, …) owning label j.
 *
 * Same semantics as the plain implementation (`crfLogPartition`, `viterbiDecode`): step t ≥ 1 is
 * taken where mask[b,t] ≠ 0 and leaves the scores unchanged elsewhere; step 0 is always taken, so an
 * all-zero mask gives log Z of the first token, as the plain forward algorithm does.
 *
 * Shapes: emissions E [B,T,L] float32, mask M [B,T] float32, transitions Tr [L,L] (from, to),
 * start S [L], end En [L]. L is baked into the code (workgroup arrays), so it is in the shader key;
 * B and T are read from the input shape uniforms.
 *
 * Barriers: WGSL needs `workgroupBarrier` in uniform control flow. The time loops run over the
 * uniform T and branch on the mask only around barrier-free work.
 */
import { flatDispatch, registerProgramKernel, type GpuProgram } from './programKernel.ts';

/** Invocations per workgroup of the per-sentence programs. */
const WG = 64;

/**
 * Tag sets the per-sentence programs take: two arrays of L floats in workgroup memory, which WebGPU
 * guarantees only 16 KiB of. Larger tag sets run the plain (`steps`) CRF.
 */
export const MAX_FUSED_CRF_LABELS = 2000;

const CRF_INPUTS = ['E', 'M', 'Tr', 'S', 'En'];

/** WGSL shared by the per-sentence programs: constants, the label arrays and two helpers. */
function prelude(l: number): string {
  return `
const L = ${l};
const WG = ${WG};
var<workgroup> cur : array<f32, ${l}>;
var<workgroup> nxt : array<f32, ${l}>;
var<workgroup> rowLogZ : f32;

// log Σ_i exp(cur[i] + Tr[i, j]): the forward recursion's sum over predecessors.
fn lseFrom(j : i32) -> f32 {
  var m = cur[0] + Tr[j];
  for (var i = 1; i < L; i++) { m = max(m, cur[i] + Tr[i * L + j]); }
  var s = 0.0;
  for (var i = 0; i < L; i++) { s += exp(cur[i] + Tr[i * L + j] - m); }
  return m + log(s);
}

// log Σ_j exp(cur[j] + En[j]): log Z from the final forward scores.
fn lseEnd() -> f32 {
  var m = cur[0] + En[0];
  for (var j = 1; j < L; j++) { m = max(m, cur[j] + En[j]); }
  var s = 0.0;
  for (var j = 0; j < L; j++) { s += exp(cur[j] + En[j] - m); }
  return m + log(s);
}

// Forward scores of sentence b: leaves α_{T−1} in cur; with keep, writes α_t to result[base + t·L + j].
fn forwardScores(b : i32, tid : i32, base : i32, keep : bool) {
  let T = uniforms.eShape.y;
  let row = b * T * L;
  for (var j = tid; j < L; j += WG) {
    cur[j] = S[j] + E[row + j];
    if (keep) { result[base + j] = cur[j]; }
  }
  workgroupBarrier();
  for (var t = 1; t < T; t++) {
    let on = M[b * T + t] != 0.0;
    for (var j = tid; j < L; j += WG) {
      if (on) { nxt[j] = lseFrom(j) + E[row + t * L + j]; } else { nxt[j] = cur[j]; }
    }
    workgroupBarrier();
    for (var j = tid; j < L; j += WG) {
      cur[j] = nxt[j];
      if (keep) { result[base + t * L + j] = cur[j]; }
    }
    workgroupBarrier();
  }
}
`;
}

function perSentence(b: number): Pick<GpuProgram, 'dispatchLayout' | 'dispatch' | 'workgroupSize' | 'variableNames'> {
  return { dispatchLayout: { x: [0] }, dispatch: [b, 1, 1], workgroupSize: [WG, 1, 1], variableNames: CRF_INPUTS };
}

/**
 * The gold path's score of sentence b (WGSL, run by one invocation), with the semantics of
 * `crfGoldScore`: start + emissions + transitions between adjacent real tokens + end at the last real
 * token, where a tag outside [0, L) scores nothing (a zero one-hot row there).
 */
const GOLD_SCORE = `
fn tagAt(b : i32, t : i32) -> i32 {
  let T = uniforms.eShape.y;
  if (M[b * T + t] == 0.0) { return -1; }
  let y = Tags[b * T + t];
  return select(-1, y, y >= 0 && y < L);
}

fn isLastReal(b : i32, t : i32) -> bool {
  let T = uniforms.eShape.y;
  let next = select(0.0, M[b * T + t + 1], t + 1 < T);
  return M[b * T + t] - next != 0.0;
}

fn goldScore(b : i32) -> f32 {
  let T = uniforms.eShape.y;
  var score = 0.0;
  var prev = -1;
  for (var t = 0; t < T; t++) {
    let y = tagAt(b, t);
    if (y >= 0) {
      score += E[(b * T + t) * L + y];
      if (t == 0) { score += S[y]; }
      if (prev >= 0) { score += Tr[prev * L + y]; }
      if (isLastReal(b, t)) { score += En[y]; }
    }
    prev = y;
  }
  return score;
}
`;

/**
 * log Z per sentence → [B]; with `nll`, −log p(tags) = (log Z − gold score) per sentence instead,
 * 0 where the sentence is empty (mask[b, 0] = 0), as `crfNegLogLikelihoodPerSentence`.
 */
class CrfLogPartitionProgram implements GpuProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout;
  dispatch;
  workgroupSize;
  variableNames: string[];
  constructor(
    b: number,
    private readonly l: number,
    private readonly nll = false,
  ) {
    this.outputShape = [b];
    this.shaderKey = `mtaaCrf${nll ? 'Nll' : 'LogPartition'}_${l}`;
    ({ dispatchLayout: this.dispatchLayout, dispatch: this.dispatch, workgroupSize: this.workgroupSize } = perSentence(b));
    this.variableNames = nll ? [...CRF_INPUTS, 'Tags'] : CRF_INPUTS;
  }
  getUserCode(): string {
    const value = this.nll ? 'select(0.0, lseEnd() - goldScore(b), M[b * uniforms.eShape.y] != 0.0)' : 'lseEnd()';
    return `${prelude(this.l)}${this.nll ? GOLD_SCORE : ''}
fn main(index : i32) {
  let b = i32(workgroupId.x);
  let tid = i32(localId.x);
  forwardScores(b, tid, 0, false);
  if (tid == 0) { result[b] = ${value}; }
}`;
  }
}

/**
 * Gradient of Σ_b dy[b]·log Z_b, flat: [B·T·L] ∂/∂E (the unary marginals p(y_t = j), scaled by dy,
 * zero at skipped steps), then per sentence a row of [L·L] ∂/∂Tr (pairwise marginals summed over t),
 * [L] ∂/∂S and [L] ∂/∂En (`sumRows` adds the rows up). The forward scores are recomputed into the
 * ∂/∂E area (α_t, then overwritten by the marginal of step t once the backward sweep has used it).
 * With `nll`, of Σ_b dy[b]·NLL_b instead: dy is zeroed for empty sentences, and one invocation
 * then takes the gold path's indicators off (the gradient of −score), after every marginal is written.
 */
class CrfLogPartitionGradProgram implements GpuProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout;
  dispatch;
  workgroupSize;
  variableNames: string[];
  constructor(
    b: number,
    t: number,
    private readonly l: number,
    private readonly nll = false,
  ) {
    this.outputShape = [b * t * l + b * (l * l + 2 * l)];
    this.shaderKey = `mtaaCrf${nll ? 'Nll' : 'LogPartition'}Grad_${l}`;
    ({ dispatchLayout: this.dispatchLayout, dispatch: this.dispatch, workgroupSize: this.workgroupSize } = perSentence(b));
    this.variableNames = nll ? [...CRF_INPUTS, 'Dy', 'Tags'] : [...CRF_INPUTS, 'Dy'];
  }
  getUserCode(): string {
    // −score's gradient: −g at each gold emission, transition, start and end (one invocation: the
    // same ∂Tr entry can be hit at several steps).
    const gold = this.nll
      ? `
  storageBarrier();
  workgroupBarrier();
  if (tid == 0) {
    var prev = -1;
    for (var t = 0; t < T; t++) {
      let y = tagAt(b, t);
      if (y >= 0) {
        result[row + t * L + y] -= g;
        if (t == 0) { result[part + LL + y] -= g; }
        if (prev >= 0) { result[part + prev * L + y] -= g; }
        if (isLastReal(b, t)) { result[part + LL + L + y] -= g; }
      }
      prev = y;
    }
  }`
      : '';
    return `${prelude(this.l)}${this.nll ? GOLD_SCORE : ''}
const LL = L * L;
fn main(index : i32) {
  let b = i32(workgroupId.x);
  let tid = i32(localId.x);
  let B = uniforms.eShape.x;
  let T = uniforms.eShape.y;
  let row = b * T * L;                          // α_t / ∂E_t of sentence b at row + t·L
  let part = B * T * L + b * (LL + 2 * L);      // its [Tr | S | En] partial gradients
  let g = ${this.nll ? 'select(0.0, Dy[b], M[b * T] != 0.0)' : 'Dy[b]'};
  forwardScores(b, tid, row, true);
  if (tid == 0) { rowLogZ = lseEnd(); }
  for (var k = tid; k < LL + 2 * L; k += WG) { result[part + k] = 0.0; }
  storageBarrier();
  workgroupBarrier();
  let z = rowLogZ;
  // β_{T−1} = En; p(y_last = j) = exp(α_{T−1}(j) + En(j) − log Z)
  for (var j = tid; j < L; j += WG) {
    cur[j] = En[j];
    result[part + LL + L + j] = g * exp(result[row + (T - 1) * L + j] + En[j] - z);
  }
  storageBarrier();
  workgroupBarrier();
  for (var t = T - 1; t >= 1; t--) {
    let on = M[b * T + t] != 0.0;
    let e = row + t * L;
    if (on) {
      // ξ_t(i, j) = exp(α_{t−1}(i) + Tr(i, j) + E_t(j) + β_t(j) − log Z), each entry owned by one invocation
      for (var k = tid; k < LL; k += WG) {
        let i = k / L;
        let j = k % L;
        result[part + k] += g * exp(result[e - L + i] + Tr[k] + E[e + j] + cur[j] - z);
      }
      // β_{t−1}(i) = log Σ_j exp(Tr(i, j) + E_t(j) + β_t(j))
      for (var i = tid; i < L; i += WG) {
        var m = Tr[i * L] + E[e] + cur[0];
        for (var j = 1; j < L; j++) { m = max(m, Tr[i * L + j] + E[e + j] + cur[j]); }
        var s = 0.0;
        for (var j = 0; j < L; j++) { s += exp(Tr[i * L + j] + E[e + j] + cur[j] - m); }
        nxt[i] = m + log(s);
      }
      // p(y_t = j) = exp(α_t(j) + β_t(j) − log Z); α_t(j) is read by its own invocation only now
      for (var j = tid; j < L; j += WG) { result[e + j] = g * exp(result[e + j] + cur[j] - z); }
    } else {
      for (var j = tid; j < L; j += WG) {
        nxt[j] = cur[j];
        result[e + j] = 0.0;
      }
    }
    storageBarrier();
    workgroupBarrier();
    for (var j = tid; j < L; j += WG) { cur[j] = nxt[j]; }
    workgroupBarrier();
  }
  for (var j = tid; j < L; j += WG) {
    let p = g * exp(result[row + j] + cur[j] - z);
    result[row + j] = p;
    result[part + LL + j] = p;
  }${gold}
}`;
  }
}

/**
 * out[k] = Σ_{r < rows} X[base + r·stride + k] for k < count: adds up the per-sentence rows of
 * `CrfLogPartitionGradProgram`. base, stride and rows are uniforms (they change with B and T).
 */
class SumRowsProgram implements GpuProgram {
  outputShape: number[];
  shaderKey = 'mtaaSumRows';
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [WG, 1, 1];
  variableNames = ['X'];
  uniforms = 'base : i32, stride : i32, rows : i32,';
  constructor(count: number) {
    this.outputShape = [count];
    this.dispatch = flatDispatch(count, WG);
  }
  getUserCode(): string {
    return `
fn main(index : i32) {
  if (index >= uniforms.outShape) { return; }
  var s = 0.0;
  for (var r = 0; r < uniforms.rows; r++) { s += X[uniforms.base + r * uniforms.stride + index]; }
  result[index] = s;
}`;
  }
}

/**
 * Viterbi with backtrace, int32 flat: [B·T] best paths (−1 where mask = 0), then [B·T·L] the
 * backpointers (scratch). Ties go to the lowest tag index, as `viterbiDecode`.
 */
class CrfViterbiProgram implements GpuProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout;
  dispatch;
  workgroupSize;
  variableNames;
  constructor(
    b: number,
    t: number,
    private readonly l: number,
  ) {
    this.outputShape = [b * t + b * t * l];
    this.shaderKey = `mtaaCrfViterbi_${l}`;
    ({ dispatchLayout: this.dispatchLayout, dispatch: this.dispatch, workgroupSize: this.workgroupSize, variableNames: this.variableNames } = perSentence(b));
  }
  getUserCode(): string {
    // The prelude's lseFrom/lseEnd/forwardScores write float results; Viterbi has its own loop.
    return `
const L = ${this.l};
const WG = ${WG};
var<workgroup> cur : array<f32, ${this.l}>;
var<workgroup> nxt : array<f32, ${this.l}>;
fn main(index : i32) {
  let b = i32(workgroupId.x);
  let tid = i32(localId.x);
  let B = uniforms.eShape.x;
  let T = uniforms.eShape.y;
  let row = b * T * L;
  let back = B * T + row;
  for (var j = tid; j < L; j += WG) { cur[j] = S[j] + E[row + j]; }
  workgroupBarrier();
  for (var t = 1; t < T; t++) {
    let on = M[b * T + t] != 0.0;
    for (var j = tid; j < L; j += WG) {
      if (on) {
        var best = cur[0] + Tr[j];
        var arg = 0;
        for (var i = 1; i < L; i++) {
          let v = cur[i] + Tr[i * L + j];
          if (v > best) { best = v; arg = i; }
        }
        nxt[j] = best + E[row + t * L + j];
        result[back + t * L + j] = arg;
      } else {
        nxt[j] = cur[j];
        result[back + t * L + j] = j;
      }
    }
    workgroupBarrier();
    for (var j = tid; j < L; j += WG) { cur[j] = nxt[j]; }
    workgroupBarrier();
  }
  storageBarrier();
  workgroupBarrier();
  if (tid == 0) {
    var best = cur[0] + En[0];
    var y = 0;
    for (var j = 1; j < L; j++) {
      let v = cur[j] + En[j];
      if (v > best) { best = v; y = j; }
    }
    for (var t = T - 1; t >= 0; t--) {
      result[b * T + t] = select(-1, y, M[b * T + t] != 0.0);
      if (t > 0) { y = result[back + t * L + y]; }
    }
  }
}`;
  }
}

const dims3 = (shape: readonly number[]): [number, number, number] => [shape[0]!, shape[1]!, shape[2]!];

/** Kernel names; registered on first use (`crfKernels()`). */
export const CRF_LOG_PARTITION = 'MtaaCrfLogPartition';
export const CRF_LOG_PARTITION_GRAD = 'MtaaCrfLogPartitionGrad';
export const CRF_NLL = 'MtaaCrfNll';
export const CRF_NLL_GRAD = 'MtaaCrfNllGrad';
export const CRF_VITERBI = 'MtaaCrfViterbi';
export const SUM_ROWS = 'MtaaSumRows';

let registered = false;

/** Registers the CRF kernels on the webgpu backend (idempotent). */
export function registerCrfKernels(): void {
  if (registered) return;
  const names = ['emissions', 'mask', 'transitions', 'start', 'end'];
  registerProgramKernel(CRF_LOG_PARTITION, names, ([e]) => {
    const [b, , l] = dims3(e!.shape);
    return { program: new CrfLogPartitionProgram(b, l), dtype: 'float32' };
  });
  registerProgramKernel(CRF_LOG_PARTITION_GRAD, [...names, 'dy'], ([e]) => {
    const [b, t, l] = dims3(e!.shape);
    return { program: new CrfLogPartitionGradProgram(b, t, l), dtype: 'float32' };
  });
  registerProgramKernel(CRF_NLL, [...names, 'tags'], ([e]) => {
    const [b, , l] = dims3(e!.shape);
    return { program: new CrfLogPartitionProgram(b, l, true), dtype: 'float32' };
  });
  registerProgramKernel(CRF_NLL_GRAD, [...names, 'dy', 'tags'], ([e]) => {
    const [b, t, l] = dims3(e!.shape);
    return { program: new CrfLogPartitionGradProgram(b, t, l, true), dtype: 'float32' };
  });
  registerProgramKernel(CRF_VITERBI, names, ([e]) => {
    const [b, t, l] = dims3(e!.shape);
    return { program: new CrfViterbiProgram(b, t, l), dtype: 'int32' };
  });
  registerProgramKernel(SUM_ROWS, ['x'], (_inputs, attrs) => {
    const [base, stride, rows, count] = ['base', 'stride', 'rows', 'count'].map((k) => Number(attrs[k]));
    return {
      program: new SumRowsProgram(count!),
      dtype: 'float32',
      uniforms: [{ type: 'int32', data: [base!] }, { type: 'int32', data: [stride!] }, { type: 'int32', data: [rows!] }],
    };
  });
  registered = true;
}
