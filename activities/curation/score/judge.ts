import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CuratedRecord } from '../../../schemas/records.js';

/**
 * The LLM-judge hook. A judge rates one record 0-10; providers (Claude, a local GGUF model) plug in
 * by registering a factory under a name, or by an ES module whose default export is the factory
 * (`judge: {module: "./my-judge.js"}`), which also works in worker threads.
 */
export interface JudgeRequest {
  id: string;
  format: string;
  prompt: string;
  response: string;
  record: CuratedRecord;
}

export interface JudgeVerdict {
  /** 0-10. */
  score: number;
  /** Short reason, kept in the rejects row (it must not quote the record). */
  rationale?: string;
}

export interface LlmJudge {
  judge(request: JudgeRequest): Promise<JudgeVerdict>;
  close?(): Promise<void>;
}

export type JudgeFactory = (options: Record<string, unknown>) => LlmJudge | Promise<LlmJudge>;

/** Built in: `local`, a GGUF model through llama.cpp (local-judge.ts), loaded only when a step asks for it. */
const registry = new Map<string, JudgeFactory>([['local', async (options) => (await import('./local-judge.js')).localJudge(options)]]);

export function registerJudge(name: string, factory: JudgeFactory): void {
  registry.set(name, factory);
}

export function registeredJudges(): string[] {
  return [...registry.keys()].sort();
}

export async function createJudge(spec: { provider?: string | undefined; module?: string | undefined; options: Record<string, unknown> }): Promise<LlmJudge> {
  if (spec.module) {
    const mod = (await import(pathToFileURL(path.resolve(spec.module)).href)) as { default?: JudgeFactory };
    if (typeof mod.default !== 'function') throw new Error(`judge module ${spec.module} has no default export factory`);
    return mod.default(spec.options);
  }
  const factory = spec.provider ? registry.get(spec.provider) : undefined;
  if (!factory) throw new Error(`no LLM judge "${spec.provider ?? ''}" is registered (registered: ${registeredJudges().join(', ') || 'none'})`);
  return factory(spec.options);
}
