import { GGML_TYPE, gguf, writeGguf, type GgufTensorSource, type GgufValue } from '../../native/gguf-writer.js';
import { PipelineError } from '../../core/errors.js';
import { prng } from '../../core/hash32.js';

/**
 * A small, randomly initialised llama-architecture model, written as GGUF. It exists so that the
 * quickstart and the tests can train, quantize, load and generate without downloading anything.
 *
 * The vocabulary is SentencePiece-style (llama.cpp's `llama` tokenizer): `<unk>`, `<s>`, `</s>`,
 * then the 256 byte-fallback tokens `<0x00>`..`<0xFF>` (so any UTF-8 text tokenizes), then
 * single characters and a few frequent English pieces. Weights are F32 (llama.cpp's training API
 * needs F32) and deterministic in `seed`, so the same options always give the same bytes.
 * The embedding and feed-forward sizes default to multiples of 256, the K-quant block size, so that
 * Q4_K_M / Q5_K_M / Q6_K apply to every matrix instead of falling back.
 */
export interface TinyModelOptions {
  /** Hidden size; a multiple of 256 for K-quants (default 256). */
  embedding?: number;
  layers?: number;
  heads?: number;
  kvHeads?: number;
  /** Feed-forward size; a multiple of 256 for K-quants (default 512). */
  feedForward?: number;
  contextLength?: number;
  /** Total vocabulary size (at least 259 + the character set; default 320). */
  vocabSize?: number;
  seed?: number;
  /** Standard deviation of the normal initialisation (0.02, as GPT-2 and Llama use). */
  initStd?: number;
  name?: string;
  description?: string;
  license?: string;
  /** Jinja chat template stored as `tokenizer.chat_template`; `null` stores none. */
  chatTemplate?: string | null;
}

export const TINY_MODEL_DEFAULTS = {
  embedding: 256,
  layers: 2,
  heads: 4,
  feedForward: 512,
  contextLength: 2048,
  vocabSize: 320,
  seed: 42,
  initStd: 0.02,
  name: 'forgeline-tiny',
  description: 'Randomly initialised tiny llama model for tests and the quickstart',
  license: 'Apache-2.0',
} as const;

/** Seed 003's instruction format (`### Instruction` / `### Input` / `### Response`) as a chat template. */
export const INSTRUCTION_CHAT_TEMPLATE =
  "{% for message in messages %}{% if message['role'] == 'system' %}{{ message['content'] }}\n\n" +
  "{% elif message['role'] == 'user' %}### Instruction:\n{{ message['content'] }}\n\n" +
  "{% else %}### Response:\n{{ message['content'] }}{{ eos_token }}\n\n{% endif %}{% endfor %}" +
  '{% if add_generation_prompt %}### Response:\n{% endif %}';

const SPACE = '\u2581';
/** Pieces after the byte tokens, most useful first; cut to the vocabulary size. */
const PIECES: string[] = [
  SPACE,
  ...'etaoinshrdlcumwfgypbvkjxqz'.split(''),
  ...[`${SPACE}t`, 'he', `${SPACE}a`, 'in', 'er', `${SPACE}the`, 'on', 'an', 're', `${SPACE}s`, 'at', 'en', 'nd', `${SPACE}o`, 'ed', 'es', `${SPACE}w`, 'or', 'is', `${SPACE}i`],
  ...'.,:#?!-\'"()0123456789'.split(''),
  ...'ETAOINSHRDLCUMWFGYPBVKJXQZ'.split(''),
  ...'/;[]{}_=+*<>@$%&|'.split(''),
];

const TOKEN_TYPE = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, BYTE: 6 } as const;

export function tinyVocabulary(vocabSize: number): { tokens: string[]; scores: number[]; types: number[] } {
  const tokens = ['<unk>', '<s>', '</s>'];
  const types: number[] = [TOKEN_TYPE.UNKNOWN, TOKEN_TYPE.CONTROL, TOKEN_TYPE.CONTROL];
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(TOKEN_TYPE.BYTE);
  }
  const room = vocabSize - tokens.length;
  if (room < 1) throw new PipelineError('INVALID_STEP_OPTIONS', `tiny model: vocabSize ${vocabSize} leaves no room after 259 special and byte tokens`);
  for (let i = 0; i < room; i++) {
    tokens.push(i < PIECES.length ? PIECES[i]! : `<extra_${i - PIECES.length}>`);
    types.push(i < PIECES.length ? TOKEN_TYPE.NORMAL : TOKEN_TYPE.CONTROL);
  }
  // SentencePiece merges the highest-scoring pair first: longer pieces score higher.
  const scores = tokens.map((t, i) => (types[i] === TOKEN_TYPE.NORMAL ? -i / 1000 + [...t].length : 0));
  return { tokens, scores, types };
}

/** Uniform in [0, 1) from core/hash32's mulberry32, so that the model bytes depend only on the options. */
function rng(seed: number): () => number {
  const next = prng(seed);
  return () => next() / 4294967296;
}

function normalTensor(n: number, std: number, next: () => number): Buffer {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    // Box-Muller: two normal samples per two uniforms.
    const u = Math.max(next(), 1e-12);
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u)) * std;
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return Buffer.from(out.buffer);
}

