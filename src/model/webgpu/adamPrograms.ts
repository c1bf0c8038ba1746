/**
 * WebGPU programs of the fused clipped Adam step (`fusedAdam.ts`). tfjs-webgpu programs have one
 * output and at most 7 inputs, so the step is cut as:
 * - `MtaaSquaredNorm`: Σ g² over up to 6 gradients plus the previous partial sum → [1]
 *   (a chain of ⌈V/6⌉ dispatches for V gradients; one workgroup each);
 * - `MtaaAdamMoments`: new first and second moments of up to 5 variables, packed in one tensor
 *   [m of all | v of all] per group, from the gradients and the chain's sum (which gives the clip
 *   scale) → one dispatch per group;
 * - `MtaaAdamParam`: the new value of one variable from its old value and its group's moments.
 * Per-step values (learning rate, bias corrections, clip norm) and the layout of a group (where each
 * variable's range ends) are uniforms; which gradients are present is baked into the code and its
 * shader key, so a model compiles a handful of pipelines, not one per variable.
 *
 * The arithmetic is tf.train.adam's (tfjs-core 4.22) on gradients scaled as the per-variable path
 * scales them (`clippedAdam.ts`): scale = min(1, clip / max(√Σg², 1e−12)) (1 when clip ≤ 0),
 * m ← m·β1 + g·(1−β1), v ← v·β2 + g²·(1−β2), θ ← (m/c1) / (√(v/c2) + ε) · (−lr) + θ.
 */
import { flatDispatch, registerProgramKernel, type GpuProgram } from './programKernel.ts';

const NORM_WG = 256;
const WG = 64;
/** Gradients one `MtaaSquaredNorm` dispatch reads besides the previous partial sum. */
export const NORM_GRADIENTS = 6;
/** Variables one `MtaaAdamMoments` dispatch updates (their moments, the sum and 5 gradients: 7 inputs). */
export const MOMENT_GROUP = 5;

class SquaredNormProgram implements GpuProgram {
  outputShape = [1];
  shaderKey: string;
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number] = [1, 1, 1];
  workgroupSize: [number, number, number] = [NORM_WG, 1, 1];
  variableNames: string[];
  constructor(
    private readonly count: number,
    private readonly chained: boolean,
  ) {
    this.variableNames = [...(chained ? ['P'] : []), ...Array.from({ length: count }, (_, k) => `G${k}`)];
    this.shaderKey = `mtaaSquaredNorm_${count}_${chained}`;
  }
  getUserCode(): string {
    const sums = Array.from(
      { length: this.count },
      (_, k) => `for (var i = tid; i < uniforms.g${k}Shape; i += ${NORM_WG}) { let x = G${k}[i]; s += x * x; }`,
    ).join('\n  ');
    return `
var<workgroup> part : array<f32, ${NORM_WG}>;
fn main(index : i32) {
  let tid = i32(localId.x);
  var s = 0.0;
  ${sums}
  part[tid] = s;
  workgroupBarrier();
  for (var half = ${NORM_WG / 2}; half > 0; half = half / 2) {
    if (tid < half) { part[tid] += part[tid + half]; }
    workgroupBarrier();
  }
  if (tid == 0) { result[0] = part[0]${this.chained ? ' + P[0]' : ''}; }
}`;
  }
}

/** The sizes of a group's variables (packed in that order) and whether each has a gradient this step. */
export interface MomentLayout {
  sizes: readonly number[];
  present: readonly boolean[];
}

class AdamMomentsProgram implements GpuProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [WG, 1, 1];
  variableNames: string[];
  uniforms: string;
  constructor(private readonly layout: MomentLayout) {
    const total = layout.sizes.reduce((a, b) => a + b, 0);
    this.outputShape = [2 * total];
    this.dispatch = flatDispatch(total, WG);
    const present = layout.present.flatMap((p, k) => (p ? [`G${k}`] : []));
    this.variableNames = ['MV', 'SS', ...present];
    // Ends of the variables' ranges are uniforms: one pipeline per group size and presence pattern.
    const ends = layout.sizes.map((_, k) => `end${k} : i32,`).join(' ');
    this.uniforms = `clip : f32, beta1 : f32, beta2 : f32, oneMinusBeta1 : f32, oneMinusBeta2 : f32, ${ends}`;
    this.shaderKey = `mtaaAdamMoments_${layout.present.map(Number).join('')}`;
  }
  getUserCode(): string {
    const { sizes, present } = this.layout;
    const last = sizes.length - 1;
    // A chain of range tests picks the variable of element `index` (at most 5).
    const pick = sizes
      .map((_, k) => {
        const begin = k === 0 ? '0' : `uniforms.end${k - 1}`;
        const read = present[k] ? `g = G${k}[index - ${begin}];` : 'g = 0.0;';
        return `${k > 0 ? 'else ' : ''}if (index < uniforms.end${k}) { ${read} }`;
      })
      .join(' ');
    return `
fn main(index : i32) {
  let n = uniforms.end${last};
  if (index >= n) { return; }
  var scale = 1.0;
  if (uniforms.clip > 0.0) { scale = min(1.0, uniforms.clip / max(sqrt(SS[0]), 1e-12)); }
  var g = 0.0;
  ${pick}
  g = g * scale;
  result[index] = MV[index] * uniforms.beta1 + g * uniforms.oneMinusBeta1;
  result[n + index] = MV[n + index] * uniforms.beta2 + (g * g) * uniforms.oneMinusBeta2;
}`;
  }
}

