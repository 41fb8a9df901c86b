import { describe, expect, it } from '@jest/globals';
import { readFileSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createReportActivities } from '../../activities/report/index.js';
import { getRun } from '../../core/client/runs.js';
import { loadConfig } from '../../core/config.js';
import type { RunState } from '../../core/workflow-safe/run-state.js';
import { createActivityDeps } from '../../workers/deps.js';
import { cli, testClient, useTestWorker } from '../support/harness.js';

const t = useTestWorker();

interface Ran {
  runId: string;
  code: number;
  stdout: string;
  state: RunState;
  /** The run folder's report.html, as `run --wait` printed it. */
  report: string;
  html: string;
}

/** `forgeline run <pipeline> --wait` as a user runs it, then the run's final state from the server. */
async function runToEnd(pipeline: string, params: Record<string, unknown> = {}): Promise<Ran> {
  const res = await cli(['run', pipeline, '--wait', '--params', JSON.stringify(params)], t.env);
  expect(res.stderr).toBe('');
  const runId = new RegExp(`^(${pipeline}-\\S+): `, 'm').exec(res.stdout)![1]!;
  const report = /^report: (\S+)$/m.exec(res.stdout)?.[1];
  expect(report).toBe(path.join(t.env.FORGELINE_HOME!, 'runs', runId, 'report.html'));
  const { client, close } = await testClient(t.env);
  const state = (await getRun(client, runId).finally(close)).state!;
  return { runId, code: res.code, stdout: res.stdout, state, report: report!, html: readFileSync(report!, 'utf8') };
}

const badge = (status: string): string => `status <span class="badge status">${status}</span>`;

describe('the run report: written when every run ends, with its final status', () => {
  let smoke: Ran;

  it('a pipeline without a report step (smoke) gets one, saying succeeded, with every step', async () => {
    smoke = await runToEnd('smoke');
    expect(smoke.code).toBe(0);
    expect(smoke.state.status).toBe('succeeded');
    expect(smoke.html).toContain(badge('succeeded'));
    expect(smoke.html).not.toContain(badge('running'));
    for (const s of smoke.state.steps) expect(smoke.html).toContain(`<td class="l">${s.id}</td>`);
    // Sections come from the steps' metadata even with no report step: smoke's score step.
    expect(smoke.html).toContain('data-chart="quality"');
    // Every rejects output is listed under its run-folder name, with its count: filter-length set
    // aside the short outputs.
    const filter = smoke.state.steps.find((s) => s.id === 'filter')!;
    expect(filter.outputs.rejects!.records).toBeGreaterThan(0);
    expect(smoke.html).toMatch(new RegExp(`<td class="l">filter</td><td class="l">filter-rejects\\.jsonl</td><td class="l">[^<]*</td><td>${filter.outputs.rejects!.records}</td>`));
    for (const id of ['validate', 'pii', 'score']) expect(smoke.html).toContain(`<td class="l">${id}-rejects.jsonl</td>`);
    // One file: the run folder's name is a hard link to the stored report the run's state names.
    expect(smoke.state.report?.status).toBe('succeeded');
    expect(statSync(smoke.report).ino).toBe(statSync(smoke.state.report!.html.uri.replace('file://', '')).ino);
  });

  it('a report step adds its sections to that report, which says succeeded, not running', async () => {
    const r = await runToEnd('test-run-folder');
    expect(r.state.status).toBe('succeeded');
    expect(r.html).toContain('<title>run folder test</title>');
    expect(r.html).toContain(badge('succeeded'));
    expect(r.html).not.toContain(badge('running'));
    // The step's contribution: the title above, and the pii report wired into it, read into its sections.
    const sections = r.state.steps.find((s) => s.id === 'report')!.outputs.sections!;
    expect(sections.schema).toBe('report-sections');
    const added = JSON.parse(readFileSync(sections.uri.replace('file://', ''), 'utf8')) as { title: string; reports: Array<{ schema: string; sha256: string }> };
    expect(added.title).toBe('run folder test');
    expect(added.reports).toEqual([expect.objectContaining({ schema: 'pii-report', sha256: r.state.steps.find((s) => s.id === 'pii')!.outputs.report!.sha256 })]);
    expect(r.html).toContain('<h3>PII findings per type</h3>');
  });

  it('a rejected run is reported as rejected, with the reason it stopped', async () => {
    const input = path.join(t.env.FORGELINE_HOME!, 'bucket.jsonl');
    await writeFile(input, JSON.stringify({ instruction: 'q', input: '', output: 'a' }) + '\n');
    const r = await runToEnd('test-approval', { input, timeout: '1s' });
    expect(r.state.status).toBe('rejected');
    expect(r.html).toContain(badge('rejected'));
    expect(r.html).toContain('stopped: review: approval_rejected: rejected by the timeout');
  });

  it('a failed run is reported as failed, with the error', async () => {
    const r = await runToEnd('test-failures', { flakyFailures: 0, siblingMs: 0, permanentFailure: true, tag: `report-${Date.now()}` });
    expect(r.code).toBe(1);
    expect(r.state.status).toBe('failed');
    expect(r.html).toContain(badge('failed, 1 failed'));
    expect(r.html).toContain('error: step &quot;broken&quot; (test-fail) failed');
  });

  it('a run refused at planning (bad params) is reported as failed, with the error', async () => {
    const r = await runToEnd('smoke', { noSuchParam: 1 });
    expect(r.code).toBe(1);
    expect(r.state).toMatchObject({ status: 'failed', steps: [] });
    expect(r.state.error).toMatch(/noSuchParam/);
    expect(r.html).toContain(badge('failed'));
    expect(r.html).toContain('noSuchParam');
  });

  it('is cached like a step: the same final state again reuses the stored report', async () => {
    const deps = await createActivityDeps(loadConfig(t.env));
    try {
      const { report: _first, ...state } = smoke.state;
      const again = await createReportActivities(deps).writeRunReport({ runId: smoke.runId, state });
      expect(again).toEqual({ status: 'cached', html: smoke.state.report!.html });
      // A different final state is another report.
      const other = await createReportActivities(deps).writeRunReport({ runId: smoke.runId, state: { ...state, status: 'failed' } });
      expect(other.status).toBe('succeeded');
      expect(other.html.sha256).not.toBe(smoke.state.report!.html.sha256);
      expect(readFileSync(other.html.uri.replace('file://', ''), 'utf8')).toContain(badge('failed'));
    } finally {
      await deps.close();
    }
  });
});
