/**
 * The llama.cpp side of evaluation, in its own process: a failed ggml assert aborts this process,
 * which the engine reports as an error, instead of killing the worker. Speaks `protocol.ts` over IPC.
 */
import { sendEvent, serveSession } from '../../../native/session.js';
import { getLlama, type Llama, type LlamaContext, type LlamaContextSequence, type LlamaModel, type Token } from 'node-llama-cpp';
import type { GenerateItem, GenerateResult, LoadRequest, LoadResult, LoglikItem, LoglikResult, RollingItem, RollingResult } from './protocol.js';

let llama: Llama | undefined;
let model: LlamaModel | undefined;
let context: LlamaContext | undefined;
let sequences: LlamaContextSequence[] = [];
let bos: Token | null = null;

async function load(req: LoadRequest): Promise<LoadResult> {
  llama = await getLlama({ gpu: req.gpu, logLevel: 'error' as never });
  model = await llama.loadModel({ modelPath: req.modelPath });
  context = await model.createContext({
    contextSize: Math.min(req.contextSize, model.trainContextSize),
    sequences: req.sequences,
    batchSize: req.batchSize,
    // 0: one thread per core. node-llama-cpp's own default (llama.maxThreads) is twice the cores
    // on this 2-core host, and llama.cpp's spinning threads then ran generation 50 times slower.
    threads: req.threads > 0 ? req.threads : llama.cpuMathCores,
  });
  sequences = Array.from({ length: req.sequences }, () => context!.getSequence());
  bos = model.tokens.shouldPrependBosToken ? model.tokens.bos : null;
  specialTokens = req.specialTokens;
  return { contextSize: context.contextSize, sequences: sequences.length, gpu: llama.gpu, device: process.env.CUDA_VISIBLE_DEVICES ?? null };
}

/**
 * With `specialTokens` (prompts rendered with a chat template) special-token text is parsed as those
 * tokens, as transformers' tokenizers and llama-server do: `<|im_start|>` must be one token. Without
 * it, plain text: node-llama-cpp ignores `trimLeadingSpace` when parsing special tokens, which would
 * add a space piece before every SentencePiece text.
 */
let specialTokens = false;
function tokenize(text: string): Token[] {
  return model!.tokenize(text, specialTokens, bos !== null ? 'trimLeadingSpace' : undefined);
}

/**
 * Runs `work` over the items with one worker per sequence; concurrent decodes share batches.
 * Consecutive items with the same `group` key (the choices of one question) stay on one sequence,
 * so that the shared context is evaluated once and reused from the KV cache.
 */
async function pool<I, R>(items: I[], work: (seq: LlamaContextSequence, item: I) => Promise<R>, group?: (item: I) => string): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  const groups: number[][] = [];
  items.forEach((item, i) => {
    const last = groups[groups.length - 1];
    if (last && group && group(items[last[0]!]!) === group(item)) last.push(i);
    else groups.push([i]);
  });
  let next = 0;
  let done = 0;
  await Promise.all(
    sequences.map(async (seq) => {
      for (let g = next++; g < groups.length; g = next++) {
        for (const i of groups[g]!) {
          results[i] = await work(seq, items[i]!);
          done++;
          if (done % 8 === 0 || done === items.length) sendEvent(done);
        }
      }
    }),
  );
  return results;
}

/**
 * Greedy generation of every item, one sequence per item at a time, in lock-step: each round asks
 * every busy sequence for its next token at once, after the context's dispatch loop has ended, so
 * that all of them go into one decode. Left to themselves (one LlamaCompletion per sequence, as
 * before), the sequences queue their tokens as their sampling ends, and node-llama-cpp's loop
 * decodes whatever is queued the moment a decode ends: mostly 7 of 8 tokens, and every decode reads
 * all the weights however few tokens it holds (docs/performance.md, "eval"). A sequence that ends
 * (an end-of-generation token, `maxTokens`, a stop string) takes the next item, whose prompt goes
 * into the next round's decode. The text is what LlamaCompletion returned: the tokens' text, cut
 * before the first stop string; no repeat penalty (node-llama-cpp's default penalty is 1).
 */
