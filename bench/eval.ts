import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { mcRequests, type McDoc } from '../activities/eval/benchmarks/multiple-choice.js';
import { LlamaEngine } from '../activities/eval/llm/engine.js';
import { exactMatch, rougeL } from '../activities/eval/metrics/text.js';
import { jsonValid } from '../activities/eval/metrics/json.js';
import { EMBEDDED_BASE_MODEL, ensureEmbeddedBaseModel } from '../activities/models/base-model.js';
import { buildTinyModel } from '../activities/models/tiny-model.js';
import { forgelineGeneration, forgelinePerplexity, peerGeneration, peerPerplexity, perplexityText, printTable, type Settings } from './_eval-peers.js';
import { llamaTools, type LlamaTools } from './_llama-tools.js';

/**
 * `npm run bench -- eval [--model real|tiny|FILE] [--sections generation,perplexity,batching] [--threads 2 --ctx 512
 *   --batch 512 --sequences 8 --examples 32 --max-tokens 64 --ppl-bytes 48000 --text FILE
 *   --mc-docs 32 --choices 4 --batching-max-tokens 16]`
 *
 * generation, perplexity (issue 23; `peers` names both): Forgeline's generation and perplexity scoring against llama.cpp's own
 * `llama-batched-bench` and `llama-perplexity` (built once from the bundled source, _llama-tools.ts)
 * on the same model file, threads, context and batch, side by side with the ratio (_eval-peers.ts
 * says what each peer does and where the work differs).
 * batching (issue 7): examples/s of generation + metrics on instruction prompts, and requests/s of
 * log-likelihood scoring one-by-one (1 sequence) vs batched (N sequences sharing each decode batch).
 *
 * The model is the embedded base (SmolLM2-135M-Instruct Q4_1, fetched once into .cache/models) by
 * default; `tiny` builds the 1.5 M-parameter test model, a path names any GGUF file.
 */
