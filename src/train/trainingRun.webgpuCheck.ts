/**
 * A short `small` training run on WebGPU follows the WASM loss curve (issue 13, item 3): the same
 * weights, batch and dropout masks as `trainingStep.webgpuCheck.ts`'s fixture, Adam steps by the
 * Trainer on each backend. Its own file so each runs within the check spec's time per file.
 */
import * as tf from '@tensorflow/tfjs';
import type { PresetName } from '../core/config.ts';
import { compareOutputs, type KernelCheck, type KernelCheckOutcome } from '../model/webgpu/kernelCheck.ts';
import { disposeTaggerModel } from './taggerModel.ts';
import { Trainer } from './trainer.ts';
import { fixture, modelOf, type Fixture } from './trainingStep.webgpuCheck.ts';

/**
 * A few Adam steps: Adam moves each weight by about the learning rate whatever its gradient's size,
 * so a gradient entry near zero whose sign float noise flips moves its weight the other way; after
 * a few steps the loss differs by ~1e-4–1e-3 relative. 1e-2 still fails a diverging curve.
 * Seen on SwiftShader against WASM: 8.3e-7 over 3 steps of `small` (59.09 → 54.98).
 */
const CURVE_TOLERANCE = 1e-2;
const CURVE_STEPS = 3;

/** The total loss after each of `CURVE_STEPS` Adam steps of a Trainer on the active backend. */
async function lossCurve(f: Fixture): Promise<Float32Array> {
  const model = modelOf(f);
  const trainer = new Trainer({ runId: 'webgpu-check', config: f.config, data: { tasks: f.data.tasks, train: f.sentences, dev: [] }, model });
  try {
    const curve = new Float32Array(CURVE_STEPS);
    for (let i = 0; i < CURVE_STEPS; i++) {
      const parts = await trainer.trainBatchAsync(f.batch);
      curve[i] = (await parts.data())[0]!;
      parts.dispose();
    }
    return curve;
  } finally {
    trainer.dispose();
    disposeTaggerModel(model);
  }
}

function shortRun(preset: PresetName): KernelCheck {
  return {
    name: `training run: ${CURVE_STEPS} steps of the ${preset} preset track the wasm loss curve on webgpu`,
    async run(): Promise<KernelCheckOutcome> {
      const f = await fixture(preset);
      const curves: Record<string, Float32Array> = {};
      for (const backend of ['wasm', 'webgpu']) {
        const before = tf.getBackend();
        await tf.setBackend(backend);
        try {
          curves[backend] = await lossCurve(f);
        } finally {
          await tf.setBackend(before);
        }
      }
      const outcome = compareOutputs({ loss: curves['webgpu']! }, { loss: curves['wasm']! }, CURVE_TOLERANCE);
      const falling = curves['wasm']![CURVE_STEPS - 1]! < curves['wasm']![0]!;
      return {
        ...outcome,
        // A curve that does not fall would make the comparison weak: say so as a failure.
        ...(falling ? {} : { maxRelError: Infinity }),
        detail: `wasm ${Array.from(curves['wasm']!, (v) => v.toFixed(5)).join(' ')}; webgpu ${Array.from(curves['webgpu']!, (v) => v.toFixed(5)).join(' ')}`,
      };
    },
  };
}

export const checks: KernelCheck[] = [shortRun('small')];
