import { describe, expect, it, beforeAll } from '@jest/globals';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { curatedRecordSchema } from '../../schemas/records.js';
import { cli, testEnv } from '../support/harness.js';
import { runStage, tempDir } from './support/stage.js';

interface Reject {
  line: number;
  source: string;
  reason: string;
  detail: string;
  raw: string;
}
interface Kept {
  id: string;
  format: string;
  provenance: { source: string; line: number };
  [k: string]: unknown;
}

let dir: string;
let home: string;
beforeAll(async () => {
  dir = await tempDir();
  home = await tempDir('forgeline-cur-home-');
});

const good = { instruction: 'Explain JSON', input: '', output: 'JSON is a text format for structured data.' };

/** A messy user file: every bad-line case, with the 1-based line each one sits on. */
function messyFile(): { bytes: Buffer; expect: Record<number, string>; lines: number } {
  const parts: (string | Buffer)[] = [
    '\uFEFF' + JSON.stringify(good) + '\r\n', // 1 BOM + CRLF: kept
    '\r\n', // 2 blank
    '   \n', // 3 blank (spaces)
    Buffer.concat([Buffer.from('{"text": "caf'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]), // 4 invalid UTF-8
    '{"instruction": "cut", "output": "the line ends mid-str\n', // 5 truncated
    '{"instruction": "x" "output": "y"}\n', // 6 malformed
    '[{"instruction": "a", "output": "b"}]\n', // 7 not an object
    '"just a string"\n', // 8 not an object
    '{"instruction": "x", "output": 42}\n', // 9 wrong type
    '{"instruction": "   ", "output": "y"}\n', // 10 empty required field
    '{"instruction": "only"}\n', // 11 missing field
    JSON.stringify({ text: 'x'.repeat(3000) }) + '\n', // 12 too large (limit 2048 below)
    '{"colour": "blue"}\n', // 13 unknown format
    JSON.stringify({ messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'Hello!' }] }) + '\r\n', // 14 chat
    JSON.stringify({ messages: [{ role: 'robot', content: 'hi' }] }) + '\n', // 15 invalid role
    JSON.stringify({ text: 'A plain completion.' }) + '\n', // 16 completion
    JSON.stringify({ task: 'json_repair', input: { broken_json: '{a:1}' }, chosen: '{"a":1}', rejected: '{a:1}' }) + '\n', // 17 preference (DPO)
    JSON.stringify({ task: 'text_to_json', input: { text: 'Ana is 27' }, output: '{"age":27,"name":"Ana"}' }) + '\n', // 18 task
    JSON.stringify({ task: 'text_to_json', input: 'not an object', output: '{}' }) + '\n', // 19 wrong type (input)
    JSON.stringify({ ...good, metadata: { category: 'advice', quality_score: 8.5, relationship_stage: 'early', complexity: 3, created_at: '2025-11-12T10:00:00Z', source: 'synthetic' } }) + '\n', // 20 seed 004 metadata
    JSON.stringify({ ...good, metadata: { complexity: 9 } }) + '\n', // 21 invalid metadata value
    '{"instruction": "no newline at the end", "output": "still read"}', // 22 last line without newline
  ];
  return {
    bytes: Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p))),
    lines: 22,
    expect: {
      2: 'blank_line', 3: 'blank_line', 4: 'invalid_utf8', 5: 'truncated_json', 6: 'malformed_json', 7: 'not_an_object', 8: 'not_an_object',
      9: 'wrong_type', 10: 'empty_field', 11: 'missing_field', 12: 'too_large', 13: 'unknown_format', 15: 'invalid_value', 19: 'wrong_type', 21: 'invalid_value',
    },
  };
}

