import fs from 'node:fs/promises';
import type { ArtifactRef } from '../../../core/artifacts/ref.js';
import type { ArtifactStore } from '../../../core/artifacts/store.js';
import { PipelineError } from '../../../core/errors.js';

/** The `schema` of a shard's signature artifact. */
export const SHARD_SIGNATURES_SCHEMA = 'dedup-shard-signatures-v1';

/**
 * What dedup keeps per record of one shard, as the one-host step keeps it in memory: exact key (two
 * u32), MinHash signature, and with `verify: 'exact'` the sorted shingle hashes (offsets into one
 * array); quality, id and line (in the shard file) sit in a JSON header.
 */
export interface ShardSignatures {
  records: number;
  /** Lines in the shard file, blank ones included: the next shard's lines follow these. */
  lines: number;
  permutations: number;
  /** null for a record without an id of its own: its global line stands for it (sign-pass.ts lineId). */
  ids: (string | null)[];
  recordLines: number[];
  /** null for a record without a score (JSON has no -Infinity). */
  quality: (number | null)[];
  exact: Uint32Array;
  sigs: Uint32Array;
  /** Present with `verify: 'exact'`. */
  shingleOffsets?: Uint32Array;
  shingles?: Uint32Array;
}

type Header = Omit<ShardSignatures, 'exact' | 'sigs' | 'shingleOffsets' | 'shingles'> & { shingleCount?: number };

/** Layout: u32 header length, the JSON header padded to 4 bytes, then exact, sigs, offsets, shingles. */
export async function writeShardSignatures(store: ArtifactStore, s: ShardSignatures): Promise<ArtifactRef> {
  const { exact, sigs, shingleOffsets, shingles, ...rest } = s;
  const header: Header = { ...rest, ...(shingles ? { shingleCount: shingles.length } : {}) };
  let json = Buffer.from(JSON.stringify(header));
  json = Buffer.concat([json, Buffer.alloc((4 - (json.length % 4)) % 4, 0x20)]);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length);
  const arrays = [exact, sigs, ...(shingleOffsets && shingles ? [shingleOffsets, shingles] : [])];
  const bytes = Buffer.concat([len, json, ...arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))]);
  return store.putBytes(bytes, '.bin', { kind: 'index', schema: SHARD_SIGNATURES_SCHEMA, records: s.records });
}

export async function readShardSignatures(store: ArtifactStore, ref: ArtifactRef): Promise<ShardSignatures> {
  const buf = await fs.readFile(await store.localPath(ref));
  const bad = (why: string) => new PipelineError('ARTIFACT_CORRUPT', `artifact ${ref.uri} is not a ${SHARD_SIGNATURES_SCHEMA} file: ${why}`);
  if (buf.length < 4) throw bad('too short');
  const headerLength = buf.readUInt32LE(0);
  let header: Header;
  try {
    header = JSON.parse(buf.subarray(4, 4 + headerLength).toString('utf8')) as Header;
  } catch {
    throw bad('unreadable header');
  }
  // The arrays start 4-byte aligned within a copy that Node allocated aligned.
  const body = new Uint8Array(buf.subarray(4 + headerLength));
  const u32 = new Uint32Array(body.buffer, body.byteOffset, body.byteLength / 4);
  const n = header.records;
  const P = header.permutations;
  let at = 0;
  const take = (count: number): Uint32Array => {
    if (at + count > u32.length) throw bad('truncated');
    const a = u32.subarray(at, at + count);
    at += count;
    return a;
  };
  const exact = take(2 * n);
  const sigs = take(n * P);
  const { shingleCount, ...rest } = header;
  if (shingleCount === undefined) return { ...rest, exact, sigs };
  const shingleOffsets = take(n + 1);
  return { ...rest, exact, sigs, shingleOffsets, shingles: take(shingleCount) };
}

/** Record k's sorted shingle hashes. */
export function shingleSetOf(s: ShardSignatures, k: number): Uint32Array {
  if (!s.shingles || !s.shingleOffsets) throw new Error('signatures written without shingle sets');
  return s.shingles.subarray(s.shingleOffsets[k], s.shingleOffsets[k + 1]);
}
