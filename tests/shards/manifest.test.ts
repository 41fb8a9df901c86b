import { describe, expect, it } from '@jest/globals';
import fs from 'node:fs/promises';
import path from 'node:path';
import { LocalArtifactStore } from '../../core/artifacts/local-store.js';
import { readShardManifest, writeShardManifest } from '../../core/shards/manifest.js';
import { splitLines } from '../../activities/shards/split-lines.js';
import { mergeMetadata } from '../../activities/shards/merge.js';
import { tempDir } from '../curation/support/stage.js';

async function setup(text: string) {
  const dir = await tempDir('forgeline-shard-unit-');
  const store = new LocalArtifactStore(path.join(dir, 'artifacts'));
  const file = path.join(dir, 'in.jsonl');
  await fs.writeFile(file, text);
  return { dir, store, file };
}

describe('shard manifests and line splitting', () => {
  it('splits a file into contiguous shards whose bytes, in order, are the file, and does it the same way twice', async () => {
    const lines = Array.from({ length: 23 }, (_, i) => (i === 7 ? '' : i === 9 ? '  \r' : `{"n":${i}}`));
    const text = lines.join('\n') + '\n';
    const { store, file } = await setup(text);
    const refs = await splitLines(store, file, 5, 'any');
    expect(refs).toHaveLength(5);
    const parts = await Promise.all(refs.map(async (r) => fs.readFile(await store.localPath(r), 'utf8')));
    expect(parts.join('')).toBe(text);
    // 23 lines over 5 shards: starts at floor(i * 23 / 5) = 0, 4, 9, 13, 18.
    expect(parts.map((p) => p.split('\n').length - 1)).toEqual([4, 5, 4, 5, 5]);
    // Blank lines are carried (validate rejects them) but not counted as records.
    expect(refs.reduce((n, r) => n + r.records!, 0)).toBe(21);
    expect((await splitLines(store, file, 5, 'any')).map((r) => r.sha256)).toEqual(refs.map((r) => r.sha256));
  });

  it('lists empty shards when there are fewer lines than shards, and keeps a last line without a newline', async () => {
    const { store, file } = await setup('{"a":1}\n{"a":2}');
    const refs = await splitLines(store, file, 4, 'any');
    expect(refs.map((r) => r.records)).toEqual([0, 1, 0, 1]);
    const manifest = await readShardManifest(store, await writeShardManifest(store, refs, 'any'));
    expect(manifest.records).toBe(2);
    expect(manifest.shards.map((s) => s.sha256)).toEqual(refs.map((r) => r.sha256));
  });

  it('refuses a malformed manifest, naming the file and the field', async () => {
    const { store } = await setup('');
    const bad = await store.putBytes(JSON.stringify({ version: 1, schema: 'any', records: 3, shards: [{ uri: 'x', sha256: 'nope', bytes: 1, kind: 'records', schema: 'any' }] }), '.json', { kind: 'shards', schema: 'shard-manifest' });
    const err = (await readShardManifest(store, bad).then(
      () => undefined,
      (e: unknown) => e,
    )) as { code: string; issues: { path: string }[] };
    expect(err.code).toBe('INVALID_INPUT_DATA');
    expect(err.issues[0]!.path).toMatch(new RegExp(`${bad.sha256}\\.json: shards\\.0\\.sha256$`));
  });

  it('adds the shards\' counts at any depth and takes the keys it is told to from shard 0', () => {
    const merged = mergeMetadata(
      [
        { total: 3, dropped: { a: 1 }, threshold: 7, operator: 'mask' },
        { total: 4, dropped: { a: 2, b: 1 }, threshold: 7, operator: 'mask' },
      ],
      ['threshold'],
    );
    expect(merged).toEqual({ total: 7, dropped: { a: 3, b: 1 }, threshold: 7, operator: 'mask' });
  });
});
