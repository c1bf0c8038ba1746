import { describe, expect, it } from 'vitest';
import { CheckpointError } from '../formats/checkpointError.ts';
import { encodeSafetensors, floatToHalf, halfToFloat, readSafetensorsHeader } from '../formats/safetensors.ts';
import { loadBertCheckpoint, checkpointFilesFromPaths } from './bertCheckpoint.ts';
import { TINY_BERT, TINY_VOCAB, randomBertFiles, randomBertWeights } from './bertFixture.ts';

const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

/** Rewrites the safetensors header of `files` with `edit` applied to its entries (data kept). */
function editHeader(files: Map<string, Uint8Array>, edit: (h: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>) => void): Map<string, Uint8Array> {
  const bytes = files.get('model.safetensors')!;
  const { dataStart } = readSafetensorsHeader(bytes);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, dataStart)));
  edit(header);
  const head = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + head.length + bytes.length - dataStart);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  out.set(bytes.subarray(dataStart), 8 + head.length);
  return new Map(files).set('model.safetensors', out);
}

function refusal(files: Map<string, Uint8Array>): CheckpointError {
  try {
    loadBertCheckpoint(files);
  } catch (error) {
    expect(error).toBeInstanceOf(CheckpointError);
    return error as CheckpointError;
  }
  throw new Error('the checkpoint was accepted');
}