describe('validate on a messy JSONL file', () => {
  it('rejects each bad line with its reason code and source line, keeps the rest, loses nothing', async () => {
    const m = messyFile();
    const file = path.join(dir, 'messy.jsonl');
    await fs.writeFile(file, m.bytes);
    const run = await runStage('validate', file, { maxRecordBytes: 2048 }, home);
    const kept = await run.records<Kept>('records');
    const rejects = await run.records<Reject>('rejects');
    expect(run.metadata.total).toBe(m.lines);
    expect(kept.length + rejects.length).toBe(m.lines);
    expect(run.metadata.kept).toBe(kept.length);
    expect(run.metadata.rejected).toBe(rejects.length);
    expect(Object.fromEntries(rejects.map((r) => [r.line, r.reason]))).toEqual(m.expect);
    const dropped = run.metadata.dropped as Record<string, number>;
    expect(dropped.blank_line).toBe(2);
    expect(dropped.not_an_object).toBe(2);
    for (const r of rejects) {
      expect(r.source).toBe('messy.jsonl');
      expect(typeof r.detail).toBe('string');
      expect(r.raw.length).toBeLessThanOrEqual(500 + 40);
    }
    expect(rejects.find((r) => r.line === 9)!.detail).toContain('"output": expected string, got number');
    expect(rejects.find((r) => r.line === 12)!.raw).toContain('more chars]');
    expect(kept.map((k) => k.provenance.line)).toEqual([1, 14, 16, 17, 18, 20, 22]);
    expect(kept.map((k) => k.format)).toEqual(['instruction', 'chat', 'completion', 'preference', 'task', 'instruction', 'instruction']);
    for (const k of kept) expect(curatedRecordSchema.safeParse(k).success).toBe(true);
    expect(kept[0]).toMatchObject({ instruction: good.instruction, output: good.output, provenance: { source: 'messy.jsonl', line: 1 } });
    expect(kept[5]!.metadata).toMatchObject({ category: 'advice', quality_score: 8.5, source: 'synthetic' });
  });

  it('rejects a line of megabytes as too_large with its real size and line, in one thread or two', async () => {
    const huge = JSON.stringify({ instruction: 'big', output: 'y'.repeat(3_000_000) });
    const file = path.join(dir, 'huge-line.jsonl');
    await fs.writeFile(file, `${JSON.stringify(good)}\n${huge}\n${JSON.stringify(good)}\n${huge}`);
    for (const threads of [1, 2]) {
      const run = await runStage('validate', file, { maxRecordBytes: 2048, threads }, home);
      const rejects = await run.records<Reject>('rejects');
      expect(rejects.map((r) => [r.line, r.reason, r.detail])).toEqual([
        [2, 'too_large', `${huge.length} bytes > maxRecordBytes 2048`],
        [4, 'too_large', `${huge.length} bytes > maxRecordBytes 2048`],
      ]);
      expect((await run.records<Kept>('records')).map((k) => k.provenance.line)).toEqual([1, 3]);
    }
  });

  it('gives a stable content id: same content in another key order, with CRLF or decomposed Unicode, gets the same id', async () => {
    const a = { instruction: 'Café?', input: '', output: 'Line one\nline two' };
    const b = { output: 'Line one\r\nline two', input: '', instruction: 'Cafe\u0301?' };
    const file = path.join(dir, 'ids.jsonl');
    await fs.writeFile(file, [JSON.stringify(a), JSON.stringify(b), JSON.stringify({ ...a, output: 'other' })].join('\n'));
    const kept = await (await runStage('validate', file, {}, home)).records<Kept>('records');
    expect(kept[0]!.id).toMatch(/^[0-9a-f]{16}$/);
    expect(kept[1]!.id).toBe(kept[0]!.id);
    expect(kept[2]!.id).not.toBe(kept[0]!.id);
    expect(Object.keys(kept[1]!)).toEqual(['id', 'format', 'instruction', 'input', 'output', 'provenance']);
  });

  it('maps the prompt/response and ShareGPT aliases onto the canonical formats', async () => {
    const file = path.join(dir, 'aliases.jsonl');
    await fs.writeFile(
      file,
      [JSON.stringify({ prompt: 'Hi?', response: 'Hello.' }), JSON.stringify({ conversations: [{ from: 'human', value: 'Hi' }, { from: 'gpt', value: 'Hello' }] })].join('\n'),
    );
    const run = await runStage('validate', file, {}, home);
    const kept = await run.records<Kept>('records');
    expect(kept[0]).toMatchObject({ format: 'instruction', instruction: 'Hi?', output: 'Hello.' });
    expect(kept[1]).toMatchObject({ format: 'chat', messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }] });
    expect(run.metadata.aliases).toEqual({ prompt_response: 1, sharegpt: 1 });
  });

  it('enforces a fixed record format when configured', async () => {
    const file = path.join(dir, 'fixed.jsonl');
    await fs.writeFile(file, [JSON.stringify(good), JSON.stringify({ text: 'a completion' })].join('\n'));
    const run = await runStage('validate', file, { format: 'instruction' }, home);
    expect(run.metadata.kept).toBe(1);
    expect((await run.records<Reject>('rejects'))[0]).toMatchObject({ line: 2, reason: 'missing_field' });
  });
});

