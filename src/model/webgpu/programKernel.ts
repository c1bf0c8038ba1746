/**
 * Custom WebGPU programs as tfjs kernels: registered with `tf.registerKernel` for the `webgpu`
 * backend and run with `tf.engine().runKernel`, so they go through the engine like any built-in
 * kernel (tensor bookkeeping, profiling and kernel counts by name) and share tfjs-backend-webgpu's
 * command encoder, buffer pool and pipeline cache (`backend.runWebGPUProgram`).
 *
 * Only types are taken from tfjs-backend-webgpu (structurally, below): importing its module would
 * register the backend in Node tests, where there is no adapter.
 *
 * Rules of tfjs-webgpu programs that our programs follow:
 * - one output (`result`), inputs read-only (`var<storage, read>`), at most 7 inputs (WebGPU's 8
 *   storage buffers per stage include the output);
 * - the backend appends the input ranks, dtypes and names to `shaderKey`, not the sizes (those are
 *   uniforms: `uniforms.<name>Shape`); every constant baked into the code must be in `shaderKey`;
 * - with `dispatchLayout: { x: [0] }` the backend calls the user code's `main(index)` with the flat
 *   invocation index (also right when it reshapes a dispatch wider than 65,535 workgroups), and the
 *   private variables `localId`, `workgroupId` hold the builtins.
 */
import * as tf from '@tensorflow/tfjs';

/** The fields of tfjs-backend-webgpu's `WebGPUProgram` that a program sets (the backend adds the rest). */
export interface GpuProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames: string[];
  workgroupSize: [number, number, number];
  /** Extra uniform fields, e.g. `'lr : f32, count : i32,'`, in the order of the values passed. */
  uniforms?: string;
  getUserCode(): string;
}

export type ProgramUniforms = Array<{ type: 'int32' | 'float32'; data: number[] }>;

/** What a kernel's inputs and attributes make: the program, its output dtype and uniform values. */
export interface ProgramCall {
  program: GpuProgram;
  dtype: tf.DataType;
  uniforms?: ProgramUniforms;
}

interface WebGpuBackendLike {
  runWebGPUProgram(program: GpuProgram, inputs: tf.TensorInfo[], dtype: tf.DataType, uniforms?: ProgramUniforms): tf.TensorInfo;
}

/** `[n, 1, 1]` workgroups of `size` invocations covering `count` invocations. */
export function flatDispatch(count: number, size: number): [number, number, number] {
  return [Math.max(1, Math.ceil(count / size)), 1, 1];
}

/**
 * Registers kernel `name` on the webgpu backend (once): `build` turns the inputs, in the order of
 * `inputNames`, and the attributes into a program. Returns the name, for `runProgramKernel`.
 */
export function registerProgramKernel(
  name: string,
  inputNames: readonly string[],
  build: (inputs: tf.TensorInfo[], attrs: tf.NamedAttrMap) => ProgramCall,
): string {
  if (!tf.getKernel(name, 'webgpu')) {
    tf.registerKernel({
      kernelName: name,
      backendName: 'webgpu',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const list = inputNames.map((n) => {
          const x = inputs[n];
          if (!x) throw new Error(`${name}: input ${n} missing`);
          return x;
        });
        const call = build(list, attrs ?? {});
        return (backend as unknown as WebGpuBackendLike).runWebGPUProgram(call.program, list, call.dtype, call.uniforms);
      },
    });
  }
  return name;
}

/** Runs a kernel registered by `registerProgramKernel` (one dispatch). */
export function runProgramKernel(name: string, inputs: Record<string, tf.Tensor>, attrs: tf.NamedAttrMap = {}): tf.Tensor {
  if (tf.getBackend() !== 'webgpu') throw new Error(`${name} is a WebGPU program; the active backend is ${tf.getBackend()}`);
  return tf.engine().runKernel(name, inputs as unknown as tf.NamedTensorMap, attrs) as tf.Tensor;
}