function onesTensor(n: number): Buffer {
  return Buffer.from(new Float32Array(n).fill(1).buffer);
}

export interface TinyModelInfo {
  path: string;
  parameters: number;
  vocabSize: number;
  embedding: number;
  layers: number;
  feedForward: number;
  contextLength: number;
}

/** Writes the tiny model to `outPath` and returns its shape. */
export async function buildTinyModel(outPath: string, opts: TinyModelOptions = {}): Promise<TinyModelInfo> {
  const o = { ...TINY_MODEL_DEFAULTS, ...opts };
  const heads = o.heads;
  const kvHeads = opts.kvHeads ?? heads;
  if (o.embedding % heads !== 0) throw new PipelineError('INVALID_STEP_OPTIONS', `tiny model: embedding ${o.embedding} is not divisible by heads ${heads}`);
  if (heads % kvHeads !== 0) throw new PipelineError('INVALID_STEP_OPTIONS', `tiny model: heads ${heads} is not divisible by kvHeads ${kvHeads}`);
  const headDim = o.embedding / heads;
  const kvDim = headDim * kvHeads;
  const vocab = tinyVocabulary(o.vocabSize);
  const chatTemplate = opts.chatTemplate === undefined ? INSTRUCTION_CHAT_TEMPLATE : opts.chatTemplate;

  const md = new Map<string, GgufValue>([
    ['general.architecture', gguf.str('llama')],
    ['general.name', gguf.str(o.name)],
    ['general.description', gguf.str(o.description)],
    ['general.license', gguf.str(o.license)],
    ['general.file_type', gguf.u32(0)], // ALL_F32
    ['general.alignment', gguf.u32(32)],
    ['llama.context_length', gguf.u32(o.contextLength)],
    ['llama.embedding_length', gguf.u32(o.embedding)],
    ['llama.block_count', gguf.u32(o.layers)],
    ['llama.feed_forward_length', gguf.u32(o.feedForward)],
    ['llama.attention.head_count', gguf.u32(heads)],
    ['llama.attention.head_count_kv', gguf.u32(kvHeads)],
    ['llama.rope.dimension_count', gguf.u32(headDim)],
    ['llama.rope.freq_base', gguf.f32(10000)],
    ['llama.attention.layer_norm_rms_epsilon', gguf.f32(1e-5)],
    ['llama.vocab_size', gguf.u32(o.vocabSize)],
    ['tokenizer.ggml.model', gguf.str('llama')],
    ['tokenizer.ggml.tokens', gguf.strs(vocab.tokens)],
    ['tokenizer.ggml.scores', gguf.f32s(vocab.scores)],
    ['tokenizer.ggml.token_type', gguf.i32s(vocab.types)],
    ['tokenizer.ggml.unknown_token_id', gguf.u32(0)],
    ['tokenizer.ggml.bos_token_id', gguf.u32(1)],
    ['tokenizer.ggml.eos_token_id', gguf.u32(2)],
    ['tokenizer.ggml.add_bos_token', gguf.bool(true)],
    ['tokenizer.ggml.add_eos_token', gguf.bool(false)],
  ]);
  if (chatTemplate) md.set('tokenizer.chat_template', gguf.str(chatTemplate));

  // Each tensor gets its own seeded stream so that changing the layer count keeps the others' bytes.
  let stream = 0;
  const matrix = (name: string, cols: number, rows: number): GgufTensorSource => {
    const seed = (o.seed * 7919 + ++stream * 104729) >>> 0;
    return { name, dims: [cols, rows], ggmlType: GGML_TYPE.F32, bytes: cols * rows * 4, data: () => normalTensor(cols * rows, o.initStd, rng(seed)) };
  };
  const norm = (name: string, n: number): GgufTensorSource => ({ name, dims: [n], ggmlType: GGML_TYPE.F32, bytes: n * 4, data: () => onesTensor(n) });

  const tensors: GgufTensorSource[] = [matrix('token_embd.weight', o.embedding, o.vocabSize), norm('output_norm.weight', o.embedding), matrix('output.weight', o.embedding, o.vocabSize)];
  for (let l = 0; l < o.layers; l++) {
    const b = `blk.${l}`;
    tensors.push(
      norm(`${b}.attn_norm.weight`, o.embedding),
      matrix(`${b}.attn_q.weight`, o.embedding, o.embedding),
      matrix(`${b}.attn_k.weight`, o.embedding, kvDim),
      matrix(`${b}.attn_v.weight`, o.embedding, kvDim),
      matrix(`${b}.attn_output.weight`, o.embedding, o.embedding),
      norm(`${b}.ffn_norm.weight`, o.embedding),
      matrix(`${b}.ffn_gate.weight`, o.embedding, o.feedForward),
      matrix(`${b}.ffn_down.weight`, o.feedForward, o.embedding),
      matrix(`${b}.ffn_up.weight`, o.embedding, o.feedForward),
    );
  }
  await writeGguf(outPath, md, tensors);
  return {
    path: outPath,
    parameters: tensors.reduce((n, t) => n + t.bytes / 4, 0),
    vocabSize: o.vocabSize,
    embedding: o.embedding,
    layers: o.layers,
    feedForward: o.feedForward,
    contextLength: o.contextLength,
  };
}
