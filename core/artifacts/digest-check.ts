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

/** A file's bytes checked against `want` as they flow by, as the stores' `read` hands them out. */
export function readChecked(file: string, want: string, onMismatch: (got: string) => Error): Readable {
  return fileThrough(file, digestCheck(want, onMismatch));
}

/** A file's bytes hashed as they flow by, the digest handed to `onDigest` at the end (what an upload sends). */
export function readHashed(file: string, onDigest: (got: string) => void): Readable {
  return fileThrough(file, digestCheck(undefined, () => new Error('unreachable: no digest is expected'), onDigest));
}

/**
 * Joined by `pipeline`, not `pipe`: a reader that stops early (destroys the stream, breaks out of its
 * loop) closes the file too, and an error reading the file reaches the reader instead of being
 * thrown unhandled while the reader waits for an end that never comes.
 */
function fileThrough(file: string, check: Transform): Readable {
  // The reader sees every error on `check`; the callback only keeps `pipeline` from rethrowing them.
  pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), check, () => {});
  return check;
}
