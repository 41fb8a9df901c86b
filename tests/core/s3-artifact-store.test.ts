import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sha256File } from '../../core/artifacts/hash.js';
import { openArtifactStore } from '../../core/artifacts/open-store.js';
import { parseS3Uri } from '../../core/artifacts/s3/object.js';
import { S3ArtifactStore } from '../../core/artifacts/s3/store.js';
import type { ArtifactRef } from '../../core/artifacts/ref.js';
import { loadConfig } from '../../core/config.js';
import { startSeaweedFs, type TestS3 } from '../support/seaweedfs.js';

/** Every test against a real SeaweedFS S3 gateway (scripts/ci-setup.d/25-seaweedfs.sh builds it). */
let s3: TestS3;
beforeAll(async () => {
  s3 = await startSeaweedFs();
}, 120_000);
afterAll(async () => {
  await s3?.stop();
});

const opts = { kind: 'file' as const, schema: 'file' };
let n = 0;
/** A store with a fresh local cache, as a second host would have, over the shared bucket. */
async function host(prefix = 'p/', cacheBytes = 1 << 30): Promise<{ store: S3ArtifactStore; cacheDir: string }> {
  const cacheDir = await fs.mkdtemp(path.join(os.tmpdir(), `forgeline-s3cache-${n++}-`));
  return { store: new S3ArtifactStore({ client: s3.client(), bucket: s3.bucket, prefix, cacheDir, cacheBytes }), cacheDir };
}
const text = async (stream: NodeJS.ReadableStream) => {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
};
const rawPut = (ref: ArtifactRef, body: string) => s3.client().send(new PutObjectCommand({ Bucket: s3.bucket, Key: parseS3Uri(ref.uri).key, Body: body }));

