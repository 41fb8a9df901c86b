import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parityStep } from '../activities/eval/parity-step.js';
import type { ParityReport } from '../activities/eval/result.js';
import { QUANT_TYPES, quantizeFile, type QuantType } from '../activities/models/quantize.js';
import type { ArtifactRef } from '../core/artifacts/ref.js';
import { loadConfig } from '../core/config.js';
import { anyStep } from '../core/dsl/step-kind.js';
import { createLogger } from '../core/log.js';
import { runStepOnFiles } from '../core/stage/run-on-files.js';

/**
 * `npm run bench -- parity --reference <F16 gguf> --test <split jsonl> [--types Q8_0,Q6_K,Q5_K_M,Q4_K_M] [--limit 60] [--prompt chat-template] [--threads 0]`
 * Quantizes a trained model's F16 export to every offered type and runs the pipelines' own `parity`
 * step over them: each type's size and held-out perplexity against F16's, as docs/results.md shows
 * for the quickstart's model (its run folder holds `train-model.gguf` and `split-test.jsonl`).
 */
export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      reference: { type: 'string' },
      test: { type: 'string' },
      types: { type: 'string', default: QUANT_TYPES.filter((t) => t !== 'F16').join(',') },
      limit: { type: 'string', default: '60' },
      prompt: { type: 'string', default: 'chat-template' },
      threads: { type: 'string', default: '0' },
    },
  });
  if (!values.reference || !values.test) throw new Error('bench parity: --reference <F16 gguf> and --test <jsonl> are required');
  const types = values.types.split(',') as QuantType[];
  const unknown = types.filter((t) => !(QUANT_TYPES as readonly string[]).includes(t));
  if (unknown.length > 0) throw new Error(`bench parity: --types ${unknown.join(',')}: not one of ${QUANT_TYPES.join(', ')}`);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'forgeline-bench-parity-'));
  try {
    const threads = Number(values.threads);
    const files: string[] = [];
    for (const type of types) {
      const out = path.join(dir, `${type}.gguf`);
      await quantizeFile(values.reference, out, type, { threads });
      files.push(out);
    }
    const result = await runStepOnFiles(
      anyStep(parityStep),
      {
        inputs: { reference: values.reference, quantized: files, test: values.test },
        config: { prompt: values.prompt, limit: Number(values.limit), engine: { threads } },
      },
      loadConfig({ ...process.env, FORGELINE_HOME: path.join(dir, 'home') }),
      createLogger({ level: 'warn' }),
    );
    const report = JSON.parse(await fs.readFile(await result.store.localPath(result.outputs.report as ArtifactRef), 'utf8')) as ParityReport;
    console.log(`reference: ${values.reference}; ${report.examples} test examples, ${report.tokens} tokens; cores ${os.availableParallelism()}; load ${os.loadavg()[0]!.toFixed(2)}`);
    console.log('| type | size MiB | test perplexity | ratio to reference |');
    console.log('| --- | --- | --- | --- |');
    for (const r of report.rows) console.log(`| ${r.type} | ${(r.bytes / 2 ** 20).toFixed(1)} | ${r.perplexity.toFixed(4)} | ${r.ratioToReference.toFixed(4)} |`);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
