/**
 * The work of a gradient peer (one thread of a `GradientPool`): a replica of a Trainer's parameters
 * that takes the trainer's weights with each request and returns the gradients of its part of the
 * batch as host arrays. Transport-free: `workers/gradientPeer.worker.ts` (browser) and
 * `src/cli/gradientPeerThread.ts` (Node) expose it over comlink.
 */
import * as tf from '@tensorflow/tfjs';
import { disposeBatchTensors, toBatchTensors } from '../../model/batchTensors.ts';
import { createTaggerParams, disposeTaggerParams, type TaggerParams } from '../../model/taggerParams.ts';
import type { EvaluationReply, EvaluationRequest, GradientPeerApi, GradientPeerInit, GradientReply, GradientRequest } from './wire.ts';
import { evaluateBatches } from '../evaluate.ts';
import { addLossGradients, lossGradients, type LossGradients } from '../lossGradients.ts';

export class GradientReplica {
  private readonly params: TaggerParams;
  private readonly variables: tf.Variable[];

  constructor(init: GradientPeerInit) {
    this.params = createTaggerParams(init.config.model, init.dims, init.config.train.seed);
    this.variables = [...this.params.variables.values()];
  }

  private takeWeights(weights: readonly Float32Array[]): void {
    const { variables } = this;
    if (weights.length !== variables.length) throw new Error(`gradient peer: ${weights.length} weights for ${variables.length} variables`);
    tf.tidy(() => {
      weights.forEach((w, i) => {
        const v = variables[i]!;
        if (w.length !== v.size) throw new Error(`gradient peer: weight ${i} has ${w.length} values, the variable ${v.size}`);
        v.assign(tf.tensor(w, v.shape, 'float32'));
      });
    });
  }

  /** Viterbi paths (and losses, β) of whole batches with the trainer's weights. */
  async evaluate(request: EvaluationRequest): Promise<EvaluationReply> {
    this.takeWeights(request.weights);
    const opts = { orthogonalityMode: request.orthogonalityMode, lossesNeeded: request.lossesNeeded };
    return { results: await evaluateBatches(this.params, request.batches, opts) };
  }

  compute(request: GradientRequest): GradientReply {
    const { variables } = this;
    this.takeWeights(request.weights);
    const withChars = this.params.config.embedding.charFilters > 0;
    let sum: LossGradients | null = null;
    for (const slice of request.slices) {
      const tensors = toBatchTensors(slice.batch, withChars);
      try {
        sum = addLossGradients(sum, lossGradients(this.params, variables, tensors, request.step, slice.weights, slice.index));
      } finally {
        disposeBatchTensors(tensors);
      }
    }
    if (!sum) throw new Error('gradient peer: a request without slices');
    const { grads, parts } = sum;
    try {
      return {
        // Copies (dataSync may hand back the backend's own array on cpu, which is freed below).
        grads: variables.map((v) => {
          const g = grads[v.name];
          return g ? new Float32Array(g.dataSync() as Float32Array) : null;
        }),
        parts: new Float32Array(parts.dataSync() as Float32Array),
      };
    } finally {
      tf.dispose([parts, ...Object.values(grads)]);
    }
  }

  dispose(): void {
    disposeTaggerParams(this.params);
  }
}

/** Replicas a peer keeps: enough for a run and its interleaved siblings without rebuilding each step. */
export const REPLICAS_KEPT = 3;

/** The peer API over a few replicas, most recently used kept (what a peer thread exposes). */
export function createGradientPeer(startBackend: (name: string) => Promise<string>) {
  const replicas = new Map<string, GradientReplica>();
  /** The replica under `key`, now the most recently used (Map order is insertion order). */
  const used = (key: string): GradientReplica | undefined => {
    const replica = replicas.get(key);
    if (replica) {
      replicas.delete(key);
      replicas.set(key, replica);
    }
    return replica;
  };
  return {
    start: startBackend,
    async init(key: string, init: GradientPeerInit): Promise<void> {
      replicas.get(key)?.dispose();
      replicas.delete(key);
      while (replicas.size >= REPLICAS_KEPT) {
        const [oldest, replica] = replicas.entries().next().value!;
        replica.dispose();
        replicas.delete(oldest);
      }
      replicas.set(key, new GradientReplica(init));
    },
    async compute(request: GradientRequest): Promise<GradientReply> {
      const replica = used(request.replica);
      return replica ? replica.compute(request) : { missing: true, grads: [], parts: new Float32Array(0) };
    },
    async evaluate(request: EvaluationRequest): Promise<EvaluationReply> {
      const replica = used(request.replica);
      return replica ? replica.evaluate(request) : { missing: true, results: [] };
    },
    /** Frees one replica (its trainer is gone) rather than leaving it to be pushed out by newer ones. */
    async drop(key: string): Promise<void> {
      replicas.get(key)?.dispose();
      replicas.delete(key);
    },
    /** Frees every replica (a thread that ends frees them anyway). */
    dispose(): void {
      for (const replica of replicas.values()) replica.dispose();
      replicas.clear();
    },
  };
}

/**
 * The API a peer thread exposes: `move` marks buffers to be transferred rather than copied (comlink's
 * `transfer`): the reply's arrays are the peer's own copies.
 */
export function gradientPeerApi(
  startBackend: (name: string) => Promise<string>,
  move: (reply: GradientReply, buffers: ArrayBuffer[]) => GradientReply,
): GradientPeerApi {
  const peer = createGradientPeer(startBackend);
  return {
    start: peer.start,
    init: peer.init,
    evaluate: peer.evaluate,
    drop: peer.drop,
    async compute(request: GradientRequest) {
      const reply = await peer.compute(request);
      return move(reply, [reply.parts.buffer as ArrayBuffer, ...reply.grads.flatMap((g) => (g ? [g.buffer as ArrayBuffer] : []))]);
    },
  };
}
