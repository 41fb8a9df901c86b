import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

const READ_BYTES = 1 << 20;

/**
 * sha256 and size of a file, read through two buffers in turn (the next read runs while the last
 * one is hashed): a read stream would allocate a new buffer per megabyte, and every such allocation
 * counts towards the next full GC of the calling thread.
 */
export async function sha256File(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  const fh = await open(file, 'r');
  let bytes = 0;
  let reading: Promise<{ bytesRead: number }> | undefined;
  try {
    // Small files (reports, cache entries) get small buffers.
    const size = Math.min(READ_BYTES, Math.max(4096, (await fh.stat()).size));
    const bufs = [Buffer.allocUnsafeSlow(size), Buffer.allocUnsafeSlow(size)];
    let turn = 0;
    reading = fh.read(bufs[0]!, 0, size, null);
    for (;;) {
      const { bytesRead } = await reading;
      if (bytesRead === 0) break;
      const buf = bufs[turn]!;
      turn ^= 1;
      reading = fh.read(bufs[turn]!, 0, size, null);
      hash.update(buf.subarray(0, bytesRead));
      bytes += bytesRead;
    }
  } finally {
    await reading?.catch(() => undefined);
    await fh.close();
  }
  return { sha256: hash.digest('hex'), bytes };
}

export function sha256Text(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}
