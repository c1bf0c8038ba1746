/**
 * Inverted dropout as one WebGPU program each way: `result = x · ⌊u + keep⌋ / keep` for the uniform
 * noise u in [0, 1) that `tf.dropout` draws (the same `tf.randomUniform` call, so the same mask for
 * the same seed). tf.dropout builds the multiplier from the noise with three kernels (Add, Floor,
 * RealDiv) and applies it with a fourth (Multiply); its gradient is a fifth. Here the forward is one
 * dispatch and the gradient another (the same program on dy: the multiplier is recomputed from the
 * noise, not kept). Same f32 operations in the same order, so the values equal tf.dropout's.
 *
 * Shapes: x and noise of any equal shape, read flat; the output is flat `[size]` (reshaped by the
 * caller, which dispatches nothing).
 */
import * as tf from '@tensorflow/tfjs';
import { flatDispatch, registerProgramKernel, runProgramKernel, type GpuProgram } from './programKernel.ts';

const WG = 64;

class DropoutProgram implements GpuProgram {
  outputShape: number[];
  shaderKey = 'mtaaDropout';
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [WG, 1, 1];
  variableNames = ['X', 'U'];
  uniforms = 'keep : f32,';
  constructor(size: number) {
    this.outputShape = [size];
    this.dispatch = flatDispatch(size, WG);
  }
  getUserCode(): string {
    return `
fn main(index : i32) {
  if (index >= uniforms.outShape) { return; }
  result[index] = X[index] * (floor(U[index] + uniforms.keep) / uniforms.keep);
}`;
  }
}

export const DROPOUT = 'MtaaDropout';

let registered = false;

function registerDropoutKernel(): void {
  if (registered) return;
  registerProgramKernel(DROPOUT, ['x', 'noise'], ([x], attrs) => ({
    program: new DropoutProgram(x!.shape.reduce((a, b) => a * b, 1)),
    dtype: 'float32',
    uniforms: [{ type: 'float32', data: [Number(attrs['keep'])] }],
  }));
  registered = true;
}

/**
 * `tf.dropout(x, rate, undefined, seed)` on WebGPU in one dispatch forward and one backward.
 * @param x float32, any shape; @param rate in (0, 1)
 */
export function fusedDropout<T extends tf.Tensor>(x: T, rate: number, seed: number): T {
  registerDropoutKernel();
  const keep = 1 - rate;
  const noise = tf.randomUniform(x.shape, 0, 1, 'float32', seed);
  const apply = (input: tf.Tensor, u: tf.Tensor) => runProgramKernel(DROPOUT, { x: input, noise: u }, { keep }).reshape(input.shape);
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [xIn, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([noise]);
    return { value: apply(xIn, noise), gradFunc: (dy: tf.Tensor, [u]: tf.Tensor[]) => apply(dy, u!) };
  });
  const out = op(x) as T;
  noise.dispose();
  return out;
}
