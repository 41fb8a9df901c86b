import path from 'node:path';
import type { ArtifactRef } from '../../core/artifacts/ref.js';
import type { StepContext } from '../../core/dsl/step-kind.js';
import { PipelineError } from '../../core/errors.js';
import { RecordsWriter, writeJsonArtifact } from '../../core/stage/records-io.js';
import { Budget, DEFAULT_PRICES, estimateTokens } from './budget.js';
import { tryParse, validateAgainst } from './checks/json.js';
import { DEFAULT_LABELS } from './families/classify.js';
import { PRESETS } from './families/index.js';
import { Journal, type JournalEntry } from './journal.js';
import { NoveltyPool } from './novelty.js';
import type { GenerateOptions } from './options.js';
import { digest, parseRequestId, planSlots, requestId } from './plan.js';
import type { BatchRecord, GenRequest, GenResult, Provider, ProviderIO } from './providers/types.js';
import { canonical, Rng } from './rng.js';
import type { Example, Family, PromptVars, Slot } from './types.js';

export interface EngineInput {
  ctx: StepContext;
  options: GenerateOptions;
  provider: Provider;
  families: Map<string, Family>;
  /** Seed examples for self-instruct prompts and the novelty pool. */
  seeds: Example[];
}

export interface EngineOutput {
  records: ArtifactRef;
  rejects: ArtifactRef;
  report: ArtifactRef;
  metadata: Record<string, unknown>;
}

interface Resolved {
  families: Record<string, number>;
  variants: Record<string, Record<string, number>>;
  labels: string[];
}

/** Which families, variants and labels the options ask for; unknown names are definition errors. */
export function resolvePlan(options: GenerateOptions, families: Map<string, Family>, provider: Provider['name']): Resolved {
  const weights = options.families ?? PRESETS[options.preset]!;
  const labels = options.labels ?? DEFAULT_LABELS;
  const issues: Array<{ path: string; message: string }> = [];
  const variants: Record<string, Record<string, number>> = {};
  for (const name of Object.keys(weights)) {
    const f = families.get(name);
    if (!f) {
      issues.push({ path: `options.families.${name}`, message: `unknown family; families: ${[...families.keys()].join(', ')}` });
      continue;
    }
    const own = name === 'text_classification' ? Object.fromEntries(labels.map((l) => [l, 1])) : f.variants;
    variants[name] = options.variants[name] ?? own;
    for (const v of Object.keys(variants[name])) {
      if (name !== 'text_classification' && !(v in f.variants)) issues.push({ path: `options.variants.${name}.${v}`, message: `unknown variant; variants: ${Object.keys(f.variants).join(', ')}` });
      if (name === 'text_classification' && !labels.includes(v)) issues.push({ path: `options.variants.${name}.${v}`, message: 'not in the label set' });
    }
    if (provider === 'template' && !f.template) issues.push({ path: `options.families.${name}`, message: 'this family needs an LLM provider (anthropic or local)' });
  }
  for (const name of Object.keys(options.variants)) if (!(name in weights)) issues.push({ path: `options.variants.${name}`, message: 'family not in the plan' });
  if (Object.values(weights).every((w) => w <= 0)) issues.push({ path: 'options.families', message: 'no family has a positive weight' });
  if (issues.length > 0) throw new PipelineError('INVALID_STEP_OPTIONS', 'invalid generate options', issues);
  return { families: weights, variants, labels };
}

const fill = (template: string, vars: PromptVars) => template.replace(/\{\{(\w+)\}\}/g, (_, k: string) => vars[k] ?? '');

function seedLines(seeds: Example[], rng: Rng, k: number): string {
  const clip = (v: unknown) => (typeof v === 'string' ? (v.length > 300 ? `${v.slice(0, 300)}...` : v) : '');
  return rng
    .sample(seeds, k)
    .map((s, i) => `${i + 1}. Instruction: ${clip(s.instruction)}${s.input ? `\n   Input: ${clip(s.input)}` : ''}\n   Output: ${clip(s.output)}`)
    .join('\n');
}

