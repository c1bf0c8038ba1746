/**
 * Inside a Node worker thread: a gradient peer (src/train/gradientPeer.ts) on its own tfjs, exposed
 * to the CLI's trainer over comlink.
 */
import { expose, transfer } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { parentPort } from 'node:worker_threads';
import { gradientPeerApi } from '../train/parallel/gradientPeer.ts';
import { useBackend, type NodeBackend } from './backend.ts';

if (!parentPort) throw new Error('gradientPeerThread runs in a worker thread');
expose(
  gradientPeerApi((name) => useBackend(name as NodeBackend), transfer),
  nodeEndpoint(parentPort),
);
