/**
 * The safetensors format (https://huggingface.co/docs/safetensors): an 8-byte little-endian header
 * length, a JSON header mapping each tensor name to {dtype, shape, data_offsets}, then the raw
 * little-endian bytes. `safetensors.torch.load_file` reads what we write. Pure TypeScript.
 */
import { CheckpointError } from './checkpointError.ts';

export interface NamedWeight {
  name: string;
  shape: number[];
  data: Float32Array;
}

const METADATA_KEY = '__metadata__';
/** Headers past this are refused before parsing (a real one for our models is a few kB). */
const MAX_HEADER_BYTES = 16 * 1024 * 1024;

export function encodeSafetensors(weights: readonly NamedWeight[], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header[METADATA_KEY] = metadata;
  let offset = 0;
  for (const w of weights) {
    const bytes = w.data.length * 4;
    header[w.name] = { dtype: 'F32', shape: w.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  // Pad with spaces so the tensor data starts 8-byte aligned, as the reference writer does.
  json += ' '.repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const w of weights) {
    const target = new DataView(out.buffer, at, w.data.length * 4);
    for (let i = 0; i < w.data.length; i++) target.setFloat32(i * 4, w.data[i] ?? 0, true);
    at += w.data.length * 4;
  }
  return out;
}

export interface DecodedSafetensors {
  weights: NamedWeight[];
  metadata: Record<string, string>;
}

/** Parses and checks every entry (dtype F32, shape × 4 bytes = span, spans in bounds, no overlap). */
export function decodeSafetensors(bytes: Uint8Array, source = 'model.safetensors'): DecodedSafetensors {
  const fail = (field: string, problem: string): never => {
    throw new CheckpointError(source, field, problem);
  };
  if (bytes.length < 8) fail('header', `the file is ${bytes.length} bytes, too short for a safetensors header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > MAX_HEADER_BYTES || 8 + headerLength > bytes.length) {
    fail('header', `the header claims ${headerLength} bytes but the file has ${bytes.length - 8}`);
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)));
  } catch (error) {
    fail('header', `the header is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('header', 'the header is not a JSON object');
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const weights: NamedWeight[] = [];
  let metadata: Record<string, string> = {};
  const spans: [number, number, string][] = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === METADATA_KEY) {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry) || !Object.values(entry).every((v) => typeof v === 'string')) {
        fail(METADATA_KEY, 'expected an object of strings');
      }
      metadata = entry as Record<string, string>;
      continue;
    }
    if (typeof entry !== 'object' || entry === null) fail(name, 'the entry is not an object');
    const { dtype, shape, data_offsets: offsets } = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (dtype !== 'F32') fail(name, `dtype ${JSON.stringify(dtype)} is not supported (expected F32)`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) fail(name, `shape ${JSON.stringify(shape)} is not a list of sizes`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isInteger(o) && o >= 0)) {
      fail(name, `data_offsets ${JSON.stringify(offsets)} are not two byte offsets`);
    }
    const [begin, end] = offsets as [number, number];
    const elements = (shape as number[]).reduce((a, b) => a * b, 1);
    if (end - begin !== elements * 4) fail(name, `shape [${String(shape)}] needs ${elements * 4} bytes but data_offsets span ${end - begin}`);
    if (end > dataLength) fail(name, `data_offsets end at byte ${end} but the data section has ${dataLength} bytes`);
    spans.push([begin, end, name]);
    const data = new Float32Array(elements);
    const source = new DataView(bytes.buffer, bytes.byteOffset + dataStart + begin, end - begin);
    for (let i = 0; i < elements; i++) data[i] = source.getFloat32(i * 4, true);
    weights.push({ name, shape: shape as number[], data });
  }
  spans.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < spans.length; i++) {
    const [prev, cur] = [spans[i - 1]!, spans[i]!];
    if (cur[0] < prev[1]) fail(cur[2], `its bytes overlap those of ${prev[2]}`);
  }
  return { weights, metadata };
}
