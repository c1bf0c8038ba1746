/**
 * A run's settings as something to share: the full RunConfig plus the name and SHA-256 of the
 * dataset it was meant for, carried in the URL (`?config=`, base64url of the JSON) or in a JSON
 * file. Reading checks the envelope here and names the first bad field; the config itself is then
 * checked by src/core's `checkSharedConfig` (types and ranges from the field table).
 * Pure: no React, no worker.
 */
import { messageOf } from '../core/errors.ts';
import type { RunConfig } from '../protocol.ts';

export const SHARE_PARAM = 'config';
export const SHARE_FORMAT = 'mtaa-workbench-config';
export const SHARE_VERSION = 1;

export interface SharedConfig {
  config: RunConfig;
  /** The dataset the config was used on, when one was loaded. */
  dataset?: { name: string; hash?: string };
}

/** The envelope as written to the URL and to files. */
interface Envelope {
  format: typeof SHARE_FORMAT;
  version: number;
  config: unknown;
  dataset?: { name: string; hash?: string };
}

export class ShareError extends Error {
  constructor(
    readonly source: string,
    readonly field: string,
    problem: string,
  ) {
    super(`${source}: ${field}: ${problem}`);
    this.name = 'ShareError';
  }
}

/** The share as JSON text (the file's content; the URL carries the same text, base64url-encoded). */
export function sharedConfigJson(share: SharedConfig): string {
  const envelope: Envelope = { format: SHARE_FORMAT, version: SHARE_VERSION, config: share.config, ...(share.dataset ? { dataset: share.dataset } : {}) };
  return JSON.stringify(envelope, null, 2);
}

function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(value: string): string {
  if (!/^[A-Za-z0-9_-]*$/.test(value)) throw new Error('not base64url text');
  const padded = value.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (value.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/** `base` (an absolute URL) with the share in its `config` parameter; other parameters are kept. */
export function shareUrl(base: string, share: SharedConfig): string {
  const url = new URL(base);
  url.searchParams.set(SHARE_PARAM, toBase64Url(JSON.stringify(JSON.parse(sharedConfigJson(share)))));
  return url.toString();
}

/** The share in a URL's query string: null when there is none; throws ShareError when it is unreadable. */
export function readShareParam(search: string): { config: unknown; dataset?: SharedConfig['dataset'] } | null {
  const value = new URLSearchParams(search).get(SHARE_PARAM);
  if (value === null) return null;
  const source = `URL parameter "${SHARE_PARAM}"`;
  let text: string;
  try {
    text = fromBase64Url(value.trim());
  } catch (error) {
    throw new ShareError(source, SHARE_PARAM, `cannot be decoded (${messageOf(error)}); the link may be cut short`);
  }
  return parseSharedJson(text, source);
}

/** Reads a share's JSON text (a file or the URL's decoded text), checking the envelope. */
export function parseSharedJson(text: string, source: string): { config: unknown; dataset?: SharedConfig['dataset'] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ShareError(source, 'JSON', `not valid JSON (${messageOf(error)})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ShareError(source, 'JSON', 'expected an object');
  const envelope = raw as Partial<Envelope> & Record<string, unknown>;
  if (envelope.format !== SHARE_FORMAT) throw new ShareError(source, 'format', `expected "${SHARE_FORMAT}", got ${JSON.stringify(envelope.format)}`);
  if (envelope.version !== SHARE_VERSION) throw new ShareError(source, 'version', `version ${JSON.stringify(envelope.version)} is not supported (this workbench reads ${SHARE_VERSION})`);
  for (const key of Object.keys(envelope)) {
    if (!['format', 'version', 'config', 'dataset'].includes(key)) throw new ShareError(source, key, 'unknown field');
  }
  if (typeof envelope.config !== 'object' || envelope.config === null || Array.isArray(envelope.config)) {
    throw new ShareError(source, 'config', 'missing, or not an object');
  }
  let dataset: SharedConfig['dataset'];
  if (envelope.dataset !== undefined) {
    const d = envelope.dataset as Record<string, unknown> | null;
    if (typeof d !== 'object' || d === null) throw new ShareError(source, 'dataset', 'expected { name, hash }');
    if (typeof d.name !== 'string' || d.name.length === 0) throw new ShareError(source, 'dataset.name', 'expected the file name');
    if (d.hash !== undefined && (typeof d.hash !== 'string' || !/^[0-9a-f]{64}$/.test(d.hash))) {
      throw new ShareError(source, 'dataset.hash', 'expected a SHA-256 in 64 hex digits');
    }
    dataset = { name: d.name, ...(typeof d.hash === 'string' ? { hash: d.hash } : {}) };
  }
  return { config: envelope.config, ...(dataset ? { dataset } : {}) };
}

/** The URL without the share parameter (after it was applied, so a reload does not re-apply it). */
export function withoutShareParam(href: string): string {
  const url = new URL(href);
  url.searchParams.delete(SHARE_PARAM);
  return url.toString();
}
