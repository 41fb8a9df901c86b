import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline, Transform, type Readable } from 'node:stream';

/**
 * A pass-through that hashes what flows by and, at the end, either errors with `onMismatch()` (a
 * reader then sees the failure instead of a clean end) or hands the digest to `onDigest`.
 */
export function digestCheck(want: string | undefined, onMismatch: (got: string) => Error, onDigest?: (got: string) => void): Transform {
  const hash = createHash('sha256');
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      const got = hash.digest('hex');
      onDigest?.(got);
      done(want === undefined || got === want ? null : onMismatch(got));
    },
  });
}

/**
 * A file's bytes through `digestCheck`, as the stores' `read` hands them out. Joined by `pipeline`,
 * not `pipe`: a reader that stops early (destroys the stream, breaks out of its loop) closes the
 * file too, and an error reading the file reaches the reader instead of being thrown unhandled
 * while the reader waits for an end that never comes.
 */
export function readChecked(file: string, want: string, onMismatch: (got: string) => Error): Readable {
  const check = digestCheck(want, onMismatch);
  // The reader sees every error on `check`; the callback only keeps `pipeline` from rethrowing them.
  pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), check, () => {});
  return check;
}