async function generateAll(items: GenerateItem[]): Promise<GenerateResult[]> {
  interface Slot {
    seq: LlamaContextSequence;
    i: number;
    tokens: Token[];
    promptTokens: number;
    gen: AsyncGenerator<Token, void, void | Token | Token[]>;
  }
  const results = new Array<GenerateResult>(items.length);
  let next = 0;
  let done = 0;
  const start = async (seq: LlamaContextSequence): Promise<Slot | undefined> => {
    if (next >= items.length) return undefined;
    const i = next++;
    // Tokens, not the string: a chat-template prompt's `<|im_start|>` markers must be the model's own control tokens.
    const promptText = tokenize(items[i]!.prompt);
    const prompt = bos !== null ? [bos, ...promptText] : promptText;
    // Keep what the sequence already holds of this prompt (a shared chat-template prefix), as
    // LlamaCompletion does, but evaluate at least the last token: its logits give the first token.
    await seq.adaptStateToTokens(prompt.slice(0, -1), false);
    return { seq, i, tokens: [], promptTokens: prompt.length, gen: seq.evaluate(prompt.slice(seq.nextTokenIndex), { temperature: 0 }) };
  };
  const finish = async (slot: Slot, text: string): Promise<Slot | undefined> => {
    await slot.gen.return();
    results[slot.i] = { text, tokens: slot.tokens.length, promptTokens: slot.promptTokens };
    done++;
    if (done % 8 === 0 || done === items.length) sendEvent(done);
    return start(slot.seq);
  };
  let slots = (await Promise.all(sequences.map(start))).filter((s): s is Slot => s !== undefined);
  while (slots.length > 0) {
    // One macrotask: the dispatch loop that delivered the last round's tokens has ended by now.
    await new Promise((resolve) => setImmediate(resolve));
    const steps = await Promise.all(slots.map((s) => s.gen.next()));
    const kept: Slot[] = [];
    for (const [k, step] of steps.entries()) {
      const slot = slots[k]!;
      const item = items[slot.i]!;
      if (!step.done) slot.tokens.push(step.value);
      const text = model!.detokenize(slot.tokens);
      const stopAt = Math.min(...item.stop.map((stop) => text.indexOf(stop)).filter((at) => at >= 0));
      const ended = step.done || slot.tokens.length >= item.maxTokens || Number.isFinite(stopAt);
      const after = ended ? await finish(slot, Number.isFinite(stopAt) ? text.slice(0, stopAt) : text) : slot;
      if (after) kept.push(after);
    }
    slots = kept;
  }
  return results;
}

/**
 * Tokens one sequence holds without a context shift: node-llama-cpp keeps one cell free, and a
 * contextSize-token evaluation made it erase the first 100 tokens and evaluate the rest again: the
 * last positions lost that context and a full window cost 1.8x its tokens (bench/eval.ts perplexity).
 */
function capacity(seq: LlamaContextSequence): number {
  return seq.contextSize - 1;
}

/**
 * Log-probabilities of `targets[k]` given everything before it, for the positions `from..` of
 * `tokens`. Keeps the longest cached prefix of the sequence (choices of one question share their
 * context) but always re-evaluates the token whose logits are needed first.
 */
