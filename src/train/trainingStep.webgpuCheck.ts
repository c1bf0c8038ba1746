/**
 * Whole training steps on WebGPU against WASM (issue 13, item 3): whatever fused WebGPU kernels
 * the model uses (it picks them by backend), one step of the `tiny` and `small` presets must give
 * the same loss parts (every task's CRF, adversarial, orthogonality) and the same gradient of every
 * variable as the WASM path (a short `small` run's loss curve: `trainingRun.webgpuCheck.ts`). Real
 * sentences: the first short ones of the built-in sample (UD English EWT, public/samples/).
 *
 * Both backends start from the same weights (created once, copied to each), the same batch and the
 * same dropout masks (tfjs draws them on the host from the seed), so only float arithmetic differs.
 */
import * as tf from '@tensorflow/tfjs';
import { buildVocabularies, encodeBatch, loadDataset, type Batch, type Dataset } from '../data/index.ts';
import { mergeConfig, presets, type PresetName, type RunConfig } from '../core/config.ts';
import { compareOutputs, onBackend, type KernelCheck, type KernelCheckOutcome } from '../model/webgpu/kernelCheck.ts';
import type { GradientStep } from './parallel/wire.ts';
import { withBatchTensors } from './evaluate.ts';
import { lossGradients } from './lossGradients.ts';
import { assignWeights, createTaggerModel, disposeTaggerModel, readWeights, type TaggerModel } from './taggerModel.ts';
import type { NamedWeight } from './formats/safetensors.ts';

const SAMPLE = 'samples/en_ewt-ud-sample.conllu';
/** Sentences in the step's batch, of at most `MAX_WORDS` words: SwiftShader runs a step in seconds. */
const SENTENCES = 4;
const MAX_WORDS = 10;

/**
 * One step: float32 on both sides, but the two backends sum in different orders (tiled matmuls on
 * WebGPU, XNNPACK on WASM) through ~10 recurrent timesteps, the CRF's log-sum-exp and the
 * attention's softmax, forward and back. Each rounding is ~6e-8 relative; reductions over
 * hundreds of terms and the recurrence's repeated products grow that to ~1e-5, and a gradient
 * entry that is a difference of near-equal terms (relative to the 1e-3 floor) to ~1e-4.
 * 1e-3 leaves room for that and still fails any real error (a wrong kernel is off by O(1)).
 * Seen on SwiftShader against WASM (4 sentences × 9 tokens): 7.1e-5 (`tiny`), 6.0e-5 (`small`),
 * worst in the emission and CRF transition gradients.
 */
const STEP_TOLERANCE = 1e-3;

let sample: Promise<Dataset> | null = null;
function sampleData(): Promise<Dataset> {
  sample ??= (async () => {
    const response = await fetch(new URL(`/${SAMPLE}`, self.location.origin));
    if (!response.ok) throw new Error(`${SAMPLE}: HTTP ${response.status}`);
    return loadDataset('en_ewt-ud-sample.conllu', await response.text());
  })();
  return sample;
}

export interface Fixture {
  config: RunConfig;
  data: Dataset;
  batch: Batch;
  sentences: Dataset['sentences'];
  weights: NamedWeight[];
}

/** The preset, the sample's first short sentences as one batch, and initial weights (made on wasm). */
export async function fixture(preset: PresetName): Promise<Fixture> {
  const data = await sampleData();
  const sentences = data.sentences.filter((s) => s.words.length >= 3 && s.words.length <= MAX_WORDS).slice(0, SENTENCES);
  const config = mergeConfig(presets[preset], { train: { batchSize: SENTENCES, seed: 3, epochs: 1 } });
  const vocabularies = buildVocabularies(sentences, data.tasks.length, { words: { minCount: 1 } });
  const batch = encodeBatch(sentences, Int32Array.from(sentences, (_, i) => i), vocabularies, { maxWordLen: config.model.embedding.maxWordLength });
  const before = tf.getBackend();
  await tf.setBackend('wasm');
  const model = createTaggerModel(config, data.tasks, vocabularies);
  const weights = await readWeights(model);
  disposeTaggerModel(model);
  await tf.setBackend(before);
  return { config, data, batch, sentences, weights };
}

export function modelOf(f: Fixture): TaggerModel {
  const vocabularies = buildVocabularies(f.sentences, f.data.tasks.length, { words: { minCount: 1 } });
  const model = createTaggerModel(f.config, f.data.tasks, vocabularies);
  assignWeights(model, f.weights);
  return model;
}

/** The loss parts and every variable's gradient of one step (no optimiser), on the active backend. */
function stepOutputs(f: Fixture): Record<string, tf.Tensor> {
  const model = modelOf(f);
  try {
    const train = f.config.train;
    const step: GradientStep = {
      step: 0,
      seed: train.seed,
      lambdaAdversarial: train.lambdaAdversarial,
      // Half way up the ramp: the reversed gradient reaches the encoders, scaled.
      rampedLambda: train.lambdaAdversarial / 2,
      lambdaOrthogonality: train.lambdaOrthogonality,
      reversalReach: train.reversalReach,
      orthogonalityMode: train.orthogonalityMode,
    };
    const variables = [...model.params.variables.values()];
    const { grads, parts } = withBatchTensors(model, f.batch, (b) => lossGradients(model.params, variables, b, step, null, 0));
    // tf.variableGrads names gradients by the tfjs variable's (globally unique) name; report them by weight name.
    const out: Record<string, tf.Tensor> = { parts };
    const missing: string[] = [];
    for (const [name, variable] of model.params.variables) {
      const grad = grads[variable.name];
      if (grad) out[name] = grad;
      else missing.push(name);
    }
    if (missing.length > 0) throw new Error(`no gradient for ${missing.join(', ')}`);
    return out;
  } finally {
    disposeTaggerModel(model);
  }
}

function wholeStep(preset: PresetName): KernelCheck {
  return {
    name: `training step: ${preset} preset, loss parts and every gradient, webgpu vs wasm`,
    async run(): Promise<KernelCheckOutcome> {
      const f = await fixture(preset);
      const expected = await onBackend('wasm', () => stepOutputs(f));
      const actual = await onBackend('webgpu', () => stepOutputs(f));
      const outcome = compareOutputs(actual, expected, STEP_TOLERANCE);
      const worst = outcome.detail?.split(', ').sort((a, b) => Number(b.split(' ').pop()) - Number(a.split(' ').pop())).slice(0, 4);
      return { ...outcome, detail: `${Object.keys(expected).length - 1} gradients + loss parts [${f.batch.size}×${f.batch.maxLen}]; worst: ${worst?.join(', ')}` };
    },
  };
}

export const checks: KernelCheck[] = [wholeStep('tiny'), wholeStep('small')];
