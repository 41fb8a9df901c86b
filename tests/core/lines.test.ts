import { describe, expect, it } from '@jest/globals';
import { Readable } from 'node:stream';
import { linesOf, readLineChunks, readRawLines } from '../../core/artifacts/lines.js';
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
});