describe('validate readers', () => {
  it('reads a JSON array, with element start lines, a bad element and a truncated tail', async () => {
    const file = path.join(dir, 'array.json');
    await fs.writeFile(
      file,
      '\uFEFF[\n  {"instruction": "a, [b]", "output": "x \\"quoted\\" }"},\n  {"text": "t"},\n  7,\n  {"instruction": "multi",\n   "output": "line"},\n  {"instruction": "cut", "output": "tru',
    );
    const run = await runStage('validate', file, {}, home);
    const kept = await run.records<Kept>('records');
    const rejects = await run.records<Reject>('rejects');
    expect(run.metadata.inputFormat).toBe('json');
    expect(kept.map((k) => k.provenance.line)).toEqual([2, 3, 5]);
    expect(kept[0]).toMatchObject({ instruction: 'a, [b]', output: 'x "quoted" }' });
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([
      [4, 'not_an_object'],
      [7, 'truncated_json'],
    ]);
    expect(run.metadata.total).toBe(5);
  });

  it('reads Parquet row group by row group, with row numbers as lines', async () => {
    const n = 2500;
    const buf = parquetWriteBuffer({
      columnData: [
        { name: 'instruction', data: Array.from({ length: n }, (_, i) => `Question ${i}`), type: 'STRING' },
        { name: 'input', data: Array.from({ length: n }, () => ''), type: 'STRING' },
        { name: 'output', data: Array.from({ length: n }, (_, i) => (i === 7 ? '' : `Answer number ${i}`)), type: 'STRING' },
      ],
      rowGroupSize: 1000,
    });
    const file = path.join(dir, 'rows.parquet');
    await fs.writeFile(file, Buffer.from(buf));
    const run = await runStage('validate', file, {}, home);
    expect(run.metadata.inputFormat).toBe('parquet');
    expect(run.metadata.total).toBe(n);
    expect(run.metadata.kept).toBe(n - 1);
    const rejects = await run.records<Reject>('rejects');
    expect(rejects).toEqual([expect.objectContaining({ line: 8, reason: 'empty_field' })]);
    const kept = await run.records<Kept>('records');
    expect(kept[2400]).toMatchObject({ instruction: 'Question 2401', provenance: { line: 2402 } });
  });

  it('gives the same output in worker threads as in-process, in the same order, line numbers included', async () => {
    // About 4 MB: the threads get several chunks each, and lines of every kind fall on chunk edges.
    const rows: Buffer[] = [];
    for (let i = 0; i < 12_000; i++) {
      const record = JSON.stringify({ instruction: `q${i}`, input: '', output: `answer ${i} ${'filler '.repeat(i % 90)}` });
      if (i % 997 === 0) rows.push(Buffer.from('{broken\n'));
      else if (i % 661 === 0) rows.push(Buffer.from('\n'));
      else if (i % 509 === 0) rows.push(Buffer.concat([Buffer.from('{"instruction":"bad \xff', 'latin1'), Buffer.from('"}\n')]));
      else rows.push(Buffer.from(record + (i % 3 === 0 ? '\r\n' : '\n')));
    }
    const file = path.join(dir, 'many.jsonl');
    await fs.writeFile(file, Buffer.concat(rows));
    const one = await runStage('validate', file, { threads: 1 }, home);
    const two = await runStage('validate', file, { threads: 2 }, home);
    expect(two.outputs.records!.sha256).toBe(one.outputs.records!.sha256);
    expect(two.outputs.rejects!.sha256).toBe(one.outputs.rejects!.sha256);
    expect(two.metadata.dropped).toEqual(one.metadata.dropped);
    expect(two.metadata.dropped).toMatchObject({ malformed_json: 13, blank_line: 18, invalid_utf8: 23 });
    expect(two.metadata.total).toBe(12_000);
    const kept = await two.records<Kept>('records');
    expect(kept.at(-1)).toMatchObject({ instruction: 'q11999', provenance: { line: 12_000 } });
    const rejected = await two.records<{ line: number; reason: string }>('rejects');
    expect(rejected.filter((r) => r.reason === 'malformed_json').map((r) => r.line)).toEqual(Array.from({ length: 13 }, (_, k) => k * 997 + 1));
  });
});

describe('forgeline stage validate (CLI exit codes)', () => {
  it('exits 0 with rejects, 2 with --strict and rejects, 1 for a missing input', async () => {
    const env = await testEnv();
    const m = messyFile();
    const file = path.join(dir, 'cli-messy.jsonl');
    await fs.writeFile(file, m.bytes);
    const out = path.join(dir, 'cli-out.jsonl');
    const rej = path.join(dir, 'cli-rej.jsonl');
    const ok = await cli(['stage', 'validate', '--in', file, '--out', out, '--rejects', rej], env);
    expect(ok.code).toBe(0);
    const stats = JSON.parse(ok.stdout) as { total: number; kept: number; rejected: number; sourceSha256: string; sourcePath: string };
    expect(stats.kept + stats.rejected).toBe(stats.total);
    // The input is read where it is (validate's `path`), hashed as it is read, and not copied into the store.
    expect(stats).toMatchObject({ sourceSha256: createHash('sha256').update(m.bytes).digest('hex'), sourcePath: file });
    const stored = await fs.readdir(path.join(env.FORGELINE_HOME!, 'artifacts', stats.sourceSha256.slice(0, 2))).catch(() => []);
    expect(stored.filter((f) => f.startsWith(stats.sourceSha256))).toEqual([]);
    expect((await fs.readFile(rej, 'utf8')).trim().split('\n')).toHaveLength(stats.rejected);
    const strict = await cli(['stage', 'validate', '--in', file, '--out', out, '--strict'], env);
    expect(strict.code).toBe(2);
    const clean = path.join(dir, 'clean.jsonl');
    await fs.writeFile(clean, JSON.stringify(good) + '\n');
    expect((await cli(['stage', 'validate', '--in', clean, '--out', out, '--strict'], env)).code).toBe(0);
    const missing = await cli(['stage', 'validate', '--in', path.join(dir, 'nope.jsonl'), '--out', out], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.jsonl');
  });
});
