/**
 * Gradient peers on other threads, as a Trainer sees them. tfjs's WASM backend computes on one
 * thread (its threaded build does not run in Node or in a Vite module worker), so a step uses one
 * core however many the machine has. With a pool, a step cuts its batch into as many parts as there
 * are threads (`partitionBatch`); the peers compute theirs on replicas of the weights while the
 * trainer computes its own, and the trainer adds the gradients up and takes the optimiser step
 * (data parallelism, the weights sent with each request). The parts' losses are weighted by their
 * share of the batch, as the memory slices' are, so the sum is the whole batch's gradient.
 *
 * Transport-free: the Node CLI makes its peers from worker_threads (`src/cli/gradientThreads.ts`),
 * the browser's trainer worker from nested Web Workers (`workers/gradientPeers.ts`).
 */
import type { EvaluationReply, EvaluationRequest, GradientPeerInit, GradientReply, GradientRequest } from './wire.ts';

export interface GradientPeerHandle {
  init(replica: string, init: GradientPeerInit): Promise<void>;
  compute(request: GradientRequest): Promise<GradientReply>;
  evaluate(request: EvaluationRequest): Promise<EvaluationReply>;
  /** Frees a replica now (optional: a peer without it frees it when newer replicas push it out). */
  drop?(replica: string): Promise<void>;
}

/** Padded token slots below which a batch trains on the trainer's thread alone (messaging costs more). */
export const MIN_PARALLEL_SLOTS = 128;

export class GradientPool {
  /** Why the pool stopped being used (a peer failed); null while it works. */
  failure: string | null = null;

  constructor(
    readonly peers: readonly GradientPeerHandle[],
    readonly backend: string,
    readonly minSlots = MIN_PARALLEL_SLOTS,
  ) {}

  get usable(): boolean {
    return this.failure === null && this.peers.length > 0;
  }

  /**
   * Peer `index`'s gradients for `request`; a peer without the request's replica builds it from
   * `init` first (the first step of a trainer, or after the peer dropped it for others).
   */
  compute(index: number, request: GradientRequest, init: () => GradientPeerInit): Promise<GradientReply> {
    return this.ask(index, request.replica, init, (peer) => peer.compute(request));
  }

  /** Peer `index`'s evaluation of `request`'s batches (as `compute`, building the replica if need be). */
  evaluate(index: number, request: EvaluationRequest, init: () => GradientPeerInit): Promise<EvaluationReply> {
    return this.ask(index, request.replica, init, (peer) => peer.evaluate(request));
  }

  private async ask<R extends { missing?: boolean }>(
    index: number,
    replica: string,
    init: () => GradientPeerInit,
    call: (peer: GradientPeerHandle) => Promise<R>,
  ): Promise<R> {
    const peer = this.peers[index]!;
    const reply = await call(peer);
    if (!reply.missing) return reply;
    await peer.init(replica, init());
    const again = await call(peer);
    if (again.missing) throw new Error(`gradient peer ${index} lost replica ${replica} right after building it`);
    return again;
  }

  /** A trainer is gone: its replica leaves every peer now (a failure only leaves it to be pushed out later). */
  drop(replica: string): void {
    for (const peer of this.peers) void peer.drop?.(replica).catch(() => undefined);
  }

  /** Stops using the peers for good (e.g. one died); training goes on on the trainer's thread. */
  fail(reason: string): void {
    this.failure = reason;
  }
}
