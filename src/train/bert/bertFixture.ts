/**
 * Random BERT checkpoints in the Hugging Face layout, written in memory: the tiny one the tests use
 * (2 layers, hidden 32, 4 heads, a ~50-piece vocabulary) and, for the benchmark, one of any size
 * (e.g. bert-base: 12 layers, hidden 768) with random weights. No hub is reachable here, so these
 * stand in for a real checkpoint; the cost of running one depends only on its sizes.
 */
import { createRng } from '../../data/prng.ts';
import { bertTensorSpecs, type BertArchitecture } from '../../model/bert/bertConfig.ts';
import { encodeSafetensors, type NamedWeight } from '../formats/safetensors.ts';

export const TINY_BERT: BertArchitecture = {
  vocabSize: 50,
  hiddenSize: 32,
  layers: 2,
  heads: 4,
  intermediateSize: 64,
  maxPositions: 16,
  typeVocabSize: 2,
  layerNormEps: 1e-12,
  activation: 'gelu',
};

/** 50 pieces: specials, whole words, continuation pieces (`##…`) and punctuation. Cased. */
export const TINY_VOCAB: readonly string[] = [
  '[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]',
  'the', 'The', 'a', 'of', 'in', 'to', 'and', 'is', 'was', 'EU', 'rejects', 'German', 'call', 'boycott', 'British',
  'lamb', 'Peter', 'Black', 'burn', 'said', 'on', 'Thursday', 'it', 'un', 'play', 'Ger', 'Lon', 'don',
  '##s', '##ed', '##ing', '##able', '##man', '##y', '##don', '##a', '##b', '##c', '##e',
  '.', ',', '-', '(', ')', '"',
];

export interface RandomBertOptions {
  seed?: number;
  /** Stored dtype of every tensor (default F32). */
  dtype?: 'F32' | 'F16';
  /** `json`: tokenizer.json; `vocab`: vocab.txt + tokenizer_config.json only (default json). */
  tokenizer?: 'json' | 'vocab';
  /** Tensor name prefix: `bert.` as BertForMaskedLM saves, or none as BertModel (default `bert.`). */
  prefix?: string;
  /** LayerNorm parameters named gamma/beta (old TF conversions) instead of weight/bias. */
  gammaBeta?: boolean;
  /** Weight scale (uniform ±scale; default 0.5 so the tiny model's layers are far from identity). */
  scale?: number;
}

function tokenizerJson(vocab: readonly string[]): unknown {
  const specials = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specials.map((content) => ({ id: vocab.indexOf(content), content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: false },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [],
      special_tokens: { '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] } },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: Object.fromEntries(vocab.map((t, i) => [t, i])) },
  };
}

export function bertConfigJson(a: BertArchitecture): Record<string, unknown> {
  return {
    architectures: ['BertForMaskedLM'],
    model_type: 'bert',
    vocab_size: a.vocabSize,
    hidden_size: a.hiddenSize,
    num_hidden_layers: a.layers,
    num_attention_heads: a.heads,
    intermediate_size: a.intermediateSize,
    max_position_embeddings: a.maxPositions,
    type_vocab_size: a.typeVocabSize,
    layer_norm_eps: a.layerNormEps,
    hidden_act: a.activation === 'gelu' ? 'gelu' : 'gelu_new',
    position_embedding_type: 'absolute',
  };
}

/** Random weights by canonical name (torch layout), as a checkpoint would hold them. */
export function randomBertWeights(a: BertArchitecture, seed = 1, scale = 0.5): NamedWeight[] {
  const rng = createRng(seed);
  return bertTensorSpecs(a).map((spec) => {
    const n = spec.shape.reduce((x, y) => x * y, 1);
    const data = new Float32Array(n);
    const isGain = /LayerNorm\.weight$/.test(spec.name);
    for (let i = 0; i < n; i++) data[i] = isGain ? 1 + (rng() - 0.5) * 0.2 : (rng() * 2 - 1) * scale;
    return { name: spec.name, shape: spec.shape, data };
  });
}

const text = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

/** The files of a random checkpoint, keyed by name as in a Hugging Face folder. */
export function randomBertFiles(a: BertArchitecture = TINY_BERT, vocab: readonly string[] = TINY_VOCAB, opts: RandomBertOptions = {}): Map<string, Uint8Array> {
  if (vocab.length > a.vocabSize) throw new Error(`the vocabulary (${vocab.length}) does not fit vocab_size ${a.vocabSize}`);
  const prefix = opts.prefix ?? 'bert.';
  const weights = randomBertWeights(a, opts.seed ?? 1, opts.scale ?? 0.5).map((w) => ({
    ...w,
    name: prefix + (opts.gammaBeta ? w.name.replace(/LayerNorm\.weight$/, 'LayerNorm.gamma').replace(/LayerNorm\.bias$/, 'LayerNorm.beta') : w.name),
    dtype: opts.dtype ?? 'F32',
  }));
  const files = new Map<string, Uint8Array>([
    ['config.json', text(bertConfigJson(a))],
    ['model.safetensors', encodeSafetensors(weights)],
    ['tokenizer_config.json', text({ do_lower_case: false, tokenizer_class: 'BertTokenizer' })],
  ]);
  if ((opts.tokenizer ?? 'json') === 'json') files.set('tokenizer.json', text(tokenizerJson(vocab)));
  else files.set('vocab.txt', text(vocab.join('\n') + '\n'));
  return files;
}
