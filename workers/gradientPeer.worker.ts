/**
 * A gradient peer in the browser: a nested worker of the trainer worker holding a replica of the
 * running trainer's weights (src/train/gradientPeer.ts), started on the trainer's backend the way the
 * trainer worker starts it (WASM single-threaded from the app's origin).
 */
import { expose, transfer } from 'comlink';
import type { Backend, GradientPeerApi, GradientRequest } from '../src/protocol.ts';
import { createGradientPeer } from '../src/train/gradientPeer.ts';
import { BackendManager } from './backends.ts';

const manager = new BackendManager({ onLost: () => {} });
const peer = createGradientPeer(async (name) => (await manager.switchTo(name as Backend)).name);
const api: GradientPeerApi = {
  start: peer.start,
  init: peer.init,
  async compute(request: GradientRequest) {
    const reply = await peer.compute(request);
    // The reply's arrays are this worker's own copies: move them instead of copying them again.
    return transfer(reply, [reply.parts.buffer, ...reply.grads.flatMap((g) => (g ? [g.buffer] : []))]);
  },
};
expose(api);
