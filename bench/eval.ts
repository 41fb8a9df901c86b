import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { mcRequests, type McDoc } from '../activities/eval/benchmarks/multiple-choice.js';
import { LlamaEngine } from '../activities/eval/llm/engine.js';
import { exactMatch, rougeL } from '../activities/eval/metrics/text.js';
import { jsonValid } from '../activities/eval/metrics/json.js';
import { buildTinyModel } from '../activities/models/tiny-model.js';

/**
 * `npm run bench -- eval [--examples 32 --mc-docs 32 --choices 4 --max-tokens 16 --sequences 8 --threads 2]`
 * On the tiny model (built here): examples/s of generation + metrics on instruction prompts, and
 * requests/s of log-likelihood scoring one-by-one (1 sequence) vs batched (N sequences sharing each
 * llama.cpp decode batch), with the speed-up. Same requests, same model, same machine.
 */
export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      examples: { type: 'string', default: '32' },
      'mc-docs': { type: 'string', default: '32' },
      choices: { type: 'string', default: '4' },
      'max-tokens': { type: 'string', default: '16' },
      sequences: { type: 'string', default: '8' },
      threads: { type: 'string', default: '2' },
      ctx: { type: 'string', default: '512' },
    },
  });
  const n = Number(values.examples);
  const docs = Number(values['mc-docs']);
  const choices = Number(values.choices);
  const maxTokens = Number(values['max-tokens']);
  const seqs = Number(values.sequences);
  const threads = Number(values.threads);
  const contextSize = Number(values.ctx);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'forgeline-bench-eval-'));
  try {
    const model = path.join(dir, 'tiny.gguf');
    const info = await buildTinyModel(model);
    console.log(`model: tiny llama, ${info.parameters} parameters, vocabulary ${info.vocabSize}; ${os.cpus().length} CPUs, threads ${threads}`);

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

    for (const sequences of [1, seqs]) {
      const engine = await LlamaEngine.open(model, { sequences, contextSize, threads, gpu: false });
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
        const tokens = gens.reduce((s, g) => s + g.tokens, 0);

        t0 = performance.now();
        const res = await engine.loglik(ll);
        const llS = (performance.now() - t0) / 1000;
        const scored = res.reduce((s, r) => s + r.tokens, 0);
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
    console.log(`log-likelihood speed-up, ${seqs} sequences batched vs one-by-one: ${(llSeconds.get(1)! / llSeconds.get(seqs)!).toFixed(2)}x`);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
