/**
 * Inside a Node worker thread: a gradient peer (src/train/gradientPeer.ts) on its own tfjs, exposed
 * to the CLI's trainer over comlink.
 */
import { expose, transfer } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { parentPort } from 'node:worker_threads';
import type { GradientPeerApi, GradientRequest } from '../protocol.ts';
import { createGradientPeer } from '../train/gradientPeer.ts';
import { useBackend, type NodeBackend } from './backend.ts';

const peer = createGradientPeer((name) => useBackend(name as NodeBackend));
const api: GradientPeerApi = {
  start: peer.start,
  init: peer.init,
  async compute(request: GradientRequest) {
    const reply = await peer.compute(request);
    // The reply's arrays are this thread's own copies: move them instead of copying them again.
    return transfer(reply, [reply.parts.buffer, ...reply.grads.flatMap((g) => (g ? [g.buffer] : []))]);
  },
};
if (!parentPort) throw new Error('gradientPeerThread runs in a worker thread');
expose(api, nodeEndpoint(parentPort));