interface FamilyStats {
  planned: number;
  kept: number;
  rejected: Record<string, number>;
  retried: Record<string, number>;
  variants: Record<string, number>;
}

/**
 * Turns the plan into kept examples and rejects: rounds of requests for the slots still open, every
 * reply checked before it is kept, failed attempts retried up to `maxAttempts`, all of it journaled
 * so that a retried activity resumes exactly where the last one stopped.
 */
export async function runGeneration(input: EngineInput): Promise<EngineOutput> {
  const { ctx, options, provider, families, seeds } = input;
  const plan = resolvePlan(options, families, provider.name);
  const model = provider.model;
  const planKey = digest(canonical({ count: options.count, seed: options.seed, plan, provider: provider.name, model, mode: provider.priceFactor }));
  const slots = planSlots(options.count, plan.families, plan.variants, options.seed);
  const journalKey = digest(`${ctx.runId}\n${ctx.stepId}\n${planKey}`).slice(0, 32);
  const journal = await Journal.open(path.join(ctx.config.home, 'generate', journalKey));
  const price = options.prices[model] ?? DEFAULT_PRICES[model];
  const budget = new Budget(options.budget, provider.name === 'anthropic' ? price : undefined, provider.priceFactor);
  const noveltyFamilies = new Set(options.novelty.families);
  const pool = new NoveltyPool(options.novelty.threshold);
  for (const s of seeds) pool.add(`${String(s.instruction ?? '')} ${String(s.input ?? '')}`);
  if (plan.families.self_instruct && seeds.length === 0) {
    throw new PipelineError('INVALID_STEP_OPTIONS', 'self_instruct needs seed examples: connect the `seeds` input (records with instruction/input/output)', [{ path: 'inputs.seeds', message: 'missing or empty' }]);
  }

  // ---- replay what earlier attempts did ----
  const done = new Uint8Array(slots.length);
  const attempts = new Uint16Array(slots.length);
  const openBatches = new Map<string, BatchRecord>();
  let doneCount = 0;
  for await (const e of journal.entries()) {
    if (e.k === 'batch') openBatches.set(e.batchId, { batchId: e.batchId, ids: e.ids });
    else if (e.k === 'batch_done') openBatches.delete(e.batchId);
    else if (e.slot < slots.length && !done[e.slot]) {
      if (e.billed) budget.record(e.family, e.in, e.out);
      attempts[e.slot] = Math.max(attempts[e.slot]!, e.attempt + 1);
      if (e.k === 'kept' || e.final) {
        done[e.slot] = 1;
        doneCount++;
        const f = families.get(e.family);
        if (e.k === 'kept' && f?.noveltyText && noveltyFamilies.has(e.family)) pool.add(f.noveltyText(e.example));
      }
    }
  }
  const previous = ctx.previousProgress?.resume as { batchIds?: string[] } | undefined;
  for (const id of previous?.batchIds ?? []) if (!openBatches.has(id)) openBatches.set(id, { batchId: id, ids: [] });
  const resumed = { slotsDone: doneCount, batches: openBatches.size };
  if (doneCount > 0 || openBatches.size > 0) ctx.log.info(resumed, 'generate resumes from its journal');

  const beat = (message?: string) =>
    ctx.heartbeat({ done: doneCount, total: slots.length, unit: 'examples', ...(message ? { message } : {}), resume: { journal: journalKey, batchIds: [...openBatches.keys()] } });
  beat();

  // ---- one result ----
  const reservations = new Map<number, number>();
  let nextToken = 0;
  const record = async (slot: Slot, attempt: number, res: GenResult, outcome: { example?: Example; reason?: string; detail?: string }) => {
    const base = { slot: slot.index, attempt, family: slot.family, variant: slot.variant, in: res.inputTokens, out: res.outputTokens, billed: res.ok || res.billed };
    let entry: JournalEntry;
    if (outcome.reason) {
      const final = attempt + 1 >= options.maxAttempts;
      entry = { k: 'failed', ...base, reason: outcome.reason, detail: outcome.detail ?? '', final, ...(outcome.example ? { example: outcome.example } : {}) };
      attempts[slot.index] = attempt + 1;
      if (final) {
        done[slot.index] = 1;
        doneCount++;
      }
    } else {
      entry = { k: 'kept', ...base, example: outcome.example! };
      attempts[slot.index] = attempt + 1;
      done[slot.index] = 1;
      doneCount++;
    }
    await journal.append(entry);
  };

  const onResult = async (res: GenResult, token: number): Promise<void> => {
    const reserved = reservations.get(token);
    reservations.delete(token);
    const parsed = parseRequestId(res.id);
    const slot = parsed && parsed.planKey === planKey.slice(0, 12) ? slots[parsed.slot] : undefined;
    if (!slot || !parsed) {
      if (reserved !== undefined) budget.settle(reserved, 'unknown', res.inputTokens, res.outputTokens, res.ok || res.billed);
      ctx.log.warn({ id: res.id }, 'a result for an unknown request id was ignored');
      return;
    }
    const billed = res.ok || res.billed;
    if (reserved !== undefined) budget.settle(reserved, slot.family, res.inputTokens, res.outputTokens, billed);
    else if (billed) budget.record(slot.family, res.inputTokens, res.outputTokens);
    // A result for a slot already finished, or from an older attempt, is a duplicate: drop it.
    if (done[slot.index] || parsed.attempt !== attempts[slot.index]) return;
    const family = families.get(slot.family)!;
    if (!res.ok) {
      await record(slot, parsed.attempt, res, { reason: res.reason, detail: res.detail });
    } else {
      const reply = tryParse(res.text);
      if (!reply.ok || !reply.value || typeof reply.value !== 'object' || Array.isArray(reply.value)) {
        await record(slot, parsed.attempt, res, { reason: 'reply_not_json', detail: reply.ok ? 'the reply is not a JSON object' : reply.error });
      } else {
        const v = validateAgainst(family.replySchema(slot.variant, plan.labels), reply.value);
        if (!v.ok) await record(slot, parsed.attempt, res, { reason: 'reply_schema_mismatch', detail: v.error });
        else {
          let example = family.build(reply.value as Record<string, unknown>, slot);
          if (options.includeMeta) {
            const prompt = family.promptFor?.(slot.variant) ?? family.prompt;
            example = {
              id: `${planKey.slice(0, 12)}-${slot.index}`,
              ...example,
              meta: { family: slot.family, variant: slot.variant, provider: provider.name, model, prompt: `${prompt.id}@${prompt.version}` },
            };
          }
          let problem = await family.check(example, { labels: plan.labels, variant: slot.variant });
          if (!problem && family.noveltyText && noveltyFamilies.has(slot.family)) {
            const n = pool.check(family.noveltyText(example));
            if (!n.novel) problem = { reason: 'not_novel', detail: `ROUGE-L ${n.similarity.toFixed(3)} to a pooled example` };
          }
          if (problem) await record(slot, parsed.attempt, res, { reason: problem.reason, detail: problem.detail, example });
          else {
            await record(slot, parsed.attempt, res, { example });
            if (family.noveltyText && noveltyFamilies.has(slot.family)) pool.add(family.noveltyText(example));
          }
        }
      }
    }
    beat();
  };

  const io: ProviderIO = {
    signal: ctx.signal,
    admit(req) {
      const a = budget.admit(estimateTokens(req.system + req.user), req.maxTokens);
      if (!a.ok) return { ok: false };
      const token = nextToken++;
      reservations.set(token, a.reservedUsd);
      return { ok: true, token };
    },
    onResult,
    async onBatchCreated(b) {
      openBatches.set(b.batchId, b);
      await journal.append({ k: 'batch', batchId: b.batchId, ids: b.ids });
      await journal.sync();
      beat(`batch ${b.batchId} submitted (${b.ids.length} requests)`);
    },
    async onBatchConsumed(batchId) {
      openBatches.delete(batchId);
      await journal.append({ k: 'batch_done', batchId });
      await journal.sync();
      beat();
    },
    progress: (message) => beat(message),
  };

  const requestFor = (slot: Slot): GenRequest => {
    const attempt = attempts[slot.index]!;
    const family = families.get(slot.family)!;
    const vrng = new Rng(`v:${options.seed}:${slot.index}:${attempt}`);
    const vars = family.vars(slot, vrng, plan.labels);
    if (slot.family === 'self_instruct') vars.seeds = seedLines(seeds, vrng, options.novelty.seedsPerPrompt);
    const prompt = family.promptFor?.(slot.variant) ?? family.prompt;
    const tmpl = family.template;
    return {
      id: requestId(planKey, slot.index, attempt),
      family: slot.family,
      system: prompt.system,
      user: fill(prompt.user, vars),
      schema: family.replySchema(slot.variant, plan.labels),
      maxTokens: options.maxTokens,
      ...(tmpl ? { templateReply: () => tmpl(slot, new Rng(`t:${options.seed}:${slot.index}:${attempt}`), plan.labels) } : {}),
    };
  };

  // ---- run ----
  try {
    if (openBatches.size > 0 && provider.resume) await provider.resume([...openBatches.values()], io);
    for (let round = 0; round < options.maxAttempts + 1 && !budget.stoppedBy; round++) {
      const pending = slots.filter((s) => !done[s.index]);
      if (pending.length === 0) break;
      const before = doneCount;
      const attemptsBefore = attempts.reduce((a, b) => a + b, 0);
      await provider.run(pending.map(requestFor), io);
      if (doneCount === before && attempts.reduce((a, b) => a + b, 0) === attemptsBefore) break;
    }
    await journal.sync();
  } finally {
    await journal.close();
  }

  // ---- write the outputs from the journal: one row per slot, first verdict wins ----
  const out = await RecordsWriter.open(ctx.store);
  const rej = await RecordsWriter.open(ctx.store);
  const written = new Uint8Array(slots.length);
  const stats: Record<string, FamilyStats> = {};
  for (const [f, n] of Object.entries(countBy(slots))) stats[f] = { planned: n, kept: 0, rejected: {}, retried: {}, variants: {} };
  const dropped: Record<string, number> = {};
  try {
    for await (const e of journal.entries()) {
      if (e.k !== 'kept' && e.k !== 'failed') continue;
      if (e.slot >= slots.length || written[e.slot]) continue;
      const s = stats[e.family]!;
      if (e.k === 'kept') {
        written[e.slot] = 1;
        s.kept++;
        s.variants[e.variant] = (s.variants[e.variant] ?? 0) + 1;
        await out.write(e.example);
      } else if (e.final) {
        written[e.slot] = 1;
        s.rejected[e.reason] = (s.rejected[e.reason] ?? 0) + 1;
        dropped[e.reason] = (dropped[e.reason] ?? 0) + 1;
        await rej.write({ line: e.slot + 1, source: `generate:${e.family}/${e.variant}`, reason: e.reason, detail: e.detail, record: e.example ?? { family: e.family, variant: e.variant } });
      } else {
        s.retried[e.reason] = (s.retried[e.reason] ?? 0) + 1;
      }
    }
  } catch (err) {
    await out.abort();
    await rej.abort();
    throw err;
  }
  const kept = out.count;
  const rejected = rej.count;
  const records = await out.commit('generated-example');
  const rejects = await rej.commit('reject');
  const usage = budget.snapshot();
  const metadata: Record<string, unknown> = {
    total: slots.length,
    kept,
    rejected,
    unfinished: slots.length - kept - rejected,
    dropped,
    families: stats,
    usage,
    stoppedBy: usage.stoppedBy,
    provider: provider.name,
    model,
    priceFactor: provider.priceFactor,
    resumed,
    httpRetries: (provider as { httpRetries?: number }).httpRetries ?? 0,
  };
  const report = await writeJsonArtifact(ctx.store, metadata, 'report', 'generate-report');
  // A run stopped by its budget keeps its journal: rerun with a larger budget to continue, paying only for the rest.
  if (!usage.stoppedBy) await journal.remove();
  return { records, rejects, report, metadata };
}

function countBy(slots: Slot[]): Record<string, number> {
  const m: Record<string, number> = {};
  for (const s of slots) m[s.family] = (m[s.family] ?? 0) + 1;
  return m;
}
