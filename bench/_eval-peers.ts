import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import { LlamaEngine } from '../activities/eval/llm/engine.js';
import { corpusPerplexity } from '../activities/eval/metrics/perplexity.js';
import { perplexityDocs } from '../activities/eval/tasks/perplexity.js';
import type { LlamaTools } from './_llama-tools.js';

/**
 * Forgeline's evaluation engine against llama.cpp's own tools on the same model file, threads,
 * per-sequence context, batch and flash-attention setting (`auto` on both sides: node-llama-cpp's
 * default and the tools'), one after the other in one process tree.
 *
 * Generation: Forgeline's LlamaEngine.generate (greedy, no stop strings, N prompts over M sequences
 * of one context, continuous batching by node-llama-cpp) against `llama-batched-bench`. The peer
 * does the same decode work with nothing else: M sequences of P prompt tokens decoded in one batch,
 * then T lock-step steps of M tokens, no sampling, no detokenizing; P and T are Forgeline's measured
 * mean prompt and generated lengths, and `-npl M,M,...` repeats it for N/M rounds. It is the ceiling
 * llama.cpp reaches for this work, so the ratio is Forgeline's whole overhead (IPC, JS scheduling,
 * sampling, detokenizing). llama-parallel was not chosen: it prepends its own system prompt, draws
 * its questions at random and stops at "User:", so its work cannot be made equal to Forgeline's;
 * llama-batched samples N continuations of one shared prompt, not N prompts.
 *
 * Perplexity: Forgeline's scorer (tasks/perplexity.ts over engine.rolling, as the evaluate step
 * runs it) against `llama-perplexity -f file -c ctx`. The chunking differs: Forgeline cuts the text
 * into disjoint windows of ctx-1 new tokens, each conditioned on the token before it, and scores
 * every token; llama-perplexity cuts it into chunks of ctx tokens (dropping the tail shorter than
 * ctx), puts BOS first when the vocabulary asks for one, and scores only the second half of each
 * chunk. Both evaluate every token once, so evaluated tokens/s compare the same work; the
 * perplexities do not agree (llama.cpp's scored tokens always see at least ctx/2 tokens of context,
 * so its value is lower) and are printed as a check that both read the same text.
 */
export interface Settings {
  model: string;
  threads: number;
  /** Per-sequence context, as LlamaEngine's contextSize. */
  ctx: number;
  batch: number;
  sequences: number;
}

export interface Row {
  tool: string;
  seconds: number;
  /** Generated tokens (generation) or evaluated tokens (perplexity). */
  tokens: number;
  examples?: number;
  perplexity?: number;
  detail: string;
}

export async function forgelineGeneration(s: Settings, prompts: string[], maxTokens: number): Promise<Row & { promptTokens: number }> {
  const engine = await LlamaEngine.open(s.model, { sequences: s.sequences, contextSize: s.ctx, batchSize: s.batch, threads: s.threads, gpu: false });
  try {
    await engine.generate([{ prompt: 'Hello', maxTokens: 2, stop: [] }]);
    const t0 = performance.now();
    const gens = await engine.generate(prompts.map((prompt) => ({ prompt, maxTokens, stop: [] })));
    const seconds = (performance.now() - t0) / 1000;
    const tokens = gens.reduce((a, g) => a + g.tokens, 0);
    const promptTokens = gens.reduce((a, g) => a + g.promptTokens, 0);
    return {
      tool: 'forgeline (LlamaEngine.generate)',
      seconds,
      tokens,
      examples: prompts.length,
      promptTokens,
      detail: `${prompts.length} prompts, ${promptTokens} prompt + ${tokens} generated tokens, ${s.sequences} sequences`,
    };
  } finally {
    await engine.close();
  }
}

/** llama-batched-bench sized from Forgeline's run: mean prompt and generated lengths, N/M rounds of M sequences. */
export async function peerGeneration(s: Settings, tools: LlamaTools, examples: number, promptTokens: number, generated: number): Promise<Row & { args: string[] }> {
  const pp = Math.max(1, Math.round(promptTokens / examples));
  const tg = Math.max(1, Math.round(generated / examples));
  const rounds: number[] = [];
  for (let left = examples; left > 0; left -= s.sequences) rounds.push(Math.min(s.sequences, left));
  const args = [
    '-m', s.model, '-t', String(s.threads), '-c', String(s.ctx * s.sequences), '-b', String(s.batch), '-ub', String(s.batch), '-fa', 'auto',
    '-npp', String(pp), '-ntg', String(tg), '-npl', rounds.join(','), '--output-format', 'jsonl',
  ];
  const out = await capture(tools.batchedBench, args);
  const rows = out
    .split('\n')
    .filter((l) => l.startsWith('{') && l.includes('"speed"'))
    .map((l) => JSON.parse(l) as { pl: number; t: number; t_pp: number; t_tg: number });
  if (rows.length !== rounds.length) throw new Error(`llama-batched-bench printed ${rows.length} of ${rounds.length} rows:\n${out.slice(-2000)}`);
  const seconds = rows.reduce((a, r) => a + r.t, 0);
  return {
    tool: 'llama.cpp (llama-batched-bench)',
    seconds,
    tokens: rows.reduce((a, r) => a + r.pl * tg, 0),
    examples,
    detail: `-npp ${pp} -ntg ${tg} -npl ${rounds.join(',')} (prompt ${rows.reduce((a, r) => a + r.t_pp, 0).toFixed(2)} s, generation ${rows.reduce((a, r) => a + r.t_tg, 0).toFixed(2)} s)`,
    args,
  };
}

