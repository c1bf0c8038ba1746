/**
 * The checkpoint's word-piece tokenizer, built with @huggingface/tokenizers (the maintained pure-JS
 * port of the Rust library; it runs in Node and in a worker) from `tokenizer.json`, or, for
 * checkpoints that ship only `vocab.txt` (+ `tokenizer_config.json`), from the tokenizer.json that
 * Hugging Face's BertTokenizerFast would build from them: BertNormalizer, BertPreTokenizer, WordPiece.
 */
import { messageOf } from '../../core/errors.ts';
import { Tokenizer } from '@huggingface/tokenizers';
import type { WordPieceTokenizer } from '../../model/bert/wordFeatures.ts';
import { CheckpointError } from '../formats/checkpointError.ts';

export interface BertTokenizer extends WordPieceTokenizer {
  /** Largest id the tokenizer can produce + 1 (must fit the embedding table). */
  vocabSize: number;
}

function parseJson(bytes: Uint8Array, file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw new CheckpointError(file, 'json', `is not valid JSON (${messageOf(error)})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CheckpointError(file, 'json', 'is not a JSON object');
  return value as Record<string, unknown>;
}

/** tokenizer.json equivalent to BertTokenizerFast(vocab.txt, **tokenizer_config). */
function tokenizerJsonFromVocab(vocabText: string, config: Record<string, unknown>): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  const lines = vocabText.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((line, id) => {
    const token = line.replace(/\r$/, '');
    if (!(token in vocab)) vocab[token] = id;
  });
  const special = ['unk_token', 'sep_token', 'pad_token', 'cls_token', 'mask_token'].map((k, i) => (typeof config[k] === 'string' ? (config[k] as string) : ['[UNK]', '[SEP]', '[PAD]', '[CLS]', '[MASK]'][i]!));
  const lowercase = config.do_lower_case !== false;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: special
      .filter((t) => t in vocab)
      .map((content) => ({ id: vocab[content], content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: config.tokenize_chinese_chars !== false,
      strip_accents: typeof config.strip_accents === 'boolean' ? config.strip_accents : null,
      lowercase,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: null,
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: special[0], continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  };
}

/**
 * Builds the tokenizer from the checkpoint's files (names relative to the checkpoint folder) and checks
 * that its special tokens exist and its ids fit `vocabSize` rows of the embedding table.
 */
export function loadBertTokenizer(files: ReadonlyMap<string, Uint8Array>, embeddingRows: number): BertTokenizer {
  const configBytes = files.get('tokenizer_config.json');
  const config = configBytes ? parseJson(configBytes, 'tokenizer_config.json') : {};
  const jsonBytes = files.get('tokenizer.json');
  const vocabBytes = files.get('vocab.txt');
  let json: Record<string, unknown>;
  let file: string;
  if (jsonBytes) {
    file = 'tokenizer.json';
    json = parseJson(jsonBytes, file);
    const model = json.model as Record<string, unknown> | undefined;
    if (!model || model.type !== 'WordPiece') {
      throw new CheckpointError(file, 'model.type', `${JSON.stringify(model?.type)} is not supported (a BERT checkpoint's tokenizer is WordPiece)`);
    }
    if (typeof model.vocab !== 'object' || model.vocab === null) throw new CheckpointError(file, 'model.vocab', 'is missing');
  } else if (vocabBytes) {
    file = 'vocab.txt';
    json = tokenizerJsonFromVocab(new TextDecoder().decode(vocabBytes), config);
  } else {
    throw new CheckpointError('tokenizer.json', 'file', 'the checkpoint has neither tokenizer.json nor vocab.txt');
  }
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(json, config);
  } catch (error) {
    throw new CheckpointError(file, 'tokenizer', `cannot be built (${messageOf(error)})`);
  }
  const vocab = tokenizer.get_vocab(true);
  let maxId = -1;
  let maxToken = '';
  for (const [token, id] of vocab) if (id > maxId) [maxId, maxToken] = [id, token];
  if (maxId >= embeddingRows) {
    throw new CheckpointError(file, maxToken, `has id ${maxId} but the model's word_embeddings have ${embeddingRows} rows (tokenizer and weights do not belong together)`);
  }
  const special = (key: string, fallback: string): number => {
    const token = typeof config[key] === 'string' ? (config[key] as string) : fallback;
    const id = tokenizer.token_to_id(token);
    if (id === undefined) throw new CheckpointError(file, token, `the ${key} is not in the vocabulary`);
    return id;
  };
  return {
    clsId: special('cls_token', '[CLS]'),
    sepId: special('sep_token', '[SEP]'),
    padId: special('pad_token', '[PAD]'),
    unkId: special('unk_token', '[UNK]'),
    vocabSize: maxId + 1,
    encodeWord: (word) => tokenizer.encode(word, { add_special_tokens: false }).ids,
  };
}
