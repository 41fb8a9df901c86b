import { describe, expect, it } from '@jest/globals';
import { Readable } from 'node:stream';
import { readJsonl } from '../../core/artifacts/jsonl.js';
import { linesOf, MAX_LINE_BYTES, readLineChunks, readRawLines } from '../../core/artifacts/lines.js';
import { MAX_LINE_BYTES as STAGE_MAX_LINE_BYTES } from '../../core/stage/units.js';
import { expectedLines, LINE_TEXTS } from '../support/lines.js';

/** A stream that hands out `text` in pieces of `size` bytes, so that lines straddle chunk boundaries. */
const pieces = (text: string, size: number): Readable => {
  const bytes = Buffer.from(text);
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
  return Readable.from(parts);
};

describe('line reading', () => {
  it('readRawLines numbers and strips lines the same whatever the stream’s chunk size', async () => {
    for (const text of LINE_TEXTS) {
      for (const size of [1, 2, 3, 7, 64, 1 << 20]) {
        const got: Array<[number, string]> = [];
        for await (const l of readRawLines(pieces(text, size))) got.push([l.line, l.bytes.toString()]);
        expect(got).toEqual(expectedLines(text));
      }
    }
  });

  it('readLineChunks ends every chunk on a line boundary, counts its lines, and carries a line longer than a chunk', async () => {
    for (const text of LINE_TEXTS) {
      for (const size of [1, 3, 7, 64]) {
        const got: Array<[number, string]> = [];
        let next = 1;
        const chunks = [];
        for await (const c of readLineChunks(pieces(text, size))) {
          expect(c.firstLine).toBe(next);
          const lines = [...linesOf(c.bytes, c.firstLine)];
          expect(lines.length).toBe(c.lineCount);
          next += c.lineCount;
          got.push(...lines.map((l): [number, string] => [l.line, l.bytes.toString()]));
          chunks.push(c);
        }
        expect(got).toEqual(expectedLines(text));
        for (const c of chunks.slice(0, -1)) expect(c.bytes.at(-1)).toBe(0x0a);
      }
    }
  });

  it('readRawLines cuts a line over maxLineBytes to its head with its real length, at every piece size, and goes on', async () => {
    const long = 'x'.repeat(5_000);
    const text = `a\n${long}\r\nb\n${'y'.repeat(65)}\nc\n${long}\r`;
    for (const size of [1, 3, 7, 64, 1000, 1 << 20]) {
      const got: Array<{ line: number; text: string; fullLength?: number }> = [];
      for await (const l of readRawLines(pieces(text, size), 64)) {
        got.push({ line: l.line, text: l.bytes.toString(), ...(l.fullLength !== undefined ? { fullLength: l.fullLength } : {}) });
      }
      expect(got).toEqual([
        { line: 1, text: 'a' },
        { line: 2, text: 'x'.repeat(64), fullLength: 5_000 },
        { line: 3, text: 'b' },
        { line: 4, text: 'y'.repeat(64), fullLength: 65 },
        { line: 5, text: 'c' },
        { line: 6, text: 'x'.repeat(64), fullLength: 5_000 },
      ]);
    }
    // Without a limit nothing is cut (what the lines above check at every size, as before).
    const whole = [];
    for await (const l of readRawLines(pieces(text, 7))) whole.push(l.fullLength);
    expect(whole.every((f) => f === undefined)).toBe(true);
  });

  it('readJsonl fails on a line over its limit, naming the file and the line, and never parses it', async () => {
    const text = '{"a":1}\n{"b":"' + 'x'.repeat(40) + '"}\n{"c":3}\n';
    const got: unknown[] = [];
    await expect(async () => {
      for await (const r of readJsonl(pieces(text, 5), 'data.jsonl', 16)) got.push(r.value);
    }).rejects.toMatchObject({ code: 'INVALID_INPUT_DATA', message: expect.stringMatching(/^data\.jsonl:2: a line of 48 bytes, over the 16-byte limit/) });
    expect(got).toEqual([{ a: 1 }]);
  });

  it('every reader has the one MAX_LINE_BYTES limit by default: a longer line is never held whole', async () => {
    expect(STAGE_MAX_LINE_BYTES).toBe(MAX_LINE_BYTES);
    // Line 2 is one byte over the limit, handed out in 1 MB pieces as a file stream would.
    const piece = Buffer.alloc(1 << 20, 0x78);
    const stream = Readable.from(
      (function* () {
        yield Buffer.from('{"a":1}\n');
        for (let left = MAX_LINE_BYTES + 1; left > 0; left -= piece.length) yield piece.subarray(0, Math.min(piece.length, left));
        yield Buffer.from('\n{"c":3}\n');
      })(),
    );
    await expect(async () => {
      for await (const r of readJsonl(stream, 'big.jsonl')) void r;
    }).rejects.toThrow(`big.jsonl:2: a line of ${MAX_LINE_BYTES + 1} bytes, over the ${MAX_LINE_BYTES}-byte limit`);
  });
});
