import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { linesOf } from '../../core/artifacts/lines.js';
import { BufferPool } from '../../core/stage/buffer-pool.js';
import { readFileLineChunks } from '../../core/stage/file-chunks.js';
import { createJudge } from '../../core/stage/judge.js';
import { loadStage, stageAt } from '../../core/stage/stage.js';
import { expectedLines, LINE_TEXTS } from '../support/lines.js';

describe('reading a JSONL file into pooled chunks', () => {
  it('ends chunks on line boundaries, numbers lines, grows for a long line, and shows every byte once', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'forgeline-chunks-'));
    for (const [k, text] of LINE_TEXTS.entries()) {
      const file = path.join(dir, `t${k}.jsonl`);
      await fs.writeFile(file, text);
      for (const size of [1, 2, 5, 16, 1 << 16]) {
        const pool = new BufferPool(size, 4);
        const hash = createHash('sha256');
        const got: Array<[number, string]> = [];
        let next = 1;
        for await (const chunk of readFileLineChunks(file, pool, { onBytes: (b) => hash.update(b) })) {
          expect(chunk.firstLine).toBe(next);
          const lines = [...linesOf(Buffer.from(chunk.bytes.buffer, 0, chunk.bytes.byteLength), chunk.firstLine)];
          expect(lines).toHaveLength(chunk.lineCount);
          got.push(...lines.map((l): [number, string] => [l.line, l.bytes.toString()]));
          next += chunk.lineCount;
          pool.give(chunk.bytes.buffer);
        }
        expect(got).toEqual(expectedLines(text));
        expect(hash.digest('hex')).toBe(createHash('sha256').update(text).digest('hex'));
      }
    }
  });

  it('hands a line over maxLineBytes on cut, with its length, and goes on at the next line', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'forgeline-chunks-'));
    const file = path.join(dir, 'long.jsonl');
    const long = 'x'.repeat(100_000);
    const text = `a\n${long}\r\nb\nc\n${long}`;
    await fs.writeFile(file, text);
    for (const size of [16, 1000, 1 << 20]) {
      const hash = createHash('sha256');
      const got: Array<{ line: number; text: string; fullLength?: number }> = [];
      for await (const chunk of readFileLineChunks(file, new BufferPool(size), { onBytes: (b) => hash.update(b), maxLineBytes: 64 })) {
        const lines = [...linesOf(Buffer.from(chunk.bytes.buffer, chunk.bytes.byteOffset, chunk.bytes.byteLength), chunk.firstLine, chunk.cutFrom)];
        expect(lines).toHaveLength(chunk.lineCount);
        for (const l of lines) got.push({ line: l.line, text: l.bytes.toString(), ...(l.fullLength !== undefined ? { fullLength: l.fullLength } : {}) });
      }
      // Whether a long line is cut depends on where the buffers end; what reaches a stage never exceeds the limit.
      const longOnes = got.filter((g) => g.line === 2 || g.line === 5);
      for (const g of longOnes) {
        if (g.fullLength === undefined) expect(g.text).toBe(long);
        else expect(g).toEqual({ line: g.line, text: 'x'.repeat(64), fullLength: 100_000 });
      }
      if (size === 16) expect(longOnes.every((g) => g.fullLength === 100_000)).toBe(true);
      expect(got.filter((g) => ![2, 5].includes(g.line))).toEqual([{ line: 1, text: 'a' }, { line: 3, text: 'b' }, { line: 4, text: 'c' }]);
      expect(got.map((g) => g.line)).toEqual([1, 2, 3, 4, 5]);
      expect(hash.digest('hex')).toBe(createHash('sha256').update(text).digest('hex'));
    }
  });

  it('makes a cut line a too_large reject in the stages that read curated records', async () => {
    const { judge } = await createJudge(await loadStage(stageAt('../../activities/curation/pii/stage.js', import.meta.url)), {}, { source: 'big.jsonl' });
    const r = await judge({ line: 7, bytes: Buffer.from('{"id":"x"'), fullLength: 90_000_000 });
    expect(r).toMatchObject({ reason: 'too_large' });
    const reject = JSON.parse((r as { reject: string }).reject) as Record<string, unknown>;
    expect(reject).toMatchObject({ line: 7, source: 'big.jsonl', reason: 'too_large', detail: 'a line of 90000000 bytes, over the 9 a stage reads whole' });
  });

  it('hands buffers out again once given back, and keeps only its own size', () => {
    const pool = new BufferPool(8, 1);
    const a = pool.take();
    expect(a.byteLength).toBe(8);
    expect(pool.takeFree()).toBeUndefined();
    pool.give(a);
    pool.give(new ArrayBuffer(8));
    expect(pool.take()).toBe(a);
    expect(pool.takeFree()).toBeUndefined();
    pool.give(new ArrayBuffer(32));
    expect(pool.takeFree()).toBeUndefined();
    expect(pool.take(20).byteLength).toBe(20);
  });
});
