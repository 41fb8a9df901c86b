import { PipelineError } from '../../errors.js';

export const S3_SCHEME = 's3://';

/** Bucket and key of an `s3://bucket/key` uri; anything else is a CONFIG error naming the uri. */
export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const rest = uri.startsWith(S3_SCHEME) ? uri.slice(S3_SCHEME.length) : '';
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1) {
    throw new PipelineError('CONFIG', `artifact uri ${uri} is not an s3:// object; configure its store (FORGELINE_ARTIFACTS)`);
  }
  return { bucket: rest.slice(0, slash), key: rest.slice(slash + 1) };
}

/** What the SDK's errors carry; its classes differ per command, the fields do not. */
interface SdkError {
  name?: string;
  Code?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

const status = (err: unknown): number | undefined => (err as SdkError | undefined)?.$metadata?.httpStatusCode;
const name = (err: unknown): string => {
  const e = err as SdkError | undefined;
  return e?.name ?? e?.Code ?? '';
};

export const isNotFound = (err: unknown): boolean => status(err) === 404 || name(err) === 'NotFound' || name(err) === 'NoSuchKey';

/** A conditional write (`If-None-Match: *`) lost to an object already there. */
export const isPreconditionFailed = (err: unknown): boolean => status(err) === 412 || name(err) === 'PreconditionFailed';

/**
 * The SDK's error as a PipelineError naming the object: a missing bucket or refused credentials are
 * CONFIG (no retry helps); the rest (a server down, a timeout) EXTERNAL_SERVICE, which retries.
 */
export function s3Failure(err: unknown, what: string): PipelineError {
  const n = name(err);
  const message = `${what}: ${n ? `${n}: ` : ''}${(err as Error)?.message ?? String(err)}`;
  if (n === 'NoSuchBucket') return new PipelineError('CONFIG', `${message} (create the bucket, or fix FORGELINE_ARTIFACTS)`, [], { cause: err });
  if (status(err) === 403 || n === 'InvalidAccessKeyId' || n === 'SignatureDoesNotMatch' || n === 'AccessDenied') {
    return new PipelineError('CONFIG', `${message} (check the AWS credentials this worker gets)`, [], { cause: err });
  }
  return new PipelineError('EXTERNAL_SERVICE', message, [], { cause: err });
}
