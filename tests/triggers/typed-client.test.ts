import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import ts from 'typescript';
import { WorkflowNotFoundError } from '@temporalio/client';
import { testClient, useTestWorker } from '../support/harness.js';
import { DIST, REPO_ROOT } from '../support/paths.js';
import { diagnosticsOf as typecheck } from '../support/typecheck.js';
import { createForgelineClient, RunFailedError } from '../../core/client/typed.js';
import { isPipelineError } from '../../core/errors.js';
import type { RunState } from '../../core/workflow-safe/run-state.js';
import testChain from '../pipelines/test-chain.js';
import testFailures from '../pipelines/test-failures.js';
import { uniqueTag } from './support.js';

const TYPES_FILE = path.join(REPO_ROOT, 'tests/triggers/typed-client.types.ts');

const diagnosticsOf = (source?: string, file = TYPES_FILE): readonly ts.Diagnostic[] => typecheck(file, source);

describe('typed client at compile time', () => {
  test('the example script in docs/examples type-checks', () => {
    const example = path.join(REPO_ROOT, 'docs/examples/typed-client.ts');
    expect(diagnosticsOf(undefined, example).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
  });

  test('right params compile; each marked wrong call fails for its own reason once its marker is removed', () => {
    expect(diagnosticsOf().map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);

    const text = readFileSync(TYPES_FILE, 'utf8');
    const lines = text.split('\n');
    const expected = new Map<number, string>();
    lines.forEach((line, i) => {
      const m = /\/\/ @ts-expect-error \[(\w+)\]/.exec(line);
      if (m) expected.set(i + 1, m[1]!); // the call on the next line (0-based i + 1)
    });
    expect([...expected.values()]).toEqual(['number', 'unknown', 'required', 'pipeline', 'other', 'list']);
    const stripped = lines.map((l) => (l.includes('@ts-expect-error') ? '' : l)).join('\n');
    const errors = new Map<number, string>();
    for (const d of diagnosticsOf(stripped)) {
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start!);
      errors.set(line, `${errors.get(line) ?? ''} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
    }
    expect([...errors.keys()].sort((a, b) => a - b)).toEqual([...expected.keys()]);
    const why = (tag: string) => errors.get([...expected.entries()].find(([, t]) => t === tag)![0])!;
    expect(why('number')).toMatch(/'string' is not assignable to type 'number'/);
    expect(why('unknown')).toMatch(/'lenght' does not exist/);
    expect(why('required')).toMatch(/'input' is missing/);
    expect(why('pipeline')).toMatch(/"no-such-pipeline"/);
    expect(why('other')).toMatch(/'input' does not exist/);
    expect(why('list')).toMatch(/"no-such-pipeline"/);
  });
});

describe('typed client at run time', () => {
  const { env } = useTestWorker();
  let conn: Awaited<ReturnType<typeof testClient>>;

  beforeAll(async () => {
    conn = await testClient();
  });
  afterAll(async () => {
    await conn?.close();
  });

  const forgeline = () => createForgelineClient(conn.client, { 'test-chain': testChain, 'test-failures': testFailures });

  test('startPipeline, result, getRun and listRuns', async () => {
    const tag = uniqueTag();
    const run = await forgeline().startPipeline('test-chain', { length: 2, tag });
    expect(run.pipeline).toBe('test-chain');
    const result = await run.result();
    expect(result.status).toBe('succeeded');
    expect(result.steps.map((s) => [s.id, s.status])).toEqual([
      ['s0', 'succeeded'],
      ['s1', 'succeeded'],
    ]);
    const snap = await forgeline().getRun(run.runId);
    expect(snap.temporalStatus).toBe('COMPLETED');
    expect(snap.state?.pipeline).toBe('test-chain');
    expect((await forgeline().awaitResult(run.runId)).status).toBe('succeeded');
    const listed = await forgeline().listRuns({ pipeline: 'test-chain', limit: 500 });
    expect(listed.map((r) => r.runId)).toContain(run.runId);
    expect(listed.every((r) => r.pipeline === 'test-chain')).toBe(true);
  });

  test('a wrong param that slipped past the compiler is refused before a run exists', async () => {
    const runId = `typed-bad-${uniqueTag()}`;
    const params = { length: 'two', colour: 'red' } as unknown as { length: number };
    const err = await forgeline().startPipeline('test-chain', params, { runId }).catch((e: unknown) => e);
    expect(isPipelineError(err) && err.code).toBe('INVALID_PARAMS');
    expect((err as Error & { describe(): string }).describe()).toMatch(/params\.length[\s\S]*params\.colour/);
    await expect(conn.client.workflow.getHandle(runId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  test('cancel, and failed runs surface as RunFailedError', async () => {
    const slow = await forgeline().startPipeline('test-chain', { length: 1, ms: 60_000, tag: uniqueTag() });
    await forgeline().cancel(slow.runId);
    const cancelled = await slow.result().catch((e: unknown) => e);
    expect(cancelled).toBeInstanceOf(RunFailedError);
    expect((cancelled as RunFailedError).temporalStatus).toBe('CANCELLED');

    const broken = await forgeline().startPipeline('test-failures', { flakyFailures: 0, permanentFailure: true, siblingMs: 0, tag: uniqueTag() });
    const failed = await broken.result().catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(RunFailedError);
    expect((failed as RunFailedError).temporalStatus).toBe('FAILED');
    expect((failed as RunFailedError).message).toContain('planned permanent failure');
  });

  test('the example script in docs/examples runs as a script: it starts smoke, prints the result, and lists runs', async () => {
    // Run as users run it (node dist/docs/examples/typed-client.js), against this file's worker.
    const script = path.join(DIST, 'docs/examples/typed-client.js');
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [script], { env, cwd: REPO_ROOT, timeout: 120_000 });
    expect(stderr).toBe('');
    const lines = stdout.trimEnd().split('\n');
    const runId = /^started (smoke-\S+)$/.exec(lines[0]!)?.[1];
    expect(runId).toBeDefined();

    // What it printed is the run's real result: status, then one line per step.
    const state = (await conn.client.workflow.getHandle(runId!).result()) as RunState;
    expect(state.status).toBe('succeeded');
    expect(state.pipeline).toBe('smoke');
    expect(lines.slice(1, 2 + state.steps.length)).toEqual([`${runId}: succeeded`, ...state.steps.map((s) => `  ${s.id} (${s.kind}) succeeded`)]);
    expect(state.steps.map((s) => s.id)).toEqual(expect.arrayContaining(['load', 'filter', 'merge', 'pii', 'score', 'dataset-report']));
    // Then listRuns: at most 5 smoke runs (the server's visibility store may not list this one yet).
    const listed = lines.slice(2 + state.steps.length);
    expect(listed.length).toBeLessThanOrEqual(5);
    for (const line of listed) expect(line).toMatch(/^smoke-\S+ [A-Z_]+ (succeeded|skipped|rejected|failed|cancelled)? \d{4}-\d\d-\d\dT/);

    // A run started through the client names its pipeline in the Web UI: the Summary and the memo.
    const described = await conn.client.workflow.getHandle(runId!).describe();
    expect(await described.staticSummary()).toBe('pipeline smoke');
    expect(described.memo).toMatchObject({ pipeline: 'smoke' });
  });
});
