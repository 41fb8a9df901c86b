import { open } from 'node:fs/promises';
import { countLines, type LineChunk } from '../artifacts/lines.js';
import type { BufferPool } from './buffer-pool.js';

export interface FileLineChunkOptions {
  /** Sees every byte of the file once, in order (for a digest), skipped ones included. */
  onBytes?: (bytes: Uint8Array) => void;
  /**
   * A line longer than this is not held whole: its first `maxLineBytes` come as a chunk of their
   * own with `cutFrom` set to the line's length, and the rest is read past. Memory then stays
   * bounded by this limit whatever the file holds (one line of gigabytes without a newline).
   */
  maxLineBytes?: number;
}

/**
 * Reads a file straight into pooled buffers, each ending on a line boundary (the file's last line
 * may lack its newline). The part line at a buffer's end is copied to the start of the next; a line
 * longer than a buffer gets a bigger one, up to `maxLineBytes`. A chunk's `bytes` views a pooled
 * buffer (or one of its own, for a cut line).
 */
export async function* readFileLineChunks(file: string, pool: BufferPool, options: FileLineChunkOptions = {}): AsyncGenerator<LineChunk<Uint8Array<ArrayBuffer>>> {
  const max = options.maxLineBytes ?? Infinity;
  const fh = await open(file, 'r');
  try {
    let carry: Buffer | undefined;
    /** A line over the limit: its head, and its length so far while the rest is read past. */
    let cut: { head: Uint8Array<ArrayBuffer>; length: number; lastByte: number } | undefined;
    let line = 1;
    for (;;) {
      const ab = pool.take(carry ? carry.length * 2 : undefined);
      const buf = Buffer.from(ab);
      let filled = carry ? carry.copy(buf) : 0;
      let eof = false;
      while (filled < buf.length) {
        const { bytesRead } = await fh.read(buf, filled, buf.length - filled, null);
        if (bytesRead === 0) {
          eof = true;
          break;
        }
        options.onBytes?.(buf.subarray(filled, filled + bytesRead));
        filled += bytesRead;
      }
      let start = 0;
      if (cut) {
        const nl = buf.subarray(0, filled).indexOf(10);
        const stop = nl === -1 ? filled : nl;
        cut.length += stop;
        if (stop > 0) cut.lastByte = buf[stop - 1]!;
        if (nl === -1 && !eof) {
          pool.give(ab);
          continue;
        }
        // The line's length as linesOf would give it: without its LF and a CR before it.
        yield { firstLine: line, lineCount: 1, bytes: cut.head, cutFrom: cut.length - (cut.lastByte === 13 ? 1 : 0) };
        line++;
        cut = undefined;
        start = nl === -1 ? filled : nl + 1;
      }
      const end = eof ? filled : Math.max(start, buf.lastIndexOf(10, filled - 1) + 1);
      const tail = buf.subarray(end, filled);
      carry = undefined;
      if (tail.length > max) cut = { head: new Uint8Array(tail.subarray(0, max)), length: tail.length, lastByte: tail[tail.length - 1]! };
      // The rest is a part line: copied out before the buffer moves on (small, so from Node's slab).
      else if (tail.length > 0) carry = Buffer.from(tail);
      if (end > start) {
        const bytes = buf.subarray(start, end);
        const lineCount = countLines(bytes) + (bytes[bytes.length - 1] === 10 ? 0 : 1);
        yield { firstLine: line, lineCount, bytes: new Uint8Array(ab, start, end - start) };
        line += lineCount;
      } else pool.give(ab);
      if (eof) return;
    }
  } finally {
    await fh.close();
  }
}
