import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateStep } from '../activities/generate/index.js';
import { buildTinyModel } from '../activities/models/tiny-model.js';
import { loadConfig } from '../core/config.js';
import { createLogger } from '../core/log.js';
import { runStepOnFiles } from '../core/stage/run-on-files.js';

/**
 * `npm run bench -- generate [--model file.gguf] [--count 24] [--sequences 1,4] [--threads 1] [--gpu auto|cpu]
 *  [--max-string 24] [--template-count 20000]`
 * Local generation throughput through node-llama-cpp (output tokens/s, one sequence vs batched
 * sequences in one context), and the template provider's examples/s. Without --model, the tiny
 * random-weight GGUF is built first.
 */
export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      model: { type: 'string' },
      count: { type: 'string', default: '24' },
      sequences: { type: 'string', default: '1,4' },
      threads: { type: 'string', default: '1' },
      gpu: { type: 'string', default: 'cpu' },
      'max-string': { type: 'string', default: '24' },
      'template-count': { type: 'string', default: '20000' },
      preset: { type: 'string', default: 'tlp' },
    },
  });
  const home = await fs.mkdtemp(path.join(os.tmpdir(), 'forgeline-bench-gen-'));
  const config = loadConfig({ FORGELINE_HOME: home });
  const log = createLogger({ level: 'warn' });
  const step = (options: unknown) => runStepOnFiles(generateStep as never, { inputs: {}, config: options }, config, log);

  const tc = Number(values['template-count']);
  let t = performance.now();
  await step({ provider: 'template', preset: 'json-expert', count: tc });
  const tj = (performance.now() - t) / 1000;
  console.log(`template json-expert: ${tc} examples in ${tj.toFixed(2)} s = ${Math.round(tc / tj)} examples/s (checks included)`);
  t = performance.now();
  await step({ provider: 'template', preset: 'cypher', count: tc });
  const tcy = (performance.now() - t) / 1000;
  console.log(`template cypher:      ${tc} examples in ${tcy.toFixed(2)} s = ${Math.round(tc / tcy)} examples/s (Cypher parse included)`);

  let model = values.model;
  if (!model) {
    model = path.join(home, 'tiny.gguf');
    await buildTinyModel(model);
    console.log(`model: tiny random-weight GGUF (${model})`);
  } else console.log(`model: ${model}`);
  const count = Number(values.count);
  console.log(`local ${values.preset}, ${count} requests, threads ${values.threads}, gpu ${values.gpu}, strings <= ${values['max-string']} chars`);
  console.log('sequences | wall s | output tokens | tokens/s | kept | rejected');
  for (const seq of values.sequences.split(',').map(Number)) {
    t = performance.now();
    const r = await step({
      provider: 'local',
      preset: values.preset,
      count,
      maxAttempts: 1,
      maxTokens: 1024,
      seed: seq,
      local: { modelPath: model, gpu: values.gpu, sequences: seq, contextSize: 1024 * seq, threads: Number(values.threads), maxStringChars: Number(values['max-string']) },
    });
    const wall = (performance.now() - t) / 1000;
    const m = r.metadata as { kept: number; rejected: number; usage: { total: { outputTokens: number } } };
    const tok = m.usage.total.outputTokens;
    console.log(`${String(seq).padStart(9)} | ${wall.toFixed(1).padStart(6)} | ${String(tok).padStart(13)} | ${(tok / wall).toFixed(1).padStart(8)} | ${String(m.kept).padStart(4)} | ${m.rejected}`);
  }
  console.log('(wall time includes loading the model in a child process, once per row)');
  await fs.rm(home, { recursive: true, force: true });
}
