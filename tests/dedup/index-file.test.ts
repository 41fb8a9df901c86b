import { describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LocalArtifactStore } from '../../core/artifacts/local-store.js';
import { readIndex, readIndexHeader, withSigned, writeIndex, type DedupIndex } from '../../activities/dedup/index-file.js';

const params = { shingle: 'word', size: 5, permutations: 16, bands: 4, seed: 3, normalize: { nfkc: true, lowercase: true, punctuation: true, whitespace: true } } as const;

/** An index of `count` entries whose every word is derived from its place, so that a shifted or dropped byte shows. */
function index(count: number): DedupIndex {
  const P = params.permutations;
  return {
    params,
    count,
    exact: Uint32Array.from({ length: 2 * count }, (_, i) => (i * 2654435761) >>> 0),
    sigs: Uint32Array.from({ length: count * P }, (_, i) => (i * 40503 + 17) >>> 0),
    ids: Array.from({ length: count }, (_, i) => `r${i}`),
  };
}

async function store() {
  const root = await mkdtemp(path.join(os.tmpdir(), 'forgeline-index-'));
  return { root, store: new LocalArtifactStore(root) };
}

describe('dedup index file', () => {
  // 40,000 entries: 2.5 MB of signatures, so the body crosses the store's 1 MB read chunks.
  const big = index(40_000);
  const signed = { sha256: 'ab'.repeat(32), first: 0, fields: ['output'] };

  it('reads the header alone', async () => {
    const { store: s } = await store();
    const ref = await writeIndex(s, { ...big, signed });
    expect(await readIndexHeader(s, ref)).toEqual({ params, count: big.count, signed });
    expect(await readIndexHeader(s, await writeIndex(s, index(3)))).toEqual({ params, count: 3 });
  });

  it('reads a header longer than its first 64 KiB read, and calls an index cut inside its header corrupt', async () => {
    const { root, store: s } = await store();
    // 9,000 field names: a header of about 100 KB, past the first ranged read.
    const long = { ...signed, fields: Array.from({ length: 9_000 }, (_, i) => `field_${i}`) };
    const ref = await writeIndex(s, { ...index(3), signed: long });
    expect(await readIndexHeader(s, ref)).toEqual({ params, count: 3, signed: long });
    const cut = path.join(root, 'cut.fldx');
    await writeFile(cut, (await readFile(await s.localPath(ref))).subarray(0, 70_000));
    const cutRef = await s.putFile(cut, { kind: 'file', schema: 'file' });
    await expect(readIndexHeader(s, cutRef)).rejects.toMatchObject({ code: 'ARTIFACT_CORRUPT', message: expect.stringContaining('ends inside its header (70000 bytes)') });
    // A damaged length field asks for 4 GB: the read stops at the file's end, and the index is corrupt.
    const bytes = await readFile(await s.localPath(await writeIndex(s, index(3))));
    bytes.writeUInt32LE(0xfffffff0, 8);
    const damaged = path.join(root, 'damaged.fldx');
    await writeFile(damaged, bytes);
    const damagedRef = await s.putFile(damaged, { kind: 'file', schema: 'file' });
    await expect(readIndexHeader(s, damagedRef)).rejects.toMatchObject({ code: 'ARTIFACT_CORRUPT', message: expect.stringContaining(`ends inside its header (${bytes.length} bytes)`) });
  });

  it('names other signed records in a copy whose bytes are what writeIndex writes, the entries streamed through', async () => {
    const { store: s } = await store();
    const before = await writeIndex(s, big);
    const after = await withSigned(s, before, signed);
    const direct = await writeIndex(s, { ...big, signed });
    expect(after.sha256).toBe(direct.sha256);
    expect(after).toMatchObject({ kind: 'index', schema: 'dedup-index-v1', records: big.count });
    const back = await readIndex(s, after);
    expect(back.signed).toEqual(signed);
    expect(Buffer.from(back.sigs.buffer, back.sigs.byteOffset, back.sigs.byteLength).equals(Buffer.from(big.sigs.buffer))).toBe(true);
    expect(back.ids.at(-1)).toBe('r39999');
    // A longer header moves the entries: they are read back the same.
    const longer = await withSigned(s, after, { ...signed, fields: ['a.b', 'c', 'messages[].content'] });
    expect((await readIndex(s, longer)).exact[2 * 39999 + 1]).toBe(big.exact[2 * 39999 + 1]);
  });

  it('copies nothing from a damaged index: its digest check fails the copy, and no temp file stays', async () => {
    const { root, store: s } = await store();
    const ref = await writeIndex(s, big);
    const bytes = await readFile(s.pathOf(ref));
    bytes[bytes.length - 100] ^= 1;
    await writeFile(s.pathOf(ref), bytes);
    await expect(withSigned(s, ref, signed)).rejects.toMatchObject({ code: 'ARTIFACT_CORRUPT' });
    expect(await readdir(path.join(root, '.tmp'))).toEqual([]);
  });

  it('refuses a file that is not an index, naming it', async () => {
    const { store: s } = await store();
    const ref = await s.putBytes('{"not": "an index"}\n', '.jsonl', { kind: 'records', schema: 'any' });
    await expect(readIndexHeader(s, ref)).rejects.toMatchObject({ code: 'INVALID_INPUT_DATA', message: expect.stringContaining('not a Forgeline dedup index') });
  });
});