class AdamParamProgram implements GpuProgram {
  outputShape: number[];
  shaderKey = 'mtaaAdamParam';
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [WG, 1, 1];
  variableNames = ['P', 'MV'];
  uniforms = 'lr : f32, correction1 : f32, correction2 : f32, epsilon : f32, offset : i32, groupTotal : i32,';
  constructor(size: number) {
    this.outputShape = [size];
    this.dispatch = flatDispatch(size, WG);
  }
  getUserCode(): string {
    return `
fn main(index : i32) {
  if (index >= uniforms.outShape) { return; }
  let mHat = MV[uniforms.offset + index] / uniforms.correction1;
  let vHat = MV[uniforms.groupTotal + uniforms.offset + index] / uniforms.correction2;
  result[index] = (mHat / (sqrt(vHat) + uniforms.epsilon)) * (-uniforms.lr) + P[index];
}`;
  }
}

export const SQUARED_NORM = 'MtaaSquaredNorm';
export const ADAM_MOMENTS = 'MtaaAdamMoments';
export const ADAM_PARAM = 'MtaaAdamParam';

const numbers = (x: unknown): number[] => (Array.isArray(x) ? x.map(Number) : []);

let registered = false;

/**
 * Registers the three kernels (idempotent). Inputs by name: `MtaaSquaredNorm` `p` (optional), `g0…`;
 * `MtaaAdamMoments` `mv`, `ss`, `g<k>` for present k; `MtaaAdamParam` `p`, `mv`. Attributes carry the
 * layouts and uniform values (see `fusedAdam.ts`).
 */
export function registerAdamKernels(): void {
  if (registered) return;
  for (let count = 1; count <= NORM_GRADIENTS; count++) {
    for (const chained of [false, true]) {
      const names = [...(chained ? ['p'] : []), ...Array.from({ length: count }, (_, k) => `g${k}`)];
      registerProgramKernel(`${SQUARED_NORM}${count}${chained ? 'Chained' : ''}`, names, () => ({
        program: new SquaredNormProgram(count, chained),
        dtype: 'float32',
      }));
    }
  }
  // One kernel name per presence pattern, since a kernel's inputs are named up front.
  for (let pattern = 0; pattern < 1 << MOMENT_GROUP; pattern++) {
    const present = Array.from({ length: MOMENT_GROUP }, (_, k) => (pattern & (1 << k)) !== 0);
    const names = ['mv', 'ss', ...present.flatMap((p, k) => (p ? [`g${k}`] : []))];
    registerProgramKernel(`${ADAM_MOMENTS}${pattern}`, names, (_inputs, attrs) => {
      const sizes = numbers(attrs['sizes']);
      const uniform = numbers(attrs['uniform']);
      let end = 0;
      const ends = sizes.map((size) => (end += size));
      return {
        program: new AdamMomentsProgram({ sizes, present: sizes.map((_, k) => present[k]!) }),
        dtype: 'float32',
        uniforms: [
          ...uniform.map((v) => ({ type: 'float32' as const, data: [v] })),
          ...ends.map((e) => ({ type: 'int32' as const, data: [e] })),
        ],
      };
    });
  }
  registerProgramKernel(ADAM_PARAM, ['p', 'mv'], ([p], attrs) => {
    const uniform = numbers(attrs['uniform']);
    return {
      program: new AdamParamProgram(p!.shape[0]!),
      dtype: 'float32',
      uniforms: [
        ...uniform.map((v) => ({ type: 'float32' as const, data: [v] })),
        { type: 'int32', data: [Number(attrs['offset'])] },
        { type: 'int32', data: [Number(attrs['groupTotal'])] },
      ],
    };
  });
  registered = true;
}

/** The `MtaaSquaredNorm` kernel name for `count` gradients, chained to a previous sum or not. */
export function squaredNormKernel(count: number, chained: boolean): string {
  return `${SQUARED_NORM}${count}${chained ? 'Chained' : ''}`;
}

/** The `MtaaAdamMoments` kernel name for a presence pattern (bit k: variable k has a gradient). */
export function adamMomentsKernel(present: readonly boolean[]): string {
  const pattern = present.reduce((acc, p, k) => acc | (p ? 1 << k : 0), 0);
  return `${ADAM_MOMENTS}${pattern}`;
}
