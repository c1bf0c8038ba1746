/**
 * A BERT checkpoint's `config.json` (Hugging Face layout), read and checked, and the tensors its
 * sizes call for. Pure TypeScript: the checkpoint is validated against this before anything is
 * allocated (src/train/bert/bertCheckpoint.ts).
 */

export interface BertArchitecture {
  vocabSize: number;
  hiddenSize: number;
  layers: number;
  heads: number;
  intermediateSize: number;
  maxPositions: number;
  typeVocabSize: number;
  layerNormEps: number;
  /** `gelu` is the exact (erf) GELU that BERT uses; `gelu_new` / `gelu_pytorch_tanh` the tanh form. */
  activation: 'gelu' | 'gelu_tanh';
}

/** A problem with one field of one file of the checkpoint (the loader turns it into a CheckpointError). */
export class BertFormatError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${file}: ${field}: ${problem}`);
    this.name = 'BertFormatError';
  }
}

/** Architectures whose weights hold a plain BERT encoder under `bert.` (or no prefix for BertModel). */
const BERT_ARCHITECTURES = new Set([
  'BertModel',
  'BertForMaskedLM',
  'BertForPreTraining',
  'BertLMHeadModel',
  'BertForNextSentencePrediction',
  'BertForSequenceClassification',
  'BertForMultipleChoice',
  'BertForTokenClassification',
  'BertForQuestionAnswering',
]);

export function parseBertConfig(json: unknown, file = 'config.json'): BertArchitecture {
  const fail = (field: string, problem: string): never => {
    throw new BertFormatError(file, field, problem);
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) fail('config', 'is not a JSON object');
  const c = json as Record<string, unknown>;
  if (c.model_type !== undefined && c.model_type !== 'bert') {
    fail('model_type', `${JSON.stringify(c.model_type)} is not supported (only "bert": BERT-family encoders with absolute positions)`);
  }
  if (c.architectures !== undefined) {
    if (!Array.isArray(c.architectures) || !c.architectures.some((a) => typeof a === 'string' && BERT_ARCHITECTURES.has(a))) {
      fail('architectures', `${JSON.stringify(c.architectures)} names no BERT architecture (expected one of ${[...BERT_ARCHITECTURES].join(', ')})`);
    }
  } else if (c.model_type !== 'bert') fail('model_type', 'neither model_type "bert" nor a BERT architecture is given');
  if (c.position_embedding_type !== undefined && c.position_embedding_type !== 'absolute') {
    fail('position_embedding_type', `${JSON.stringify(c.position_embedding_type)} is not supported (only "absolute")`);
  }
  const int = (key: string, fallback?: number, max = 1e7): number => {
    const v = c[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) fail(key, `must be a positive integer, got ${JSON.stringify(c[key])}`);
    return v as number;
  };
  const hiddenSize = int('hidden_size');
  const heads = int('num_attention_heads');
  if (hiddenSize % heads !== 0) fail('num_attention_heads', `${heads} does not divide hidden_size ${hiddenSize}`);
  const act = c.hidden_act ?? 'gelu';
  const activation = act === 'gelu' ? 'gelu' : act === 'gelu_new' || act === 'gelu_pytorch_tanh' ? 'gelu_tanh' : fail('hidden_act', `${JSON.stringify(act)} is not supported (gelu, gelu_new, gelu_pytorch_tanh)`);
  const eps = c.layer_norm_eps ?? 1e-12;
  if (typeof eps !== 'number' || !(eps > 0 && eps < 1)) fail('layer_norm_eps', `must be a small positive number, got ${JSON.stringify(eps)}`);
  return {
    vocabSize: int('vocab_size'),
    hiddenSize,
    layers: int('num_hidden_layers', undefined, 256),
    heads,
    intermediateSize: int('intermediate_size'),
    maxPositions: int('max_position_embeddings', 512),
    typeVocabSize: int('type_vocab_size', 2),
    layerNormEps: eps as number,
    activation,
  };
}

/** One tensor the encoder needs: its canonical name (no `bert.` prefix), accepted aliases and shape (torch layout). */
export interface BertTensorSpec {
  name: string;
  /** Older checkpoints (TF conversions) name LayerNorm's weight/bias `gamma`/`beta`. */
  aliases: string[];
  shape: number[];
}

function layerNorm(prefix: string, h: number): BertTensorSpec[] {
  return [
    { name: `${prefix}.weight`, aliases: [`${prefix}.gamma`], shape: [h] },
    { name: `${prefix}.bias`, aliases: [`${prefix}.beta`], shape: [h] },
  ];
}

function linear(prefix: string, out: number, inp: number): BertTensorSpec[] {
  return [
    { name: `${prefix}.weight`, aliases: [], shape: [out, inp] },
    { name: `${prefix}.bias`, aliases: [], shape: [out] },
  ];
}

/** Every tensor the encoder reads, in a fixed order (the pooler and the heads are not read). */
export function bertTensorSpecs(a: BertArchitecture): BertTensorSpec[] {
  const h = a.hiddenSize;
  const specs: BertTensorSpec[] = [
    { name: 'embeddings.word_embeddings.weight', aliases: [], shape: [a.vocabSize, h] },
    { name: 'embeddings.position_embeddings.weight', aliases: [], shape: [a.maxPositions, h] },
    { name: 'embeddings.token_type_embeddings.weight', aliases: [], shape: [a.typeVocabSize, h] },
    ...layerNorm('embeddings.LayerNorm', h),
  ];
  for (let l = 0; l < a.layers; l++) {
    const p = `encoder.layer.${l}`;
    specs.push(
      ...linear(`${p}.attention.self.query`, h, h),
      ...linear(`${p}.attention.self.key`, h, h),
      ...linear(`${p}.attention.self.value`, h, h),
      ...linear(`${p}.attention.output.dense`, h, h),
      ...layerNorm(`${p}.attention.output.LayerNorm`, h),
      ...linear(`${p}.intermediate.dense`, a.intermediateSize, h),
      ...linear(`${p}.output.dense`, h, a.intermediateSize),
      ...layerNorm(`${p}.output.LayerNorm`, h),
    );
  }
  return specs;
}

/** Host weights by canonical name (torch layout, float32), as the encoder takes them. */
export type BertHostWeights = Map<string, { shape: number[]; data: Float32Array }>;