describe('S3ArtifactStore on SeaweedFS', () => {
  it('stores under prefix + sha256 + suffix, and another host reads and verifies it', async () => {
    const a = await host();
    const w = await a.store.writer('.jsonl');
    await fs.writeFile(w.path, '{"a":1}\n');
    const ref = await w.commit({ kind: 'records', schema: 'instruction', records: 1 });
    const { sha256 } = await sha256File(await a.store.localPath(ref));
    expect(ref).toMatchObject({ uri: `s3://${s3.bucket}/p/${sha256}.jsonl`, sha256, bytes: 8, records: 1 });
    const head = await s3.client().send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `p/${sha256}.jsonl` }));
    expect(head.ContentLength).toBe(8);

    const b = await host();
    expect(await b.store.verify(ref)).toBe(true);
    expect(await fs.readFile(await b.store.localPath(ref), 'utf8')).toBe('{"a":1}\n');
    expect(await text(await b.store.read(ref))).toBe('{"a":1}\n');
    const bytesRef = await b.store.putBytes('{"a":1}\n', '.jsonl', opts);
    expect(bytesRef.uri).toBe(ref.uri);
  });

  it('uploads an input file by its digest; a missing object is ARTIFACT_MISSING', async () => {
    const { store, cacheDir } = await host();
    const file = path.join(cacheDir, 'in.txt');
    await fs.writeFile(file, 'input file\n');
    const ref = await store.putFile(file, opts);
    expect(ref.uri.endsWith('.txt')).toBe(true);
    expect(await (await host()).store.verify(ref)).toBe(true);
    const gone = { ...ref, uri: ref.uri.replace('/p/', '/nowhere/') };
    expect(await store.verify(gone)).toBe(false);
    await expect(store.localPath(gone)).rejects.toMatchObject({ code: 'ARTIFACT_MISSING' });
  });

  it('never overwrites: the server refuses a conditional write over an object, and a second put keeps the first object', async () => {
    const { store } = await host();
    const ref = await store.putBytes('first and only\n', '.txt', opts);
    const { key } = parseS3Uri(ref.uri);
    const before = await s3.client().send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }));
    // The guard the store relies on when two hosts race: SeaweedFS honours If-None-Match: *.
    await expect(s3.client().send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: 'other', IfNoneMatch: '*' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
    await new Promise((r) => setTimeout(r, 1100)); // a rewrite would show a later Last-Modified
    expect(await store.putBytes('first and only\n', '.txt', opts)).toEqual(ref);
    const after = await s3.client().send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }));
    expect(after.LastModified).toEqual(before.LastModified);
    expect(after.ETag).toEqual(before.ETag);
  });

  it('detects a damaged object: verify is false, reads fail ARTIFACT_CORRUPT, a new write of the true bytes repairs it', async () => {
    const { store } = await host();
    const ref = await store.putBytes('the real content\n', '.txt', opts);
    await rawPut(ref, 'the fake content\n'); // same size, other bytes, written around the store
    const b = await host();
    expect(await b.store.verify(ref)).toBe(false);
    await expect(b.store.localPath(ref)).rejects.toMatchObject({ code: 'ARTIFACT_CORRUPT' });
    await expect(b.store.read(ref)).rejects.toMatchObject({ code: 'ARTIFACT_CORRUPT' });
    expect(await b.store.putBytes('the real content\n', '.txt', opts)).toEqual(ref);
    expect(await b.store.verify(ref)).toBe(true);
  });

  it('fetches again when the local copy is damaged', async () => {
    const { store } = await host();
    const ref = await store.putBytes('keep me\n', '.txt', opts);
    const file = await store.localPath(ref);
    await fs.writeFile(file, 'KEEP ME\n');
    expect(await fs.readFile(await store.localPath(ref), 'utf8')).toBe('keep me\n');
  });

  it('reads a prefix with a ranged GET, downloading nothing else; from the local copy once it has one', async () => {
    const writer = (await host()).store;
    const body = randomBytes(300_000);
    const ref = await writer.putBytes(body, '.bin', opts);
    const { store, cacheDir } = await host();
    expect((await store.readPrefix(ref, 1000)).equals(body.subarray(0, 1000))).toBe(true);
    expect((await store.readPrefix(ref, 1_000_000)).equals(body)).toBe(true);
    // No local copy was made: the object stayed on the server.
    expect((await fs.readdir(cacheDir)).filter((f) => !f.startsWith('.'))).toEqual([]);
    const copy = await store.localPath(ref);
    await fs.writeFile(copy, Buffer.concat([Buffer.from('LOCAL'), body.subarray(5)]));
    expect((await store.readPrefix(ref, 5)).toString()).toBe('LOCAL');
    const missing = { ...ref, uri: ref.uri.replace(ref.sha256, 'f'.repeat(64)), sha256: 'f'.repeat(64) };
    await expect(store.readPrefix(missing, 10)).rejects.toMatchObject({ code: 'ARTIFACT_MISSING' });
    expect(await store.readPrefix(await writer.putBytes('', '.txt', opts), 10)).toEqual(Buffer.alloc(0));
  });

  it('keeps the local copies under the bound, evicting the least recently used', async () => {
    const writer = (await host()).store;
    const refs = await Promise.all(['a', 'b', 'c'].map((c) => writer.putBytes(c.repeat(1000), '.txt', opts)));
    const [a, b, c] = refs as [ArtifactRef, ArtifactRef, ArtifactRef];
    const { store, cacheDir } = await host('p/', 2500);
    const pa = await store.localPath(a);
    const pb = await store.localPath(b);
    await new Promise((r) => setTimeout(r, 20));
    await store.localPath(a); // a is now used more recently than b
    const pc = await store.localPath(c);
    expect([existsSync(pa), existsSync(pb), existsSync(pc)]).toEqual([true, false, true]);
    const held = (await fs.readdir(cacheDir)).filter((f) => !f.startsWith('.'));
    expect(held.sort()).toEqual([path.basename(pa), path.basename(pc)].sort());
    // A restarted host sees the same copies and the same order.
    const again = new S3ArtifactStore({ client: s3.client(), bucket: s3.bucket, prefix: 'p/', cacheDir, cacheBytes: 2500 });
    await again.localPath(b);
    expect([existsSync(pa), existsSync(path.join(cacheDir, path.basename(pb))), existsSync(pc)]).toEqual([false, true, true]);
  });

  it('streams 200 MB up and down with bounded memory', async () => {
    const { store, cacheDir } = await host('big/');
    const w = await store.writer('.bin');
    const out = createWriteStream(w.path);
    for (let i = 0; i < 200; i++) if (!out.write(randomBytes(1 << 20))) await new Promise<void>((r) => out.once('drain', () => r()));
    await new Promise<void>((r) => out.end(() => r()));
    const want = await sha256File(w.path);
    global.gc?.();
    const base = process.memoryUsage().rss;
    let peak = base;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
    try {
      const ref = await w.commit(opts);
      expect(ref).toMatchObject({ sha256: want.sha256, bytes: 200 << 20 });
      const other = await host('big/');
      const file = await other.store.localPath(ref);
      expect((await sha256File(file)).sha256).toBe(want.sha256);
    } finally {
      clearInterval(sampler);
    }
    // The file is 200 MB; uploads hold four 8 MB parts, downloads stream: growth stays far below it.
    expect(peak - base).toBeLessThan(120 << 20);
    await fs.rm(cacheDir, { recursive: true, force: true });
  }, 300_000);

  it('keeps multipart metadata: the big object records its digest', async () => {
    const { store } = await host('big/');
    const w = await store.writer('.bin');
    await fs.writeFile(w.path, randomBytes(20 << 20));
    const ref = await w.commit(opts);
    const got = await s3.client().send(new GetObjectCommand({ Bucket: s3.bucket, Key: parseS3Uri(ref.uri).key, Range: 'bytes=0-0' }));
    expect(got.Metadata?.sha256).toBe(ref.sha256);
    await got.Body?.transformToByteArray();
  }, 120_000);
});

