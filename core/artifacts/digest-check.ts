import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';

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