const DOCS = fileURLToPath(new URL('../../docs/', import.meta.url));

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      model: { type: 'string', default: 'real' },
      sections: { type: 'string', default: 'generation,perplexity,batching' },
      examples: { type: 'string', default: '32' },
      'mc-docs': { type: 'string', default: '32' },
      choices: { type: 'string', default: '4' },
      'max-tokens': { type: 'string', default: '64' },
      'batching-max-tokens': { type: 'string', default: '16' },
      sequences: { type: 'string', default: '8' },
      threads: { type: 'string', default: '2' },
      ctx: { type: 'string', default: '512' },
      batch: { type: 'string', default: '512' },
      'ppl-bytes': { type: 'string', default: '48000' },
      text: { type: 'string' },
    },
  });
  const sections = new Set(values.sections.split(',').flatMap((x) => (x === 'peers' ? ['generation', 'perplexity'] : [x])));
  const s: Settings = { model: '', threads: Number(values.threads), ctx: Number(values.ctx), batch: Number(values.batch), sequences: Number(values.sequences) };
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'forgeline-bench-eval-'));
  try {
    let described: string;
    if (values.model === 'tiny') {
      s.model = path.join(dir, 'tiny.gguf');
      const info = await buildTinyModel(s.model);
      described = `tiny llama, ${info.parameters} parameters, vocabulary ${info.vocabSize}, F32`;
    } else if (values.model === 'real') {
      s.model = await ensureEmbeddedBaseModel((m) => console.log(m));
      described = `${EMBEDDED_BASE_MODEL.name} ${path.basename(s.model)} (the embedded base)`;
    } else {
      s.model = path.resolve(values.model);
      described = s.model;
    }
    const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
    console.log(`${new Date().toISOString()}; model: ${described}`);
    console.log(`machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load average at start ${load}; threads ${s.threads}, context ${s.ctx} per sequence, batch ${s.batch}, ${s.sequences} sequences`);
    if (sections.has('generation') || sections.has('perplexity')) {
      const tools = await llamaTools((m) => console.log(m));
      console.log(`peers: llama.cpp ${tools.release} tools, CPU variant ${tools.variant} (${tools.dir}); cmake ${tools.cmakeFlags.join(' ')}`);
      if (sections.has('generation')) await generation(s, tools, Number(values.examples), Number(values['max-tokens']));
      if (sections.has('perplexity')) await perplexity(s, tools, values.text, Number(values['ppl-bytes']), dir);
    }
    if (sections.has('batching')) await batching(s, Number(values.examples), Number(values['mc-docs']), Number(values.choices), Number(values['batching-max-tokens']));
    console.log(`load average at end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

const TOPICS = ['the printing press', 'the steam engine', 'tea in Britain', 'the Roman roads', 'paper money', 'the telescope', 'glass making', 'the bicycle'];

async function generation(s: Settings, tools: LlamaTools, n: number, maxTokens: number): Promise<void> {
  // Plain-text openings with no stop strings: greedy runs to max tokens, so both sides do the same work.
  const prompts = Array.from({ length: n }, (_, i) => `Chapter ${i + 1}. A short history of ${TOPICS[i % TOPICS.length]}.\n\nIt began`);
  const gen = await forgelineGeneration(s, prompts, maxTokens);
  const peer = await peerGeneration(s, tools, n, gen.promptTokens, gen.tokens);
  printTable(`generation: ${n} prompts, max ${maxTokens} tokens, greedy, ${s.sequences} sequences`, [gen, peer], 'generated tokens');
  console.log(`  llama-batched-bench ${peer.args.join(' ')}`);
}

async function perplexity(s: Settings, tools: LlamaTools, textFile: string | undefined, bytes: number, dir: string): Promise<void> {
  const text = await perplexityText(textFile, DOCS, bytes);
  const file = path.join(dir, 'perplexity.txt');
  await fs.writeFile(file, text);
  const ppl = await forgelinePerplexity(s, text);
  const peer = await peerPerplexity(s, tools, file);
  printTable(`perplexity: ${textFile ?? `docs/*.md, first ${Buffer.byteLength(text)} bytes`}, context ${s.ctx}`, [ppl, peer], 'evaluated tokens');
  console.log(`  llama-perplexity ${peer.args.join(' ')}`);
}

async function batching(s: Settings, n: number, docs: number, choices: number, maxTokens: number): Promise<void> {
  const prompts = Array.from({ length: n }, (_, i) => ({
    prompt: `### Instruction:\nConvert to Cypher\n\n### Input:\nFind the users older than ${20 + i}\n\n### Response:\n`,
    reference: `MATCH (u:User) WHERE u.age > ${20 + i} RETURN u`,
  }));
  const mc: McDoc[] = Array.from({ length: docs }, (_, i) => ({
    query: `Question: ${i} plus ${i} is how much? Think about the numbers and answer.\nAnswer:`,
    choices: Array.from({ length: choices }, (_, c) => `${2 * i + c - 1} is the result`),
    gold: 1,
  }));
  const ll = mcRequests(mc, []);
  const llSeconds = new Map<number, number>();
  console.log(`\nbatching: generation + metrics (${n} examples, ${maxTokens} max tokens) and log-likelihood, 1 sequence vs ${s.sequences}`);

  for (const sequences of [1, s.sequences]) {
    const engine = await LlamaEngine.open(s.model, { sequences, contextSize: s.ctx, batchSize: s.batch, threads: s.threads, gpu: false });
    try {
      // Warm-up: one request of each kind, so that load-time work is not measured.
      await engine.generate([{ prompt: 'Hello', maxTokens: 2, stop: [] }]);
      await engine.loglik([{ context: 'Hello', continuation: ' world' }]);

      let t0 = performance.now();
      const gens = await engine.generate(prompts.map((p) => ({ prompt: p.prompt, maxTokens, stop: ['\n###', '\n\n'] })));
      let score = 0;
      gens.forEach((g, i) => {
        score += exactMatch(g.text, prompts[i]!.reference, 'basic') + rougeL(g.text, prompts[i]!.reference).f1 + jsonValid(g.text);
      });
      const genS = (performance.now() - t0) / 1000;
      const tokens = gens.reduce((a, g) => a + g.tokens, 0);

      t0 = performance.now();
      const res = await engine.loglik(ll);
      const llS = (performance.now() - t0) / 1000;
      const scored = res.reduce((a, r) => a + r.tokens, 0);
      console.log(
        `sequences ${String(sequences).padStart(2)}: generation+metrics ${(n / genS).toFixed(2)} examples/s (${(tokens / genS).toFixed(1)} generated tokens/s, ${n} examples, ${maxTokens} max tokens; score sum ${score.toFixed(2)})`,
      );
      console.log(
        `             log-likelihood ${(ll.length / llS).toFixed(2)} requests/s, ${(docs / llS).toFixed(2)} questions/s (${ll.length} requests, ${scored} continuation tokens, ${llS.toFixed(2)} s)`,
      );
      llSeconds.set(sequences, llS);
    } finally {
      await engine.close();
    }
  }
  console.log(`log-likelihood speed-up, ${s.sequences} sequences batched vs one-by-one: ${(llSeconds.get(1)! / llSeconds.get(s.sequences)!).toFixed(2)}x`);
}
