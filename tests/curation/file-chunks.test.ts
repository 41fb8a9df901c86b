import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { linesOf } from '../../core/artifacts/lines.js';
import { BufferPool } from '../../activities/curation/runner/buffer-pool.js';
import { readFileLineChunks } from '../../activities/curation/runner/file-chunks.js';
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
        for await (const chunk of readFileLineChunks(file, pool, (b) => hash.update(b))) {
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
