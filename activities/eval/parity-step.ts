import { z } from 'zod';
import type { ArtifactRef } from '../../core/artifacts/ref.js';
import { defineStep, MODEL_SILENCE_MS } from '../../core/dsl/step-kind.js';
import { PipelineError } from '../../core/errors.js';
import { readRecords, writeJsonArtifact } from '../../core/stage/records-io.js';
import { ggufType } from './gguf-type.js';
import { engineOptionsOf, LlamaEngine } from './llm/engine.js';
import { corpusPerplexity } from './metrics/perplexity.js';
import { evaluateOptions } from './options.js';
import type { ParityReport, ParityRow } from './result.js';
import { requireChatTemplate } from '../prompts/chat-template.js';
import { toExample, type Example } from './tasks/examples.js';
import { perplexityDocs } from './tasks/perplexity.js';

const engineOptions = evaluateOptions.shape.engine;

/**
 * `parity`: what quantization costs. Test perplexity of the reference model (the unquantized F16 or
 * F32 export) and of each quantized file, on the same held-out examples rendered as the evaluation
 * renders them, with each file's size and its perplexity as a ratio to the reference's (1 = no
 * loss; llama.cpp's Q8_0 is typically within a percent, Q4_K_M a few percent on real models).
 */
export const parityStep = defineStep({
  kind: 'parity',
  description: 'Quantization parity: test perplexity of the reference model and of each quantized file, on the same held-out text',
  module: import.meta.url,
  profile: 'gpu',
  inputs: {
    reference: { kind: 'model' },
    quantized: { kind: 'model', many: true },
    test: { kind: 'records' },
  },
  outputs: { report: 'report' },
  options: z
    .object({
      /** Prompt template; the evaluation's default (tasks/examples.ts) when absent. */
      template: z.string().optional(),
      /** `chat-template`: prompts in the reference model's own chat template, as evaluate's `test.prompt`. */
      prompt: z.enum(['instruction', 'chat-template']).default('instruction'),
      limit: z.number().int().positive().optional(),
      engine: engineOptions,
    })
    .strict(),
  timeouts: { heartbeatMs: 60_000 },
  silenceMs: MODEL_SILENCE_MS,
  async run(ctx, inputs, options) {
    const examples: Example[] = [];
    const chat = options.prompt === 'chat-template' ? await requireChatTemplate(await ctx.store.localPath(inputs.reference), 'parity', 'options.prompt') : undefined;
    for await (const { value } of readRecords(ctx.store, inputs.test)) {
      const r = toExample(value, options.template, chat);
      if (r.ok) examples.push(r.example);
      if (options.limit !== undefined && examples.length >= options.limit) break;
    }
    if (examples.length === 0) {
      throw new PipelineError('INVALID_INPUT_DATA', 'parity: the test split has no example to score (records need a reference answer or a text)', [
        { path: 'inputs.test', message: 'no scorable record' },
      ]);
    }
    const models = [{ role: 'reference' as const, ref: inputs.reference }, ...inputs.quantized.map((ref) => ({ role: 'quantized' as const, ref }))];
    const scored: { ref: ArtifactRef; type: string; role: 'reference' | 'quantized'; perplexity: number; tokens: number }[] = [];
    for (const [i, { role, ref }] of models.entries()) {
      const file = await ctx.store.localPath(ref);
      const type = await ggufType(file);
      ctx.heartbeat({ done: i, total: models.length, unit: 'models', message: `parity: ${role} ${type}` });
      const engine = await LlamaEngine.open(file, {
        ...engineOptionsOf(options.engine),
        specialTokens: options.prompt === 'chat-template',
        signal: ctx.signal,
        hardware: ctx.hardware,
      });
      try {
        const p = corpusPerplexity(await perplexityDocs(engine, examples, ''));
        scored.push({ ref, type, role, perplexity: p.perplexity, tokens: p.tokens });
      } finally {
        await engine.close();
      }
    }
    const reference = scored[0]!;
    const rows: ParityRow[] = scored.map((s) => ({
      model: s.role === 'reference' ? 'reference' : labelOf(s, scored),
      type: s.type,
      bytes: s.ref.bytes,
      sha256: s.ref.sha256,
      perplexity: s.perplexity,
      ratioToReference: s.perplexity / reference.perplexity,
    }));
    const report: ParityReport = { schema: 'parity', version: 1, examples: examples.length, tokens: reference.tokens, rows };
    const ref = await writeJsonArtifact(ctx.store, report, 'report', 'parity');
    return {
      outputs: { report: ref },
      // The rows are digests and numbers, small enough for the run's result (and the run report reads them there).
      metadata: { examples: examples.length, parity: rows },
    };
  },
});

/** A quantized file's name in the table: its type, with a digest prefix when two files share one. */
function labelOf(s: { type: string; ref: ArtifactRef }, all: readonly { type: string; role: string }[]): string {
  const same = all.filter((x) => x.role === 'quantized' && x.type === s.type).length;
  return same > 1 ? `${s.type} ${s.ref.sha256.slice(0, 8)}` : s.type;
}
