import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { awaitRun, startRun } from '../../core/client/runs.js';
import { TEMPORAL_CACHE_DIR } from '../../core/temporal/binary.js';
import { CPU_QUEUE, WORKFLOW_TYPE } from '../../core/workflow-safe/queues.js';
import { cli, services, testClient, testNamespace, useTestWorker } from '../support/harness.js';

const run = promisify(execFile);

interface RunJson {
  runId: string;
  status: string;
  error?: string;
  steps: { id: string; kind: string; status: string; outputs: Record<string, { sha256: string; records?: number }> }[];
}

const { env } = useTestWorker();

describe('smoke pipeline on a real Temporal dev server', () => {
  it('runs end-to-end through the CLI with --wait --json', async () => {
    const res = await cli(['run', 'smoke', '--wait', '--json'], env);
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout) as RunJson;
    expect(out.status).toBe('succeeded');
    expect(out.steps.length).toBeGreaterThanOrEqual(5);
    for (const s of out.steps) expect(['succeeded', 'cached']).toContain(s.status);
    const load = out.steps.find((s) => s.id === 'load')!;
    expect(load.outputs.records!.records).toBe(40);
    // The length filter drops the "ok" outputs (every 7th record), and the fan-in adds both branches.
    const merge = out.steps.find((s) => s.id === 'merge')!;
    expect(merge.outputs.records!.records).toBe(40 - 6 + 40);
  });

  it('runs through the client API', async () => {
    const { client, close } = await testClient();
    try {
      const runId = await startRun(client, { pipeline: 'smoke', params: { minChars: 1 } });
      const final = await awaitRun(client, runId);
      expect(final.temporalStatus).toBe('COMPLETED');
      expect(final.state?.steps.find((s) => s.id === 'merge')?.outputs.records?.records).toBe(80);
    } finally {
      await close();
    }
  });

  it('starts by workflow type with one JSON input from the official temporal CLI', async () => {
    const temporal = process.env.FORGELINE_TEMPORAL_BIN ?? path.join(TEMPORAL_CACHE_DIR, 'temporal');
    const common = ['--address', services().temporalAddress, '--namespace', testNamespace()];
    const id = `cli-start-${Date.now()}`;
    await run(temporal, ['workflow', 'start', '--type', WORKFLOW_TYPE, '--task-queue', CPU_QUEUE, '--workflow-id', id, '--input', '{"pipeline":"smoke","params":{"minChars":3}}', ...common]);
    const { stdout } = await run(temporal, ['workflow', 'result', '--workflow-id', id, '--output', 'json', ...common]);
    const result = JSON.parse(stdout) as { status: string; result: { status: string; steps: unknown[] } };
    expect(result.status).toBe('COMPLETED');
    expect(result.result.status).toBe('succeeded');
  });

  it('fails at once, non-retryable, naming every invalid param', async () => {
    const res = await cli(['run', 'smoke', '--wait', '--json', '--params', '{"minChars":"eight","colour":"red"}'], env);
    expect(res.code).toBe(1);
    const out = JSON.parse(res.stdout) as RunJson;
    expect(out.status).toBe('failed');
    expect(out.error).toContain('params.minChars');
    expect(out.error).toContain('params.colour');
    expect(out.steps).toEqual([]);
  });

  it('rejects an unknown pipeline with the known names', async () => {
    const res = await cli(['run', 'no-such-pipeline', '--wait', '--json'], env);
    expect(res.code).toBe(1);
    expect((JSON.parse(res.stdout) as RunJson).error).toMatch(/unknown pipeline "no-such-pipeline" \(known: .*smoke/);
  });

  it('lists runs, shows a status table, and prints pipelines with JSON Schemas', async () => {
    const listed = await cli(['list', '--json'], env);
    expect(listed.code).toBe(0);
    const rows = JSON.parse(listed.stdout) as { runId: string; pipeline: string }[];
    expect(rows.some((r) => r.pipeline === 'smoke')).toBe(true);
    const status = await cli(['status', rows[0]!.runId], env);
    expect(status.stdout).toMatch(/STEP\s+KIND\s+STATUS/);
    const pipelines = await cli(['pipelines', '--json'], env);
    const list = JSON.parse(pipelines.stdout) as { name: string; params: { properties: Record<string, unknown> } }[];
    expect(list.find((p) => p.name === 'smoke')?.params.properties).toHaveProperty('minChars');
  });

  it('prints one clear line for a CLI error and the stack only with --verbose', async () => {
    const bad = await cli(['run', 'smoke', '--params', '{not json'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('--params');
    const verbose = await cli(['run', 'smoke', '--params', '{not json', '--verbose'], env);
    expect(verbose.stderr).toMatch(/\n\s+at /);
  });
});
