import path from 'node:path';
import { z } from 'zod';
import { createLogger } from '../../../core/log.js';
import { defaultBaseModelPath, ensureEmbeddedBaseModel, isEmbeddedBaseModel } from '../../models/base-model.js';
import { LocalProvider } from '../../generate/providers/local.js';
import type { JudgeFactory, JudgeVerdict, LlmJudge } from './judge.js';

/**
 * The built-in `local` judge: a GGUF model (by default the base model a pipeline starts from, the
 * embedded SmolLM2-135M-Instruct) rates each record 0-10 through the local generation provider's
 * llama.cpp session, with a JSON-schema grammar, so every reply parses and the score is one of the
 * eleven allowed values. Greedy decoding: the same record gets the same score.
 */
export const localJudgeOptions = z
  .object({
    modelPath: z.string().min(1).optional().describe('GGUF file; default FORGELINE_BASE_MODEL, else the embedded SmolLM2-135M-Instruct'),
    gpu: z.enum(['auto', 'cpu']).default('auto'),
    sequences: z.number().int().positive().max(16).default(2).describe('records judged side by side in one context'),
    contextSize: z.number().int().positive().default(4096).describe('shared by the sequences'),
    threads: z.number().int().nonnegative().default(0).describe("0: one thread per CPU core (node-llama-cpp's cpuMathCores)"),
    maxChars: z.number().int().positive().default(1500).describe('prompt and response are each cut to this many characters'),
  })
  .strict();

const SYSTEM =
  'You grade answers. Read the instruction and the answer, then rate the answer from 0 to 10: ' +
  '0 for nonsense, an empty or off-topic answer, 5 for a partly correct one, 10 for a correct, complete answer. ' +
  'Reply with JSON: the score, then a short reason.';

const VERDICT_SCHEMA = {
  type: 'object',
  properties: {
    score: { enum: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10] },
    reason: { type: 'string', maxLength: 120 },
  },
  required: ['score', 'reason'],
  additionalProperties: false,
};

export const localJudge: JudgeFactory = async (raw) => {
  const o = localJudgeOptions.parse(raw);
  const modelPath = path.resolve(o.modelPath ?? defaultBaseModelPath());
  if (isEmbeddedBaseModel(modelPath)) await ensureEmbeddedBaseModel();
  const provider = new LocalProvider(
    { modelPath, gpu: o.gpu, sequences: o.sequences, contextSize: o.contextSize, temperature: 0, threads: o.threads, maxStringChars: 120 },
    createLogger({ name: 'local-judge', level: 'warn' }),
  );
  const cut = (s: string): string => (s.length > o.maxChars ? `${s.slice(0, o.maxChars)}…` : s);
  const judge: LlmJudge = {
    async judge(req): Promise<JudgeVerdict> {
      const result = await provider.complete({
        id: req.id,
        family: 'judge',
        system: SYSTEM,
        user: `Instruction:\n${cut(req.prompt)}\n\nAnswer:\n${cut(req.response)}`,
        schema: VERDICT_SCHEMA,
        maxTokens: 96,
      });
      // A judge that cannot answer is a failed step, not a silent 0: the score would gate records.
      if (!result.ok) throw new Error(`the local judge (${modelPath}) failed on record ${req.id}: ${result.reason}: ${result.detail}`);
      const verdict = JSON.parse(result.text) as { score: number; reason: string };
      return { score: verdict.score, rationale: verdict.reason };
    },
    close: () => provider.close(),
  };
  return judge;
};
