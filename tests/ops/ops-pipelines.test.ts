import { beforeAll, afterAll, describe, expect, test } from '@jest/globals';
import { cp, mkdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { testClient, useTestWorker } from '../support/harness.js';
import { failureMessage, startRun } from '../../core/client/runs.js';
import type { RunState } from '../../core/workflow-safe/run-state.js';
import { REPO_ROOT } from '../support/paths.js';
import { record, seedRoot, writeJsonl } from './seed-root.js';

useTestWorker();
let conn: Awaited<ReturnType<typeof testClient>>;

beforeAll(async () => {
  conn = await testClient();
});

afterAll(async () => {
  await conn?.close();
});

async function run(pipeline: string, params: Record<string, unknown>): Promise<RunState> {
  const runId = await startRun(conn.client, { pipeline, params });
  return (await conn.client.workflow.getHandle(runId).result()) as RunState;
}
const step = (s: RunState, id: string) => s.steps.find((x) => x.id === id)!;
const readRef = async (uri: string) => readFile(uri.replace(/^file:\/\//, ''), 'utf8');
const DAY = 86_400_000;

describe('seed 004 ops pipelines', () => {
  test('ops-audit: category balance against 40/25/20/10/5, the source mix, at most 30% synthetic per batch, and the quality report', async () => {
    const root = await seedRoot();
    const counts = { instruction_following: 8, contextual_understanding: 5, empathetic_dialogue: 4, personalization: 2, safety_ethics: 1 };
    let i = 0;
    for (const [category, n] of Object.entries(counts)) {
      // The instruction_following batch holds 3 synthetic records of 8 (37.5% > 30%); one record scores 6.5 (< 7.0).
      const recs = Array.from({ length: n }, (_, k) => record(i++, category, category === 'instruction_following' && k < 3 ? 'synthetic' : k === 0 && category === 'personalization' ? 'expert_curated' : 'user_generated', category === 'safety_ethics' ? 6.5 : 8.5));
      await writeJsonl(root, `processed_data/${category}/v1_20261101.jsonl`, recs);
    }
    const state = await run('ops-audit', { root });
    expect(state.status).toBe('succeeded');
    const meta = step(state, 'audit').metadata;
    expect(meta).toMatchObject({ records: 20, ok: false, findings: ['synthetic_share_over_max:processed_data/instruction_following/v1_20261101.jsonl', 'quality_below_threshold'] });
    const report = JSON.parse(await readRef(step(state, 'audit').outputs.report!.uri)) as Record<string, unknown>;
    expect(report.categories).toEqual([
      { category: 'instruction_following', records: 8, share: 0.4, target: 0.4, deviation: 0, ok: true },
      { category: 'contextual_understanding', records: 5, share: 0.25, target: 0.25, deviation: 0, ok: true },
      { category: 'empathetic_dialogue', records: 4, share: 0.2, target: 0.2, deviation: 0, ok: true },
      { category: 'personalization', records: 2, share: 0.1, target: 0.1, deviation: 0, ok: true },
      { category: 'safety_ethics', records: 1, share: 0.05, target: 0.05, deviation: 0, ok: true },
    ]);
    expect(report.sources).toEqual({ user_generated: 16, synthetic: 3, expert_curated: 1 });
    expect(report.quality).toMatchObject({ scored: 20, belowThreshold: 1, threshold: 7, mean: 8.4 });
    expect((report.batches as { file: string; syntheticShare: number; ok: boolean }[]).find((b) => b.syntheticShare > 0)).toEqual({
      file: 'processed_data/instruction_following/v1_20261101.jsonl', records: 8, synthetic: 3, syntheticShare: 0.375, ok: false,
    });

    // Ten more personalization records: 12 of 30 is 40%, far over its 10% target; the others fall under theirs.
    // Named outside seed 004's `v{n}_YYYYMMDD.jsonl` (line 59): a finding too.
    await writeJsonl(root, 'processed_data/personalization/extra.jsonl', Array.from({ length: 10 }, (_, k) => record(100 + k, 'personalization', 'user_generated')));
    const skewed = await run('ops-audit', { root, failOnFindings: true }).then(() => 'succeeded', failureMessage);
    expect(skewed).toContain('audit_failed: category_off_target:instruction_following, category_off_target:contextual_understanding, category_off_target:empathetic_dialogue, category_off_target:personalization, synthetic_share_over_max:');
    expect(skewed).toContain('dataset_name_unversioned:processed_data/personalization/extra.jsonl');
    expect(skewed).not.toContain('category_off_target:safety_ethics'); // 1 of 30 is within 0.05 of 5%
  });

  test('ops-retention: raw data and logs over 90 days are archived gzipped; the archive over 24 months is deleted unless held; the rest is compressed', async () => {
    const root = await seedRoot();
    const now = Date.now();
    const aged = async (rel: string, days: number, text = `${rel}\n`) => {
      const file = path.join(root, rel);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, text);
      const t = new Date(now - days * DAY);
      await utimes(file, t, t);
      return file;
    };
    await aged('raw_data/conversations/export_20260801.jsonl', 91, '{"instruction":"old"}\n');
    await aged('raw_data/conversations/export_20261120.jsonl', 13);
    await aged('logs/processing_20260815.log', 100, 'processed 12 records\n');
    await aged('logs/processing_20261201.log', 2);
    await aged('raw_data/analytics/metrics_20260701.jsonl.gz', 120, 'already gzipped bytes');
    await aged('archive/old_versions/v1_20240801.jsonl.gz', 25 * 31);
    await aged('archive/old_versions/v0_20240701.jsonl.gz', 26 * 31);
    await aged('archive/old_versions/v0_20240701.jsonl.gz.hold', 1, 'legal hold\n');
    await aged('archive/removed_data/low_quality.jsonl', 60, '{"reason":"quality_below_threshold"}\n');
    await writeJsonl(root, 'processed_data/instruction_following/v1_20250101.jsonl', [record(1, 'instruction_following', 'user_generated')]);
    await utimes(path.join(root, 'processed_data/instruction_following/v1_20250101.jsonl'), new Date(now - 400 * DAY), new Date(now - 400 * DAY));

    const state = await run('ops-retention', { root });
    expect(state.status).toBe('succeeded');
    expect(step(state, 'retention').metadata).toEqual({ archived: 3, compressed: 1, deleted: 1, held: 1 });
    // A file that came compressed is moved, not compressed twice.
    expect(await readFile(path.join(root, 'archive/raw_data/analytics/metrics_20260701.jsonl.gz'), 'utf8')).toBe('already gzipped bytes');
    const exists = (rel: string) => stat(path.join(root, rel)).then(() => true, () => false);
    expect(await exists('raw_data/conversations/export_20260801.jsonl')).toBe(false);
    expect(gunzipSync(await readFile(path.join(root, 'archive/raw_data/conversations/export_20260801.jsonl.gz'))).toString()).toBe('{"instruction":"old"}\n');
    expect(gunzipSync(await readFile(path.join(root, 'archive/logs/processing_20260815.log.gz'))).toString()).toBe('processed 12 records\n');
    expect(await exists('raw_data/conversations/export_20261120.jsonl')).toBe(true);
    expect(await exists('logs/processing_20261201.log')).toBe(true);
    expect(await exists('archive/old_versions/v1_20240801.jsonl.gz')).toBe(false);
    expect(await exists('archive/old_versions/v0_20240701.jsonl.gz')).toBe(true);
    expect(gunzipSync(await readFile(path.join(root, 'archive/removed_data/low_quality.jsonl.gz'))).toString()).toContain('quality_below_threshold');
    expect(await exists('archive/removed_data/low_quality.jsonl')).toBe(false);
    // Processed data is never retention's to touch, however old.
    expect(await exists('processed_data/instruction_following/v1_20250101.jsonl')).toBe(true);
    // A second run finds nothing more to do: the freshly archived files start their 24 months now.
    expect(step(await run('ops-retention', { root }), 'retention').metadata).toEqual({ archived: 0, compressed: 0, deleted: 0, held: 1 });
  });

  test('the shipped sample data/ops (the default root) is clean: no PII, balanced, versioned', async () => {
    const root = path.join(await seedRoot(), 'sample');
    // A copy: the scan and the audit write their reports into the root's logs/.
    await cp(path.join(REPO_ROOT, 'data/ops'), root, { recursive: true });
    const scan = await run('ops-pii-scan', { root });
    expect(step(scan, 'pii-scan').metadata).toMatchObject({ files: 6, records: 23, leaks: 0 });
    const audit = await run('ops-audit', { root });
    expect(step(audit, 'audit').metadata).toMatchObject({ records: 20, ok: true, findings: [] });
  });

  test('a data root that is not there fails the run, naming it, rather than scanning nothing and passing', async () => {
    const missing = path.join(await seedRoot(), 'typo');
    for (const pipeline of ['ops-pii-scan', 'ops-audit', 'ops-retention']) {
      const outcome = await run(pipeline, { root: missing }).then(() => 'succeeded', failureMessage);
      expect(outcome).toContain(`root: ${missing} is not a folder`);
    }
  });

  test('ops-dedup: the weekly full-corpus dedup finds duplicates across processed and synthetic data, with file and line', async () => {
    const root = await seedRoot();
    const a = record(1, 'instruction_following', 'user_generated');
    await writeJsonl(root, 'processed_data/instruction_following/v1_20261101.jsonl', [a, record(2, 'instruction_following', 'user_generated')]);
    await writeJsonl(root, 'synthetic_data/diverse_scenarios/batch_1.jsonl', [record(3, 'diverse_scenarios', 'synthetic'), { ...a, metadata: { source: 'synthetic' } }]);
    const state = await run('ops-dedup', { root });
    expect(state.status).toBe('succeeded');
    expect(step(state, 'corpus').metadata).toEqual({ files: 2, records: 4 });
    const rejects = (await readRef(step(state, 'dedup').outputs.rejects!.uri)).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rejects).toEqual([expect.objectContaining({ source: 'synthetic_data/diverse_scenarios/batch_1.jsonl', line: 2, reason: 'exact_duplicate' })]);
  });
});