export async function forgelinePerplexity(s: Settings, text: string): Promise<Row> {
  const engine = await LlamaEngine.open(s.model, { sequences: s.sequences, contextSize: s.ctx, batchSize: s.batch, threads: s.threads, gpu: false });
  try {
    await engine.rolling([{ text: 'Hello world.' }]);
    // The child's windows hold contextSize - 1 tokens (child.ts, capacity()).
    const window = engine.info!.contextSize - 1;
    const t0 = performance.now();
    const docs = await perplexityDocs(engine, [{ prompt: '', reference: '', text }], '');
    const seconds = (performance.now() - t0) / 1000;
    const { perplexity, tokens: scored } = corpusPerplexity(docs);
    // Each window evaluates the token it is conditioned on and its window-1 new ones.
    const windows = Math.ceil(scored / (window - 1));
    return {
      tool: 'forgeline (perplexity scorer)',
      seconds,
      tokens: scored + windows,
      perplexity,
      detail: `${windows} windows of ${window}, ${scored} tokens scored`,
    };
  } finally {
    await engine.close();
  }
}

export async function peerPerplexity(s: Settings, tools: LlamaTools, textFile: string): Promise<Row & { args: string[] }> {
  const args = ['-m', s.model, '-f', textFile, '-t', String(s.threads), '-c', String(s.ctx), '-b', String(s.batch), '-ub', String(s.batch), '-fa', 'auto', '--log-timestamps'];
  const out = await capture(tools.perplexity, args);
  // Its clock: from "tokenizing the input" to "Final estimate" (tokenizing, every pass and the
  // log-softmax of the scored tokens; model load and warm-up before), as Forgeline's is the
  // scorer's call. libllama's own perf print is filtered out at the tools' default verbosity.
  const start = stamp(out, 'perplexity: tokenizing the input');
  const end = stamp(out, 'Final estimate: PPL');
  const ppl = /Final estimate: PPL = ([\d.]+)/.exec(out);
  const chunks = /calculating perplexity over (\d+) chunks/.exec(out);
  if (start === undefined || end === undefined || !ppl || !chunks) throw new Error(`llama-perplexity: no estimate or timestamps in its output:\n${out.slice(-2000)}`);
  const n = Number(chunks[1]);
  return {
    tool: 'llama.cpp (llama-perplexity)',
    seconds: end - start,
    tokens: n * s.ctx,
    perplexity: Number(ppl[1]),
    detail: `${n} chunks of ${s.ctx}, ${n * (s.ctx - s.ctx / 2 - 1)} tokens scored`,
    args,
  };
}

/** Seconds of the common log's timestamp (`m.ss.mmm.uuu`) on the first line holding `marker`. */
function stamp(out: string, marker: string): number | undefined {
  const line = out.split('\n').find((l) => l.includes(marker));
  const m = line && /^(\d+)\.(\d+)\.(\d+)\.(\d+) /.exec(line);
  return m ? Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) / 1e3 + Number(m[4]) / 1e6 : undefined;
}

/** Runs a tool and returns stdout and stderr together; a failure carries the output's tail. */
function capture(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.once('error', reject);
    p.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} exited ${code}:\n${out.slice(-2000)}`))));
  });
}

/** The comparison table: the first row is Forgeline, each other row's ratio is its speed over Forgeline's. */
export function printTable(title: string, rows: Row[], unit: string): void {
  const base = rows[0]!;
  console.log(`\n${title}`);
  console.log(`| tool | ${unit}/s | examples/s | seconds | ratio (peer / forgeline) | perplexity | detail |`);
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    const speed = r.tokens / r.seconds;
    // Examples/s where both have them: the peer's tokens come from rounded mean lengths.
    const rel = r.examples !== undefined && base.examples !== undefined ? r.examples / r.seconds / (base.examples / base.seconds) : speed / (base.tokens / base.seconds);
    const ratio = r === base ? '-' : `${rel.toFixed(2)}x`;
    const ex = r.examples !== undefined ? (r.examples / r.seconds).toFixed(2) : '-';
    const ppl = r.perplexity !== undefined ? r.perplexity.toFixed(3) : '-';
    console.log(`| ${r.tool} | ${speed.toFixed(1)} | ${ex} | ${r.seconds.toFixed(2)} | ${ratio} | ${ppl} | ${r.detail} |`);
  }
}

/** The perplexity text: the given file, else the repository's docs (sorted, concatenated) cut to `bytes`. */
export async function perplexityText(file: string | undefined, docsDir: string, bytes: number): Promise<string> {
  if (file) return fs.readFile(file, 'utf8');
  const names = (await fs.readdir(docsDir)).filter((f) => f.endsWith('.md')).sort();
  let text = '';
  for (const n of names) text += `${await fs.readFile(`${docsDir}/${n}`, 'utf8')}\n`;
  const buf = Buffer.from(text, 'utf8').subarray(0, bytes);
  // Cut at a line end so that no UTF-8 sequence or word is split.
  return buf.toString('utf8', 0, buf.lastIndexOf(10) + 1);
}
