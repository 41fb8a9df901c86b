import fs from 'node:fs';
import type { SinkFs } from '../../core/artifacts/file-sink.js';

/**
 * The file calls of a volume with `free` bytes left, for a write stream's `fs` option: bytes go to
 * the real file until the room is used up, then a write fails as the kernel's does on a full disk
 * (errno -28, ENOSPC, having written what fitted). Tests cannot mount a small tmpfs without root,
 * and /dev/full is missing in some containers; this is the same failure at the same call.
 */
export function volumeWithFree(free: number): SinkFs & { written(): number } {
  let left = free;
  let total = 0;
  const noSpace = (): NodeJS.ErrnoException => Object.assign(new Error('ENOSPC: no space left on device, write'), { errno: -28, code: 'ENOSPC', syscall: 'write' });
  // Node's stream writes the rest of a short write from the buffer(s) the callback hands back.
  type Done = (err: NodeJS.ErrnoException | null, written?: number, buffer?: unknown) => void;
  const write = (fd: number, buffer: Buffer, offset: number, length: number, position: number | null, done: Done): void => {
    if (left === 0) return process.nextTick(done, noSpace());
    const n = Math.min(left, length);
    fs.write(fd, buffer, offset, n, position, (err, written) => {
      if (!err) {
        left -= written;
        total += written;
      }
      done(err, written, buffer);
    });
  };
  return {
    open: fs.open,
    close: fs.close,
    write,
    writev(fd: number, buffers: Buffer[], position: number | null, done: Done) {
      // A short count, as the kernel gives; the stream writes the rest and then meets ENOSPC.
      const all = Buffer.concat(buffers);
      write(fd, all, 0, all.length, position, (err, n) => done(err, n, buffers));
    },
    written: () => total,
  };
}
