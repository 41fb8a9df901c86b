import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { asDiskFull, PipelineError } from '../../errors.js';
import { digestCheck, readChecked, readHashed } from '../digest-check.js';
import { sha256File, sha256Text } from '../hash.js';
import type { ArtifactRef } from '../ref.js';
import { filePrefix, type ArtifactStore, type ArtifactWriter, type PutOptions } from '../store.js';
import { LocalCopies } from './local-copies.js';
import { isNotFound, isPreconditionFailed, parseS3Uri, S3_SCHEME, s3Failure } from './object.js';

export interface S3StoreOptions {
  client: S3Client;
  bucket: string;
  /** Empty, or ends with `/`. */
  prefix: string;
  /** Folder of the local copies and writers' spool files. */
  cacheDir: string;
  /** Bound on the local copies (FORGELINE_ARTIFACT_CACHE_MB). */
  cacheBytes: number;
}

/**
 * S3's smallest part is 5 MiB and an upload has 10,000 parts at most. 8 MiB parts, four in flight,
 * keep an upload's memory near 32 MiB whatever the file's size, up to 80 GB; larger files get
 * larger parts.
 */
const PART_BYTES = 8 * 1024 * 1024;
const PARTS_IN_FLIGHT = 4;
const MAX_PARTS = 10_000;

/**
 * Artifacts as objects named `<prefix><sha256><ext>` in an S3-compatible bucket, shared by every
 * worker host. The same contract as the local store:
 * - a writer fills a local spool file; commit hashes it, streams it up (multipart, bounded memory)
 *   hashing again on the way, and only a matching digest and size count as written;
 * - an existing object is never overwritten: HEAD first, and the write itself is conditional
 *   (`If-None-Match: *`), so two hosts racing on the same output cannot replace each other's
 *   (only an object proven damaged is replaced: see `exists`);
 * - reads go through a local, size-bounded cache of copies whose digests were checked on the way
 *   down, so a host fetches only what its steps read, once.
 */
export class S3ArtifactStore implements ArtifactStore {
  private readonly copies: LocalCopies;
  /** One download per artifact at a time in this process; concurrent readers share it. */
  private readonly fetching = new Map<string, Promise<string>>();

  constructor(private readonly o: S3StoreOptions) {
    this.copies = new LocalCopies(o.cacheDir, o.cacheBytes);
  }

  async writer(suffix = ''): Promise<ArtifactWriter> {
    const spool = await this.copies.spoolPath(suffix);
    return {
      path: spool,
      commit: async (options) => {
        try {
          const { sha256, bytes } = await sha256File(spool);
          const ref = await this.upload(spool, sha256, bytes, suffix, options);
          // The output is likely the next step's input on this host: keep it as a local copy.
          await this.copies.adopt(spool, `${sha256}${suffix}`, bytes);
          return ref;
        } catch (err) {
          await fs.rm(spool, { force: true });
          throw asDiskFull(err, { path: spool });
        }
      },
      abort: () => fs.rm(spool, { force: true }),
    };
  }

  async putFile(file: string, options: PutOptions): Promise<ArtifactRef> {
    const { sha256, bytes } = await sha256File(file);
    return this.upload(file, sha256, bytes, path.extname(file), options);
  }

  async putBytes(data: string | Uint8Array, suffix: string, options: PutOptions): Promise<ArtifactRef> {
    const body = typeof data === 'string' ? Buffer.from(data) : data;
    const sha256 = sha256Text(body);
    const key = this.keyOf(sha256, suffix);
    const ref: ArtifactRef = { uri: this.uriOf(key), sha256, bytes: body.length, ...options };
    if (await this.exists(key, ref)) return ref;
    try {
      await this.o.client.send(new PutObjectCommand({ Bucket: this.o.bucket, Key: key, Body: body, IfNoneMatch: '*', Metadata: { sha256 } }));
    } catch (err) {
      if (!isPreconditionFailed(err)) throw s3Failure(err, `cannot write ${ref.uri}`);
    }
    await this.checkWritten(key, ref);
    return ref;
  }

  async localPath(ref: ArtifactRef, verify = true): Promise<string> {
    const name = this.copyName(ref);
    const held = await this.copies.get(name);
    if (held) {
      if (!verify) return held;
      const { sha256, bytes } = await sha256File(held);
      if (sha256 === ref.sha256 && bytes === ref.bytes) return held;
      await this.copies.remove(name); // a damaged local copy: fetch the object again
    }
    let flight = this.fetching.get(name);
    if (!flight) {
      flight = this.fetch(ref, name).finally(() => this.fetching.delete(name));
      this.fetching.set(name, flight);
    }
    return flight;
  }

  async read(ref: ArtifactRef): Promise<Readable> {
    const file = await this.localPath(ref, false);
    return readChecked(file, ref.sha256, () => corrupt(ref, file));
  }

