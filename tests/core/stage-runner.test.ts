import { describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runStage } from '../../core/stage/run.js';
import { stageAt } from '../../core/stage/stage.js';

const FILTER = stageAt('../../activities/basic/filter-length-step.js', import.meta.url);

describe('the stage runner', () => {
  it('runs a one-file filter in process and in worker threads to the same bytes, with one reject row shape', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'forgeline-runner-'));
    const input = path.join(dir, 'in.jsonl');
    const lines = [
      JSON.stringify({ id: 'a', text: 'long enough text' }),
      JSON.stringify({ id: 'b', text: 'short', provenance: { source: 'user.jsonl', line: 40 } }),
      '{"id": "c", broken',
      '',
      JSON.stringify({ id: 'd' }),
      JSON.stringify({ id: 'e', text: 'also long enough' }),
    ];
    await writeFile(input, lines.join('\n') + '\n');
    const out: Record<number, { kept: string; rejects: string; stats: unknown }> = {};
    for (const threads of [1, 2]) {
      const keptPath = path.join(dir, `kept-${threads}.jsonl`);
      const rejectsPath = path.join(dir, `rejects-${threads}.jsonl`);
      const { stats } = await runStage({ stage: FILTER, options: { field: 'text', min: 10 }, source: 'in.jsonl', input: { file: input }, threads, keptPath, rejectsPath });
      out[threads] = { kept: await readFile(keptPath, 'utf8'), rejects: await readFile(rejectsPath, 'utf8'), stats };
    }
    expect(out[2]).toEqual(out[1]);
    expect(out[1]!.stats).toEqual({ total: 6, kept: 2, rejected: 4, dropped: { too_short: 1, malformed_json: 1, blank_line: 1, field_missing: 1 } });
    expect(out[1]!.kept).toBe(`${lines[0]}\n${lines[5]}\n`);
    const rows = out[1]!.rejects.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    // Every row starts line, source, reason, detail; a record's provenance names the user's file and line.
    for (const row of rows) expect(Object.keys(row).slice(0, 4)).toEqual(['line', 'source', 'reason', 'detail']);
    expect(rows.map((r) => [r.line, r.source, r.reason])).toEqual([
      [40, 'user.jsonl', 'too_short'],
      [3, 'in.jsonl', 'malformed_json'],
      [4, 'in.jsonl', 'blank_line'],
      [5, 'in.jsonl', 'field_missing'],
    ]);
    expect(rows[0]).toMatchObject({ detail: 'text: 5 < 10 chars', record: { id: 'b' } });
  });

  it('fails with the stage module named when a module defines no stage', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'forgeline-runner-'));
    const input = path.join(dir, 'in.jsonl');
    await writeFile(input, '{}\n');
    const notAStage = stageAt('../../core/stage/reject.js', import.meta.url);
    await expect(runStage({ stage: notAStage, options: {}, source: 'in.jsonl', input: { file: input }, threads: 1, keptPath: path.join(dir, 'k'), rejectsPath: path.join(dir, 'r') })).rejects.toThrow(
      `${notAStage} defines no stage (defineStage)`,
    );
  });
});