describe('BERT checkpoint loading', () => {
  it('reads the tiny checkpoint with tokenizer.json: every encoder tensor, float32, bit for bit', () => {
    const ckpt = loadBertCheckpoint(randomBertFiles());
    expect(ckpt.arch).toEqual(TINY_BERT);
    expect(ckpt.storedDtype).toBe('F32');
    const expected = randomBertWeights(TINY_BERT);
    expect(ckpt.weights.size).toBe(expected.length);
    for (const w of expected) {
      expect(ckpt.weights.get(w.name)?.shape, w.name).toEqual(w.shape);
      expect(ckpt.weights.get(w.name)?.data, w.name).toEqual(w.data);
    }
    expect([ckpt.tokenizer.clsId, ckpt.tokenizer.sepId, ckpt.tokenizer.padId, ckpt.tokenizer.unkId]).toEqual([2, 3, 0, 1]);
  });

  it('accepts BertModel names (no prefix), gamma/beta LayerNorms and vocab.txt in place of tokenizer.json', () => {
    const ckpt = loadBertCheckpoint(randomBertFiles(TINY_BERT, TINY_VOCAB, { prefix: '', gammaBeta: true, tokenizer: 'vocab' }));
    expect(ckpt.weights.get('embeddings.LayerNorm.weight')?.data).toEqual(randomBertWeights(TINY_BERT).find((w) => w.name === 'embeddings.LayerNorm.weight')!.data);
    const pieces = (word: string) => ckpt.tokenizer.encodeWord(word).map((id) => TINY_VOCAB[id]);
    expect(pieces('played')).toEqual(['play', '##ed']);
    expect(pieces('London')).toEqual(['Lon', '##don']);
  });

  it('converts F16 weights to float32 exactly (each value is its half-precision rounding)', () => {
    const ckpt = loadBertCheckpoint(randomBertFiles(TINY_BERT, TINY_VOCAB, { dtype: 'F16' }));
    expect(ckpt.storedDtype).toBe('F16');
    for (const w of randomBertWeights(TINY_BERT)) {
      const got = ckpt.weights.get(w.name)!.data;
      expect(got, w.name).toEqual(w.data.map((v) => halfToFloat(floatToHalf(v))));
      const worst = Math.max(...w.data.map((v, i) => Math.abs(got[i]! - v) - Math.abs(v) * 2 ** -11));
      expect(worst, w.name).toBeLessThanOrEqual(2 ** -24);
    }
  });

  it('half ↔ float: exact on representable values, subnormals, infinities', () => {
    for (const v of [0, 1, -2, 0.5, 65504, 2 ** -14, 2 ** -24, 3 * 2 ** -24, -0.333251953125]) expect(halfToFloat(floatToHalf(v))).toBe(v);
    expect(halfToFloat(floatToHalf(1e6))).toBe(Infinity);
    expect(halfToFloat(floatToHalf(2 ** -26))).toBe(0);
    expect(halfToFloat(0x7e00)).toBeNaN();
  });

  it('refuses a truncated header, naming the file', () => {
    const files = randomBertFiles();
    const cut = new Map(files).set('model.safetensors', files.get('model.safetensors')!.subarray(0, 100));
    const e = refusal(cut);
    expect([e.file, e.field]).toEqual(['model.safetensors', 'header']);
    expect(e.message).toMatch(/the header claims \d+ bytes but the file has 92/);
  });

  it('refuses truncated data, naming the tensor whose bytes are missing', () => {
    const files = randomBertFiles();
    const bytes = files.get('model.safetensors')!;
    const e = refusal(new Map(files).set('model.safetensors', bytes.subarray(0, bytes.length - 10)));
    expect(e.file).toBe('model.safetensors');
    expect(e.problem).toMatch(/data_offsets end at byte \d+ but the data section has \d+ bytes/);
  });

  it('refuses a tensor of an unsupported dtype, naming it', () => {
    const files = randomBertFiles();
    const wrong = editHeader(files, (h) => {
      const entry = h['bert.encoder.layer.1.attention.self.key.weight']!;
      entry.dtype = 'I32'; // same width, so the header itself is consistent
    });
    const e = refusal(wrong);
    expect([e.file, e.field]).toEqual(['model.safetensors', 'bert.encoder.layer.1.attention.self.key.weight']);
    expect(e.problem).toMatch(/dtype I32 is not supported \(expected F32 or F16\)/);
  });

  it('refuses a missing tensor, naming it', () => {
    const wrong = editHeader(randomBertFiles(), (h) => {
      delete h['bert.encoder.layer.1.output.LayerNorm.bias'];
    });
    const e = refusal(wrong);
    expect([e.file, e.field]).toEqual(['model.safetensors', 'bert.encoder.layer.1.output.LayerNorm.bias']);
    expect(e.problem).toMatch(/is missing/);
  });

  it('refuses a shape that config.json does not call for, naming the tensor and both shapes', () => {
    const wrong = editHeader(randomBertFiles(), (h) => {
      h['bert.encoder.layer.0.intermediate.dense.weight']!.shape = [32, 64];
    });
    const e = refusal(wrong);
    expect(e.field).toBe('bert.encoder.layer.0.intermediate.dense.weight');
    expect(e.problem).toBe('has shape [32, 64] but config.json calls for [64, 32]');
  });

  it('refuses weights from another configuration (more layers in config.json than in the file)', () => {
    const files = randomBertFiles();
    const config = JSON.parse(new TextDecoder().decode(files.get('config.json')!));
    const e = refusal(new Map(files).set('config.json', json({ ...config, num_hidden_layers: 3 })));
    expect(e.field).toBe('bert.encoder.layer.2.attention.self.query.weight');
    expect(e.problem).toMatch(/is missing \(config.json calls for 3 layers of hidden size 32\)/);
  });

  it('refuses a tokenizer whose ids do not fit the embedding table, naming the file and the piece', () => {
    const files = randomBertFiles();
    const big = randomBertFiles({ ...TINY_BERT, vocabSize: 60 }, [...TINY_VOCAB, ...Array.from({ length: 10 }, (_, i) => `extra${i}`)]);
    const e = refusal(new Map(files).set('tokenizer.json', big.get('tokenizer.json')!));
    expect([e.file, e.field]).toEqual(['tokenizer.json', 'extra9']);
    expect(e.problem).toMatch(/has id 59 but the model's word_embeddings have 50 rows/);
  });

  it('refuses a non-BERT config, a missing config and a missing tokenizer', () => {
    const files = randomBertFiles();
    const e1 = refusal(new Map(files).set('config.json', json({ model_type: 'gpt2', architectures: ['GPT2LMHeadModel'] })));
    expect([e1.file, e1.field]).toEqual(['config.json', 'model_type']);
    const noConfig = new Map(files);
    noConfig.delete('config.json');
    expect(refusal(noConfig).file).toBe('config.json');
    const noTokenizer = new Map(files);
    noTokenizer.delete('tokenizer.json');
    expect(refusal(noTokenizer).problem).toMatch(/neither tokenizer.json nor vocab.txt/);
  });

  it('checks everything before reading a tensor: a bad tokenizer is refused even when the data is garbage', () => {
    const files = randomBertFiles();
    const bytes = files.get('model.safetensors')!.slice();
    const { dataStart } = readSafetensorsHeader(bytes);
    bytes.fill(0xff, dataStart); // NaN everywhere: would only matter if read
    const bad = new Map(files).set('model.safetensors', bytes).set('tokenizer.json', json({ model: { type: 'BPE', vocab: {} } }));
    expect(refusal(bad).field).toBe('model.type');
  });

  it('finds the checkpoint inside a dropped folder or zip', () => {
    const files = randomBertFiles();
    const nested = new Map([...files].map(([name, bytes]) => [`bert-tiny/${name}`, bytes] as const));
    nested.set('bert-tiny/README.md', json('x'));
    expect([...checkpointFilesFromPaths(nested).keys()].sort()).toEqual([...files.keys()].sort());
  });

  it('the safetensors writer stays readable by the F32-only decoder path (names, shapes)', () => {
    const bytes = encodeSafetensors([{ name: 'a', shape: [2], data: new Float32Array([1, 2]), dtype: 'F16' }]);
    const header = readSafetensorsHeader(bytes);
    expect(header.entries.get('a')).toMatchObject({ dtype: 'F16', shape: [2], begin: 0, end: 4 });
  });
});
