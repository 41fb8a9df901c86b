import fs from 'node:fs/promises';
import path from 'node:path';
import { defaultBaseModelPath, ensureEmbeddedBaseModel, isEmbeddedBaseModel } from '../models/base-model.js';
import { defineStep, MODEL_SILENCE_MS } from '../../core/dsl/step-kind.js';
import { PipelineError } from '../../core/errors.js';
import { readRecords } from '../../core/stage/records-io.js';
import { builtinCypherChecker, neo4jCypherChecker } from './checks/cypher.js';
import { runGeneration } from './engine.js';
import { allFamilies } from './families/index.js';
import { generateOptions, type GenerateOptions } from './options.js';
import { AnthropicProvider } from './providers/anthropic.js';
import { LocalProvider, type LocalOptions } from './providers/local.js';
import { TemplateProvider } from './providers/template.js';
import type { Provider } from './providers/types.js';
import type { StepContext } from '../../core/dsl/step-kind.js';
import type { Example } from './types.js';

/** Seeds beyond this are not read: a self-instruct pool of seed tasks is small by nature. */
const MAX_SEEDS = 10_000;

/** The local provider's options with their defaults; the model defaults to the base model a pipeline starts from. */
function localOptions(o: GenerateOptions): LocalOptions {
  const local = o.local ?? generateOptions.shape.local.unwrap().parse({});
  return { ...local, modelPath: path.resolve(local.modelPath ?? defaultBaseModelPath()) };
}

function makeProvider(ctx: StepContext, o: GenerateOptions): Provider {
  if (o.provider === 'template') return new TemplateProvider();
  if (o.provider === 'local') return new LocalProvider(localOptions(o), ctx.log, o.seed, ctx.hardware.gpu);
  const apiKey = ctx.config.anthropicApiKey;
  if (!apiKey) throw new PipelineError('CONFIG', 'provider "anthropic" needs ANTHROPIC_API_KEY in the environment', [{ path: 'env.ANTHROPIC_API_KEY', message: 'not set' }]);
  const a = o.anthropic;
  const mode = a.mode === 'auto' ? (o.count >= a.batchThreshold ? 'batch' : 'messages') : a.mode;
  return new AnthropicProvider(
    {
      apiKey,
      baseURL: ctx.config.anthropicBaseUrl,
      model: a.model,
      mode,
      concurrency: a.concurrency,
      requestTimeoutMs: a.requestTimeoutMs,
      maxHttpRetries: a.maxHttpRetries,
      backoff: a.backoff,
      batchSize: a.batchSize,
      pollIntervalMs: a.pollIntervalMs,
    },
    ctx.log,
  );
}

/**
 * `generate`: task definitions in, checked training examples out. Providers: `template`
 * (deterministic, exact coverage), `anthropic` (Messages or Message Batches), `local` (a GGUF model
 * through node-llama-cpp with a JSON-schema grammar). See docs/generation.md.
 */
export const generateStep = defineStep({
  kind: 'generate',
  description: 'Generate checked training examples from task families (templates, Claude, or a local GGUF model)',
  module: import.meta.url,
  paths: { 'local.modelPath': 'read' },
  inputs: { seeds: { kind: 'records', optional: true } },
  outputs: { records: 'records', rejects: 'records', report: 'report' },
  options: generateOptions,
  cli: { in: 'seeds', out: 'records', rejects: 'rejects' },
  retry: { maximumAttempts: 5 },
  timeouts: { heartbeatMs: 30_000 },
  silenceMs: MODEL_SILENCE_MS,
  // A local model is part of what the step computes from: its path, size and modification time (as
  // load-model fingerprints it), so pointing FORGELINE_BASE_MODEL elsewhere is a cache miss.
  async fingerprint(o) {
    if (o.provider !== 'local') return '';
    const file = localOptions(o).modelPath;
    const st = await fs.stat(file).catch(() => undefined);
    return st ? `${file}:${st.size}:${st.mtimeMs}` : `${file}:missing`;
  },
  async run(ctx, inputs, options) {
    const seeds: Example[] = [];
    if (inputs.seeds) {
      for await (const { value } of readRecords<Example>(ctx.store, inputs.seeds)) {
        if (typeof value.instruction === 'string' && value.instruction.trim()) seeds.push(value);
        if (seeds.length >= MAX_SEEDS) break;
      }
    }
    if (options.provider === 'local' && isEmbeddedBaseModel(localOptions(options).modelPath)) await ensureEmbeddedBaseModel((message) => ctx.heartbeat({ message }));
    const provider = makeProvider(ctx, options);
    try {
      const checker = options.cypherParser === 'neo4j' ? neo4jCypherChecker : builtinCypherChecker;
      const r = await runGeneration({ ctx, options, provider, families: allFamilies(checker), seeds });
      return { outputs: { records: r.records, rejects: r.rejects, report: r.report }, metadata: r.metadata };
    } finally {
      await provider.close();
    }
  },
});
