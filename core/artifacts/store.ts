import fs from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { SinkFs } from './file-sink.js';
import type { ArtifactKind, ArtifactRef } from './ref.js';

export interface PutOptions {
  kind: ArtifactKind;
  schema: string;
  records?: number;
}

/** A file being written; nothing is visible in the store until `commit` renames it into place. */
export interface ArtifactWriter {
  /** Local path to write to (streams, child processes and native code can all use it). */
  readonly path: string;
  /** The file calls a stream to `path` should make (a FileSink's `fs`); undefined: Node's own. */
  readonly fs?: SinkFs;
  commit(options: PutOptions): Promise<ArtifactRef>;
  abort(): Promise<void>;
}

/**
 * Content-addressed storage. The local store implements it on a folder; an S3-compatible store
 * implements the same calls (`localPath` then downloads to a cache folder).
 */
export interface ArtifactStore {
  /** A fresh writer whose file lives on the store's volume, so that commit is an atomic rename. */
  writer(suffix?: string): Promise<ArtifactWriter>;
  /** Copy a file into the store; a full disk is a DISK_FULL error naming the bytes needed, and no temp file stays. */
  putFile(file: string, options: PutOptions): Promise<ArtifactRef>;
  /** Store a small document held in memory (a report, a manifest): hashed in memory, written once. */
  putBytes(data: string | Uint8Array, suffix: string, options: PutOptions): Promise<ArtifactRef>;
  /** A readable local path; verifies the digest first unless told the caller verifies while reading. */
  localPath(ref: ArtifactRef, verify?: boolean): Promise<string>;
  /** Stream the bytes; the stream errors with ARTIFACT_CORRUPT at its end if the digest differs. */
  read(ref: ArtifactRef): Promise<Readable>;
  /** True when the artifact exists and its content still hashes to its digest. */
  verify(ref: ArtifactRef): Promise<boolean>;
  /**
   * The first `bytes` bytes (fewer when the artifact is shorter), NOT digest-checked: checking needs
   * every byte. For a header that decides whether the rest is worth reading; the S3 store asks the
   * server for that range instead of downloading the whole object.
   */
  readPrefix(ref: ArtifactRef, bytes: number): Promise<Buffer>;
}

/** Up to `bytes` bytes from the start of a local file. */
export async function filePrefix(file: string, bytes: number): Promise<Buffer> {
  const fh = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