async function scoreTokens(seq: LlamaContextSequence, tokens: Token[], firstTarget: number): Promise<{ loglik: number; greedy: boolean }> {
  const firstLogit = firstTarget - 1;
  const keep = Math.min(seq.compareContextTokens(tokens).firstDifferentIndex, firstLogit);
  if (seq.nextTokenIndex > keep) await seq.eraseContextTokenRanges([{ start: keep, end: seq.nextTokenIndex }]);
  const input = tokens.slice(keep).map((t, k): Token | [Token, object] => {
    const pos = keep + k;
    if (pos < firstLogit || pos >= tokens.length - 1) return t;
    // The arg-max comes in as the selected token: the default sampler here is greedy (temperature 0).
    // Not includeMax (node-llama-cpp 3.22.1 returns only the filtered tokens for it), nor includeTop,
    // which sorts the whole vocabulary for every token: with SmolLM2's 49,152 that was most of
    // perplexity scoring's time (bench/eval.ts, 2.7x slower than llama-perplexity).
    return [t, { generateNext: { logits: { filter: { tokens: [tokens[pos + 1]!], includeSelected: true } }, totalLogitWeight: true } }];
  });
  const out = await seq.controlledEvaluate(input as Parameters<LlamaContextSequence['controlledEvaluate']>[0]);
  let loglik = 0;
  let greedy = true;
  for (let pos = firstLogit; pos < tokens.length - 1; pos++) {
    const next = out[pos - keep]?.next;
    const target = tokens[pos + 1]!;
    if (!next?.logits || next.totalLogitWeight === undefined) throw new Error(`no logits at position ${pos}`);
    // The filtered map holds the target and the arg-max; do not rely on its order.
    let maxLogit = -Infinity;
    for (const l of next.logits.values()) maxLogit = Math.max(maxLogit, l);
    const logit = next.logits.get(target);
    if (logit === undefined) throw new Error(`no logit for token ${target}`);
    // log softmax: logit - max - log(sum exp(l - max)); totalLogitWeight is that sum.
    loglik += logit - maxLogit - Math.log(next.totalLogitWeight);
    if (logit < maxLogit) greedy = false;
  }
  return { loglik, greedy };
}

async function loglik(seq: LlamaContextSequence, item: LoglikItem): Promise<LoglikResult> {
  // lm-eval's split: trailing spaces of the context belong to the continuation; the continuation's
  // tokens are those of tok(context + continuation) after the tokens of tok(context).
  let ctx = item.context;
  let cont = item.continuation;
  const trailing = ctx.length - ctx.trimEnd().length;
  if (trailing > 0) {
    cont = ctx.slice(ctx.length - trailing) + cont;
    ctx = ctx.slice(0, ctx.length - trailing);
  }
  const whole = tokenize(ctx + cont);
  const ctxTokens = ctx.length > 0 ? tokenize(ctx) : [];
  let contTokens = whole.slice(ctxTokens.length);
  if (contTokens.length === 0) contTokens = tokenize(cont);
  let prefix = bos !== null ? [bos, ...ctxTokens] : ctxTokens;
  if (prefix.length === 0) throw new Error('loglikelihood needs a non-empty context or a BOS token');
  // Left-truncate the context to fit the window, as lm-eval does (the continuation is kept whole).
  const room = capacity(seq) - contTokens.length;
  if (room < 1) throw new Error(`continuation of ${contTokens.length} tokens does not fit the ${capacity(seq)}-token context`);
  if (prefix.length > room) prefix = prefix.slice(prefix.length - room);
  const tokens = [...prefix, ...contTokens];
  const r = await scoreTokens(seq, tokens, prefix.length);
  return { ...r, tokens: contTokens.length };
}

/** Rolling log-likelihood of a whole text in disjoint windows, each conditioned on one token before it. */
async function rolling(seq: LlamaContextSequence, item: RollingItem): Promise<RollingResult> {
  const text = tokenize(item.text);
  const all = bos !== null ? [bos, ...text] : text;
  const window = capacity(seq);
  let total = 0;
  let scored = 0;
  for (let start = 1; start < all.length; start += window - 1) {
    const end = Math.min(all.length, start + window - 1);
    const r = await scoreTokens(seq, all.slice(start - 1, end), 1);
    total += r.loglik;
    scored += end - start;
  }
  return { loglik: total, tokens: scored, bytes: Buffer.byteLength(item.text, 'utf8') };
}

serveSession(
  {
    load: (req: LoadRequest) => load(req),
    generate: (req: { items: GenerateItem[] }) => generateAll(req.items),
    loglik: (req: { items: LoglikItem[] }) => pool(req.items, loglik, (item) => item.context),
    rolling: (req: { items: RollingItem[] }) => pool(req.items, rolling),
  },
  async () => {
    await context?.dispose();
    await model?.dispose();
    await llama?.dispose();
  },
);