  /** From the local copy when this host holds one, else a ranged GET: the rest of the object stays on the server. */
  async readPrefix(ref: ArtifactRef, bytes: number): Promise<Buffer> {
    const want = Math.min(bytes, ref.bytes);
    if (want <= 0) return Buffer.alloc(0);
    const held = await this.copies.get(this.copyName(ref));
    if (held) return filePrefix(held, want);
    const { bucket, key } = parseS3Uri(ref.uri);
    const res = await this.o.client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=0-${want - 1}` })).catch((err: unknown) => {
      if (isNotFound(err)) throw new PipelineError('ARTIFACT_MISSING', `artifact ${ref.sha256.slice(0, 12)} is missing at ${ref.uri}`);
      throw s3Failure(err, `cannot read ${ref.uri}`);
    });
    return Buffer.from(await res.Body!.transformToByteArray());
  }

  /**
   * The object exists with the ref's size and its bytes hash to the ref's digest: hashed from the
   * local copy when there is one (its digest was checked when it came down), else while fetching it.
   */
  async verify(ref: ArtifactRef): Promise<boolean> {
    try {
      const { bucket, key } = parseS3Uri(ref.uri);
      const head = await this.head(key, bucket);
      if (head?.ContentLength !== ref.bytes) return false;
      await this.localPath(ref, true);
      return true;
    } catch {
      return false;
    }
  }

  private async fetch(ref: ArtifactRef, name: string): Promise<string> {
    const { bucket, key } = parseS3Uri(ref.uri);
    const spool = await this.copies.spoolPath();
    try {
      let got: string | undefined;
      const res = await this.o.client.send(new GetObjectCommand({ Bucket: bucket, Key: key })).catch((err: unknown) => {
        if (isNotFound(err)) throw new PipelineError('ARTIFACT_MISSING', `artifact ${ref.sha256.slice(0, 12)} is missing at ${ref.uri}`);
        throw s3Failure(err, `cannot read ${ref.uri}`);
      });
      const body = res.Body as Readable;
      await pipeline(body, digestCheck(undefined, () => new Error('unreachable'), (d) => (got = d)), createWriteStream(spool));
      const { size } = await fs.stat(spool);
      if (got !== ref.sha256 || size !== ref.bytes) throw corrupt(ref, ref.uri);
      return await this.copies.adopt(spool, name, size);
    } catch (err) {
      await fs.rm(spool, { force: true });
      throw asDiskFull(err, { path: spool, needed: ref.bytes });
    }
  }

  /** Uploads `file` under its digest unless the object is there; the bytes sent are hashed and must match. */
  private async upload(file: string, sha256: string, bytes: number, suffix: string, options: PutOptions): Promise<ArtifactRef> {
    const key = this.keyOf(sha256, suffix);
    const ref: ArtifactRef = { uri: this.uriOf(key), sha256, bytes, ...options };
    if (await this.exists(key, ref)) return ref;
    let sent: string | undefined;
    // A read that fails (the file removed or unreadable) fails the upload rather than leave it waiting.
    const body = readHashed(file, (d) => (sent = d));
    const upload = new Upload({
      client: this.o.client,
      params: { Bucket: this.o.bucket, Key: key, Body: body, IfNoneMatch: '*', Metadata: { sha256 } },
      partSize: Math.max(PART_BYTES, Math.ceil(bytes / MAX_PARTS)),
      queueSize: PARTS_IN_FLIGHT,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (err) {
      if (!isPreconditionFailed(err)) throw s3Failure(err, `cannot write ${ref.uri}`);
      sent = sha256; // another host wrote it first; checkWritten below checks what is there
    }
    if (sent !== sha256) {
      // The file changed after it was hashed: what went up is not what the name says.
      await this.o.client.send(new DeleteObjectCommand({ Bucket: this.o.bucket, Key: key })).catch(() => undefined);
      throw new PipelineError('STEP_FAILED', `${file} changed while it was uploaded to ${ref.uri}; the object was removed`);
    }
    await this.checkWritten(key, ref);
    return ref;
  }

  /**
   * True when the object is already there as the ref says (size, and the digest recorded at write).
   * An object that is not (a damaged copy, or bytes put there by something else) is removed so that
   * the conditional write can replace it: the one case where the store writes over a name, since
   * what is there is provably not what the name says.
   */
  private async exists(key: string, ref: ArtifactRef): Promise<boolean> {
    const head = await this.head(key);
    if (!head) return false;
    if (head.ContentLength === ref.bytes && head.sha256 === ref.sha256) return true;
    await this.o.client.send(new DeleteObjectCommand({ Bucket: this.o.bucket, Key: key })).catch((err: unknown) => {
      throw s3Failure(err, `cannot remove the damaged object ${ref.uri}`);
    });
    return false;
  }

  private async checkWritten(key: string, ref: ArtifactRef): Promise<void> {
    const head = await this.head(key);
    if (head?.ContentLength !== ref.bytes) {
      throw new PipelineError('ARTIFACT_CORRUPT', `${ref.uri} holds ${head?.ContentLength ?? 'no'} bytes after writing ${ref.bytes}`);
    }
  }

  private async head(key: string, bucket = this.o.bucket): Promise<{ ContentLength?: number; sha256?: string } | undefined> {
    try {
      const h = await this.o.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return { ContentLength: h.ContentLength, sha256: h.Metadata?.sha256 };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw s3Failure(err, `cannot look up ${S3_SCHEME}${bucket}/${key}`);
    }
  }

  private keyOf(sha256: string, suffix: string): string {
    return `${this.o.prefix}${sha256}${suffix}`;
  }

  private uriOf(key: string): string {
    return `${S3_SCHEME}${this.o.bucket}/${key}`;
  }

  /** The local copy's name: the digest and the key's extension, whatever the ref's bucket and prefix. */
  private copyName(ref: ArtifactRef): string {
    const { key } = parseS3Uri(ref.uri);
    const base = key.slice(key.lastIndexOf('/') + 1);
    return base.startsWith(ref.sha256) ? base : ref.sha256;
  }
}

function corrupt(ref: ArtifactRef, where: string): PipelineError {
  return new PipelineError('ARTIFACT_CORRUPT', `artifact ${where} does not match its digest ${ref.sha256.slice(0, 12)}`);
}
