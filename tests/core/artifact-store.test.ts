import { describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LocalArtifactStore } from '../../core/artifacts/local-store.js';
import { readHashed } from '../../core/artifacts/digest-check.js';
import { sha256Text } from '../../core/artifacts/hash.js';
import { RecordsWriter, readRecords } from '../../core/stage/records-io.js';
import { cacheKey, StepCache } from '../../core/cache/step-cache.js';

async function store() {
  const root = await mkdtemp(path.join(os.tmpdir(), 'forgeline-store-'));
  return { root, store: new LocalArtifactStore(root) };
}

describe('local artifact store', () => {
  it('names artifacts by content and streams records back', async () => {
    const { store: s } = await store();
    const w = await RecordsWriter.open(s);
    for (let i = 0; i < 1000; i++) await w.write({ i, text: `record ${i}` });
    const ref = await w.commit('test');
    expect(ref.records).toBe(1000);
    const expected = Array.from({ length: 1000 }, (_, i) => JSON.stringify({ i, text: `record ${i}` }) + '\n').join('');
    expect(ref.sha256).toBe(sha256Text(expected));
    expect(ref.uri).toContain(ref.sha256);
    const back: number[] = [];
    for await (const r of readRecords<{ i: number }>(s, ref)) back.push(r.value.i);
    expect(back).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('never shows a partial artifact: uncommitted writes live in .tmp only, abort removes them', async () => {
    const { root, store: s } = await store();
    const w = await s.writer('.jsonl');
    await writeFile(w.path, 'half');
    expect((await readdir(root)).filter((d) => d !== '.tmp')).toEqual([]);
    await w.abort();
    expect(await readdir(path.join(root, '.tmp'))).toEqual([]);
  });

  it('stores a document held in memory under the digest a written file gets, also after its folder was removed', async () => {
    const { root, store: s } = await store();
    const text = JSON.stringify({ report: 'small', n: 3 }, null, 2);
    const inMemory = await s.putBytes(text, '.json', { kind: 'report', schema: 'r' });
    expect(inMemory.sha256).toBe(sha256Text(text));
    expect(await readFile(s.pathOf(inMemory), 'utf8')).toBe(text);
    await rm(path.join(root, inMemory.sha256.slice(0, 2)), { recursive: true });
    const w = await s.writer('.json');
    await writeFile(w.path, text);
    const written = await w.commit({ kind: 'report', schema: 'r' });
    expect(written).toEqual(inMemory);
    expect(await s.verify(written)).toBe(true);
  });

  it('detects a corrupted artifact on read and verify', async () => {
    const { store: s } = await store();
    const w = await RecordsWriter.open(s);
    await w.write({ a: 1 });
    const ref = await w.commit('test');
    expect(await s.verify(ref)).toBe(true);
    await writeFile(s.pathOf(ref), '{"a":2}\n');
    expect(await s.verify(ref)).toBe(false);
    await expect(async () => {
      for await (const _ of readRecords(s, ref)) void _;
    }).rejects.toThrow(/does not match its digest/);
    await expect(s.localPath(ref)).rejects.toThrow(/does not match/);
  });

  it('closes the file when a reader stops early (the header of a large artifact, issue 23)', async () => {
    const { store: s } = await store();
    const ref = await s.putBytes(Buffer.alloc(4 << 20, 7), '.bin', { kind: 'index', schema: 'test' });
    const file = s.pathOf(ref);
    const open = async () => {
      const fds = await readdir('/proc/self/fd');
      const targets = await Promise.all(fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')));
      return targets.filter((t) => t === file).length;
    };
    for (let i = 0; i < 3; i++) {
      for await (const chunk of await s.read(ref)) {
        expect((chunk as Buffer).length).toBeGreaterThan(0);
        break;
      }
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(await open()).toBe(0);
  });

  it('hands a reader of a hashed file (what an S3 upload sends) the error reading it, instead of leaving it waiting', async () => {
    const { root } = await store();
    const drain = async (file: string) => {
      for await (const chunk of readHashed(file, () => undefined)) expect(chunk).toBeDefined();
    };
    await expect(drain(path.join(root, 'gone.bin'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(drain(root)).rejects.toMatchObject({ code: 'EISDIR' });
    const file = path.join(root, 'ten.txt');
    await writeFile(file, '0123456789');
    let digest = '';
    for await (const chunk of readHashed(file, (d) => (digest = d))) expect((chunk as Buffer).toString()).toBe('0123456789');
    expect(digest).toBe(sha256Text('0123456789'));
  });

  it('cache hits only when every output verifies', async () => {
    const { root, store: s } = await store();
    const cache = new StepCache(path.join(root, '..', path.basename(root) + '-cache'), s);
    const w = await RecordsWriter.open(s);
    await w.write({ a: 1 });
    const ref = await w.commit('test');
    const key = cacheKey({ kind: 'k', version: 'v1', options: { b: 1, a: 2 }, inputs: { x: ref } });
    expect(key).toBe(cacheKey({ kind: 'k', version: 'v1', options: { a: 2, b: 1 }, inputs: { x: ref } }));
    expect(key).not.toBe(cacheKey({ kind: 'k', version: 'v2', options: { a: 2, b: 1 }, inputs: { x: ref } }));
    await cache.save(key, { outputs: { out: ref }, metadata: { n: 1 } });
    expect((await cache.lookup(key))?.metadata).toEqual({ n: 1 });
    await writeFile(s.pathOf(ref), 'garbage');
    expect(await cache.lookup(key)).toBeUndefined();
    expect(await readFile(s.pathOf(ref), 'utf8')).toBe('garbage');
  });
});
