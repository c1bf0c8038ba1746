/**
 * A gradient peer in the browser: a nested worker of the trainer worker holding a replica of the
 * running trainer's weights (src/train/gradientPeer.ts), started on the trainer's backend the way the
 * trainer worker starts it (WASM single-threaded from the app's origin).
 */
import { expose, transfer } from 'comlink';
import type { Backend } from '../src/core/config.ts';
import { gradientPeerApi } from '../src/train/parallel/gradientPeer.ts';
import { BackendManager } from './backends.ts';

const manager = new BackendManager({ onLost: () => {} });
expose(gradientPeerApi(async (name) => (await manager.switchTo(name as Backend)).name, transfer));
