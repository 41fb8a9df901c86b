import { open } from 'node:fs/promises';
import { countLines, type LineChunk } from '../../../core/artifacts/lines.js';
import type { BufferPool } from './buffer-pool.js';

/**
 * Reads a file straight into pooled buffers, each ending on a line boundary (the file's last line
 * may lack its newline). The part line at a buffer's end is copied to the start of the next. A line
 * longer than a buffer gets a bigger one. Each chunk's `bytes` views a pooled buffer. `onBytes` sees every byte once, in order (for a digest).
 */
export async function* readFileLineChunks(file: string, pool: BufferPool, onBytes?: (bytes: Uint8Array) => void): AsyncGenerator<LineChunk<Uint8Array<ArrayBuffer>>> {
  const fh = await open(file, 'r');
  try {
    let carry: Buffer | undefined;
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
        onBytes?.(buf.subarray(filled, filled + bytesRead));
        filled += bytesRead;
      }
      const end = eof ? filled : buf.lastIndexOf(10, filled - 1) + 1;
      // The rest is a part line: copied out before the buffer moves on (small, so from Node's slab).
      carry = end < filled ? Buffer.from(buf.subarray(end, filled)) : undefined;
      if (end === 0) {
        pool.give(ab);
        if (eof) return;
        continue;
      }
      const lineCount = countLines(buf, end) + (buf[end - 1] === 10 ? 0 : 1);
      yield { firstLine: line, lineCount, bytes: new Uint8Array(ab, 0, end) };
      line += lineCount;
      if (eof) return;
    }
  } finally {
    await fh.close();
  }
}
