/**
 * Fixture runs for the chart and inspector tests (no worker): builders for the events a run
 * folds into the runs slice.
 */
import type { EpochEvent, LiveChange, RunInfo, SentenceInspection, StepEvent } from '../../protocol.ts';
import type { RunState, RunsState } from '../store/runsSlice.ts';

export const TASKS = ['POS', 'chunk', 'NER'];

export function stepEvent(runId: string, step: number, options: { batches?: number; orthogonality?: number; adversarial?: number; scale?: number } = {}): StepEvent {
  const batches = options.batches ?? 10;
  const scale = options.scale ?? 1;
  return {
    type: 'step',
    runId,
    epoch: Math.floor((step - 1) / batches) + 1,
    batch: ((step - 1) % batches) + 1,
    batches,
    step,
    loss: {
      total: 30 * scale,
      tasks: { POS: (10 / step) * scale, chunk: (12 / step) * scale, NER: (8 / step) * scale },
      adversarial: options.adversarial ?? 1.2,
      orthogonality: options.orthogonality ?? 2000 / step,
    },
    learningRate: 0.002 / (1 + 0.05 * step),
    lambdaAdversarial: Math.min(5, step / 10),
    tokensPerSecond: 1000,
    threads: 1,
    elapsedSeconds: step,
    etaSeconds: 100 - step,
  };
}

export function epochEvent(runId: string, epoch: number, step: number, offset = 0): EpochEvent {
  const loss = { total: 10, tasks: { POS: 3, chunk: 3, NER: 4 }, adversarial: 1, orthogonality: 5 };
  return {
    type: 'epoch',
    runId,
    epoch,
    step,
    seconds: 10,
    learningRate: 0.002,
    lambdaAdversarial: 5,
    train: loss,
    dev: {
      scores: [
        { task: 'POS', metric: 'accuracy', value: 80 + epoch + offset, accuracy: 80 + epoch },
        { task: 'chunk', metric: 'f1', value: 70 + epoch + offset, accuracy: 85 },
        { task: 'NER', metric: 'f1', value: 60 + epoch + offset, accuracy: 90 },
      ],
      discriminatorAccuracy: [
        { pair: 'POS+chunk', accuracy: 0.9 - epoch * 0.1 },
        { pair: 'POS+NER', accuracy: 0.8 },
        { pair: 'chunk+NER', accuracy: 0.7 },
      ],
      attention: TASKS.map((task) => ({
        task,
        representations: ['individual', ...TASKS.filter((t) => t !== task).map((t) => `shared:${t}`)],
        mean: [0.5, 0.3, 0.2],
      })),
      loss,
    },
    devScore: 70 + epoch,
    best: true,
  };
}

export function runInfo(runId: string, label: string): RunInfo {
  // The charts never read the config: an empty one keeps the fixture small.
  return { runId, label, config: {} as RunInfo['config'], datasetName: 'eng.testa', backend: 'cpu' };
}

/** A run with `steps` step reports (10 batches an epoch), an epoch event every 10 steps, and `changes`. */
export function fixtureRun(runId: string, label: string, options: { steps?: number; visible?: boolean; changes?: LiveChange[]; offset?: number } = {}): RunState {
  const count = options.steps ?? 30;
  const steps = Array.from({ length: count }, (_, i) => stepEvent(runId, i + 1));
  const epochs = Array.from({ length: Math.floor(count / 10) }, (_, i) => epochEvent(runId, i + 1, (i + 1) * 10, options.offset ?? 0));
  const info = runInfo(runId, label);
  return { info, status: 'running', config: info.config, steps, epochs, changes: options.changes ?? [], visible: options.visible ?? true };
}

export function fixtureRuns(...runs: RunState[]): Pick<RunsState, 'runs' | 'order'> {
  return { runs: Object.fromEntries(runs.map((r) => [r.info.runId, r])), order: runs.map((r) => r.info.runId) };
}

/** An inspected CoNLL-2003 sentence: plain POS, IOB1 chunks, IOB2 NER with one error. */
export const inspectionFixture: SentenceInspection = {
  words: ['EU', 'rejects', 'German', 'call', '<script>alert(1)</script>'],
  tasks: [
    {
      task: 'POS',
      predicted: ['NNP', 'VBZ', 'JJ', 'NN', 'NN'],
      gold: ['NNP', 'VBZ', 'JJ', 'NN', 'SYM'],
      representations: ['individual', 'shared:chunk', 'shared:NER'],
      beta: [
        [0.6, 0.3, 0.1],
        [0.2, 0.5, 0.3],
        [0.1, 0.1, 0.8],
        [1 / 3, 1 / 3, 1 / 3],
        [0.25, 0.25, 0.5],
      ],
    },
    {
      task: 'chunk',
      predicted: ['I-NP', 'I-VP', 'I-NP', 'I-NP', 'O'],
      gold: ['I-NP', 'I-VP', 'I-NP', 'I-NP', 'O'],
      representations: ['individual', 'shared:POS', 'shared:NER'],
      beta: null,
    },
    {
      task: 'NER',
      predicted: ['B-ORG', 'O', 'B-MISC', 'I-MISC', 'O'],
      gold: ['B-ORG', 'O', 'B-MISC', 'O', 'O'],
      representations: ['individual', 'shared:POS', 'shared:chunk'],
      beta: [
        [0.7, 0.2, 0.1],
        [0.4, 0.4, 0.2],
        [0.3, 0.3, 0.4],
        [0.2, 0.2, 0.6],
        [0.5, 0.25, 0.25],
      ],
    },
  ],
};
