import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { quantizeFile, type QuantType } from '../activities/models/quantize.js';
import { buildTinyModel } from '../activities/models/tiny-model.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const LLAMA_QUANTIZE = [process.env.FORGELINE_LLAMA_QUANTIZE, path.join(REPO, '.cache/llama.cpp-build/bin/llama-quantize')].filter(Boolean) as string[];

/**
 * `npm run bench -- quantize [--embedding 1024 --layers 2 --ff 3072 --types Q8_0,Q4_K_M --threads 2 --runs 1]`
 * Quantizes a random F32 llama model (>= 100 MB at the defaults) through Forgeline (libllama's
 * llama_model_quantize via koffi in a child process) and, in the same run, with llama.cpp's own
 * `llama-quantize` built from the source bundled in node-llama-cpp, where that binary exists
 * (FORGELINE_LLAMA_QUANTIZE, or .cache/llama.cpp-build/bin/llama-quantize; see docs/training.md).
 */
export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      embedding: { type: 'string', default: '1024' },
      layers: { type: 'string', default: '2' },
      ff: { type: 'string', default: '3072' },
      types: { type: 'string', default: 'Q8_0,Q4_K_M' },
      threads: { type: 'string', default: '2' },
      runs: { type: 'string', default: '1' },
    },
  });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'forgeline-bench-quant-'));
  try {
    const src = path.join(dir, 'model-f32.gguf');
    const info = await buildTinyModel(src, { embedding: Number(values.embedding), layers: Number(values.layers), feedForward: Number(values.ff), heads: Number(values.embedding) / 64 });
    const bytes = (await fs.stat(src)).size;
    console.log(`model: ${info.parameters.toLocaleString()} parameters, ${(bytes / 2 ** 20).toFixed(1)} MiB F32; threads ${values.threads}; cores ${os.availableParallelism()}; load ${os.loadavg()[0]!.toFixed(1)}`);
    const reference = LLAMA_QUANTIZE.find((p) => existsSync(p));
    const rows: string[] = ['| type | forgeline ms (child, incl. start) | llama_model_quantize ms (in child) | llama-quantize ms | ratio forgeline/llama-quantize | size MiB |', '| --- | --- | --- | --- | --- | --- |'];
    for (const type of values.types.split(',') as QuantType[]) {
      for (let r = 0; r < Number(values.runs); r++) {
        const out = path.join(dir, `f-${type}.gguf`);
        const t0 = performance.now();
        const res = await quantizeFile(src, out, type, { threads: Number(values.threads) });
        const wall = performance.now() - t0;
        const size = (await fs.stat(out)).size;
        await fs.rm(out);
        let refMs = NaN;
        if (reference) {
          const refOut = path.join(dir, `r-${type}.gguf`);
          const t1 = performance.now();
          const p = spawnSync(reference, [src, refOut, type, values.threads], { stdio: 'ignore' });
          refMs = performance.now() - t1;
          if (p.status !== 0) refMs = NaN;
          await fs.rm(refOut, { force: true });
        }
        rows.push(`| ${type} | ${wall.toFixed(0)} | ${res.ms.toFixed(0)} | ${reference ? refMs.toFixed(0) : 'n/a (not built)'} | ${reference ? (wall / refMs).toFixed(2) : '-'} | ${(size / 2 ** 20).toFixed(1)} |`);
      }
    }
    console.log(rows.join('\n'));
    if (!reference) console.log('llama-quantize not found: build it with scripts in docs/training.md#benchmarks to compare in the same run');
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
