/**
 * The safetensors format (https://huggingface.co/docs/safetensors): an 8-byte little-endian header
 * length, a JSON header mapping each tensor name to {dtype, shape, data_offsets}, then the raw
 * little-endian bytes. `safetensors.torch.load_file` reads what we write. Pure TypeScript.
 */
import { messageOf } from '../../core/errors.ts';
import { CheckpointError } from './checkpointError.ts';

export interface NamedWeight {
  name: string;
  shape: number[];
  data: Float32Array;
  /** Stored as F32 (default) or F16 (rounded to nearest even; the F16 writer exists for tests of F16 checkpoints). */
  dtype?: 'F32' | 'F16';
}

const METADATA_KEY = '__metadata__';
/** Headers past this are refused before parsing (a real one for our models is a few kB). */
const MAX_HEADER_BYTES = 16 * 1024 * 1024;

export function encodeSafetensors(weights: readonly NamedWeight[], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header[METADATA_KEY] = metadata;
  let offset = 0;
  const width = (w: NamedWeight) => (w.dtype === 'F16' ? 2 : 4);
  for (const w of weights) {
    const bytes = w.data.length * width(w);
    header[w.name] = { dtype: w.dtype ?? 'F32', shape: w.shape, data_offsets: [offset, offset + bytes] };
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
    const target = new DataView(out.buffer, at, w.data.length * width(w));
    if (w.dtype === 'F16') for (let i = 0; i < w.data.length; i++) target.setUint16(i * 2, floatToHalf(w.data[i] ?? 0), true);
    else for (let i = 0; i < w.data.length; i++) target.setFloat32(i * 4, w.data[i] ?? 0, true);
    at += w.data.length * width(w);
  }
  return out;
}

/** float → IEEE 754 half bits, rounded to nearest even (overflow to ±Infinity, underflow through subnormals). */
export function floatToHalf(value: number): number {
  const f32 = new Float32Array([value]);
  const bits = new Uint32Array(f32.buffer)[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    const m = mantissa | 0x800000;
    const shift = 14 - e;
    const half = m >>> shift;
    const rest = m & ((1 << shift) - 1);
    const midpoint = 1 << (shift - 1);
    return sign | (half + (rest > midpoint || (rest === midpoint && (half & 1)) ? 1 : 0));
  }
  const half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  return sign | (half + (rest > 0x1000 || (rest === 0x1000 && (half & 1)) ? 1 : 0));
}

export interface DecodedSafetensors {
  weights: NamedWeight[];
  metadata: Record<string, string>;
}

/** Bytes per element of the safetensors dtypes we can step over (only F32 and F16 are ever read as values). */
const DTYPE_BYTES: Record<string, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

/** One header entry: `begin`/`end` are byte offsets into the data section (after the header). */
export interface SafetensorsEntry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  entries: Map<string, SafetensorsEntry>;
  metadata: Record<string, string>;
  /** Byte offset of the data section in the file. */
  dataStart: number;
}

/**
 * Parses and checks the header alone (shape × dtype width = span, spans in bounds, no overlap) without
 * reading or allocating any tensor, so a caller can validate names, shapes and dtypes first.
 * `fileBytes` is the whole file's length (the data may not be in memory yet).
 */
export function readSafetensorsHeader(bytes: Uint8Array, source = 'model.safetensors', fileBytes = bytes.length): SafetensorsHeader {
  const fail = (field: string, problem: string): never => {
    throw new CheckpointError(source, field, problem);
  };
  if (fileBytes < 8 || bytes.length < 8) fail('header', `the file is ${fileBytes} bytes, too short for a safetensors header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > MAX_HEADER_BYTES || 8 + headerLength > fileBytes || 8 + headerLength > bytes.length) {
    fail('header', `the header claims ${headerLength} bytes but the file has ${fileBytes - 8}`);
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)));
  } catch (error) {
    fail('header', `the header is not valid JSON (${messageOf(error)})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('header', 'the header is not a JSON object');
  const dataStart = 8 + headerLength;
  const dataLength = fileBytes - dataStart;
  const entries = new Map<string, SafetensorsEntry>();
  let metadata: Record<string, string> = {};
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
    const width = typeof dtype === 'string' ? DTYPE_BYTES[dtype] : undefined;
    if (width === undefined) fail(name, `dtype ${JSON.stringify(dtype)} is not a safetensors dtype we know`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) fail(name, `shape ${JSON.stringify(shape)} is not a list of sizes`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isInteger(o) && o >= 0)) {
      fail(name, `data_offsets ${JSON.stringify(offsets)} are not two byte offsets`);
    }
    const [begin, end] = offsets as [number, number];
    const elements = (shape as number[]).reduce((a, b) => a * b, 1);
    if (end - begin !== elements * width!) fail(name, `shape [${String(shape)}] of ${String(dtype)} needs ${elements * width!} bytes but data_offsets span ${end - begin}`);
    if (end > dataLength) fail(name, `data_offsets end at byte ${end} but the data section has ${dataLength} bytes`);
    entries.set(name, { name, dtype: dtype as string, shape: shape as number[], begin, end });
  }
  const spans = [...entries.values()].sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < spans.length; i++) {
    const [prev, cur] = [spans[i - 1]!, spans[i]!];
    if (cur.begin < prev.end) fail(cur.name, `its bytes overlap those of ${prev.name}`);
  }
  return { entries, metadata, dataStart };
}

/** IEEE 754 half → float (subnormals, infinities and NaN included). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** The values of one F32 or F16 entry as float32 (F16 converted). `bytes` is the whole file. */
export function readFloatTensor(bytes: Uint8Array, header: SafetensorsHeader, entry: SafetensorsEntry, source = 'model.safetensors'): Float32Array {
  const elements = entry.shape.reduce((a, b) => a * b, 1);
  const view = new DataView(bytes.buffer, bytes.byteOffset + header.dataStart + entry.begin, entry.end - entry.begin);
  const out = new Float32Array(elements);
  if (entry.dtype === 'F32') {
    for (let i = 0; i < elements; i++) out[i] = view.getFloat32(i * 4, true);
  } else if (entry.dtype === 'F16') {
    // A 64k-entry lookup table would be faster for huge tensors; the arithmetic form is exact and
    // converts bert-base (110M values) in a few seconds, once per checkpoint.
    for (let i = 0; i < elements; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
  } else {
    throw new CheckpointError(source, entry.name, `dtype ${entry.dtype} is not supported (expected F32 or F16)`);
  }
  return out;
}

/** Parses and checks every entry (dtype F32, shape × 4 bytes = span, spans in bounds, no overlap). */
export function decodeSafetensors(bytes: Uint8Array, source = 'model.safetensors'): DecodedSafetensors {
  const header = readSafetensorsHeader(bytes, source);
  const weights: NamedWeight[] = [];
  for (const entry of header.entries.values()) {
    if (entry.dtype !== 'F32') throw new CheckpointError(source, entry.name, `dtype ${JSON.stringify(entry.dtype)} is not supported (expected F32)`);
  }
  for (const entry of header.entries.values()) {
    weights.push({ name: entry.name, shape: entry.shape, data: readFloatTensor(bytes, header, entry, source) });
  }
  return { weights, metadata: header.metadata };
}
