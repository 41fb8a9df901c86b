import { afterEach } from '@jest/globals';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generateStep } from '../../activities/generate/index.js';
import type { ArtifactRef } from '../../core/artifacts/ref.js';
import { loadConfig } from '../../core/config.js';
import type { StepContext } from '../../core/dsl/step-kind.js';
import { createLogger } from '../../core/log.js';
import { runStepOnFiles } from '../../core/stage/run-on-files.js';
import { classifyingReply, FakeAnthropic, type FakeOptions, type MessageBody } from '../support/fake-anthropic.js';

export async function tempHome(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'forgeline-gen-'));
}

export async function readJsonl<T = Record<string, unknown>>(file: string): Promise<T[]> {
  const text = await fs.readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as T);
}

export interface GenRun {
  records: Record<string, unknown>[];
  rejects: Array<{ line: number; reason: string; detail?: string; record: Record<string, unknown> }>;
  metadata: Record<string, unknown>;
  logs: string;
}

/** Runs the `generate` step on files, exactly as `forgeline stage generate` does. */
export async function generate(config: unknown, env: Record<string, string> = {}, opts: { home?: string; seeds?: string } = {}): Promise<GenRun> {
  const home = opts.home ?? (await tempHome());
  const logFile = path.join(home, 'log.txt');
  const log = createLogger({ level: 'debug', destination: logFile });
  const result = await runStepOnFiles(generateStep as never, { inputs: opts.seeds ? { seeds: opts.seeds } : {}, config }, loadConfig({ FORGELINE_HOME: home, ...env }), log);
  const outputs = result.outputs as Record<string, ArtifactRef>;
  log.flush();
  return {
    records: await readJsonl(await result.store.localPath(outputs.records!)),
    rejects: await readJsonl(await result.store.localPath(outputs.rejects!)),
    metadata: (result.metadata ?? {}) as Record<string, unknown>,
    logs: await fs.readFile(logFile, 'utf8').catch(() => ''),
  };
}

export function countBy<T>(items: T[], key: (t: T) => string): Record<string, number> {
  const m: Record<string, number> = {};
  for (const i of items) m[key(i)] = (m[key(i)] ?? 0) + 1;
  return m;
}

export type { StepContext };

export const FAKE_KEY = 'sk-ant-test-0123456789abcdef';

/** Starts a fake Anthropic API for one test; returns it and the environment that points the step at it. */
export async function startFake(o: Partial<FakeOptions> = {}): Promise<{ fake: FakeAnthropic; env: Record<string, string> }> {
  const fake = new FakeAnthropic({ reply: classifyingReply, apiKey: FAKE_KEY, ...o });
  const url = await fake.start();
  return { fake, env: { ANTHROPIC_API_KEY: FAKE_KEY, ANTHROPIC_BASE_URL: url } };
}

/**
 * `startFake` for a test file (or describe block): every fake it starts is stopped after its test.
 * Call it at the top level of the scope.
 */
export function useFakeAnthropic(): typeof startFake {
  const started: FakeAnthropic[] = [];
  afterEach(async () => {
    for (const fake of started.splice(0)) await fake.stop();
  });
  return async (o = {}) => {
    const s = await startFake(o);
    started.push(s.fake);
    return s;
  };
}

/** The `Task:` or TLP/classification family a request body asks for (as the fake saw it). */
export function taskOf(body: MessageBody): string {
  const user = body.messages.map((m) => m.content).join('\n');
  return /Task: (\w+)/.exec(user)?.[1] ?? (/correct level is TLP:/.test(user) ? 'tlp' : 'other');
}

/** Retry backoff short enough for tests (milliseconds). */
export const FAST_BACKOFF = { initialMs: 1, maxMs: 5, multiplier: 2 };

/** A TLP generate config against the Messages API; `extra.anthropic` merges into the provider block. */
export function tlpConfig(count: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    provider: 'anthropic',
    preset: 'tlp',
    count,
    maxTokens: 200,
    ...extra,
    anthropic: { mode: 'messages', concurrency: 3, backoff: FAST_BACKOFF, ...((extra.anthropic as object) ?? {}) },
  };
}