describe('FORGELINE_ARTIFACTS', () => {
  it('selects the S3 store with the endpoint and region of the AWS variables; unset, the local store', () => {
    expect(loadConfig({ FORGELINE_ARTIFACTS: 's3://my-bucket/runs/a/', AWS_ENDPOINT_URL: 'http://s3:8333', AWS_REGION: 'eu-west-1' }).artifacts).toEqual({
      kind: 's3',
      bucket: 'my-bucket',
      prefix: 'runs/a/',
      endpoint: 'http://s3:8333',
      region: 'eu-west-1',
    });
    expect(loadConfig({ FORGELINE_ARTIFACTS: 's3://my-bucket' }).artifacts).toMatchObject({ prefix: '' });
    expect(loadConfig({}).artifacts).toEqual({ kind: 'local' });
    expect(openArtifactStore(loadConfig({ FORGELINE_ARTIFACTS: 's3://my-bucket/x', FORGELINE_HOME: os.tmpdir() }))).toBeInstanceOf(S3ArtifactStore);
  });

  it('rejects a malformed location and a bad cache bound, naming the variable', () => {
    expect(() => loadConfig({ FORGELINE_ARTIFACTS: 'https://bucket/x' })).toThrow(/FORGELINE_ARTIFACTS must be s3:\/\/bucket\/prefix.*"https:\/\/bucket\/x"/);
    expect(() => loadConfig({ FORGELINE_ARTIFACTS: 's3://Bad_Bucket/x' })).toThrow(/FORGELINE_ARTIFACTS/);
    expect(() => loadConfig({ FORGELINE_ARTIFACT_CACHE_MB: 'lots' })).toThrow(/FORGELINE_ARTIFACT_CACHE_MB must be a whole number/);
    expect(loadConfig({ FORGELINE_ARTIFACT_CACHE_MB: '10' }).artifactCacheBytes).toBe(10 << 20);
  });
});
