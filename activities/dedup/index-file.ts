import fs from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { ArtifactRef } from '../../core/artifacts/ref.js';
import type { ArtifactStore } from '../../core/artifacts/store.js';
import { PipelineError } from '../../core/errors.js';
import type { MinhashParams } from './minhash.js';

/**
 * The persistent dedup index: for every record earlier runs kept, its exact key, its MinHash
 * signature and its id. A later run loads it and checks new records against it without rehashing
 * old data, and split reuses the signatures of the records dedup kept (`signed`) instead of signing
 * them again. Layout: `FLDEDUP1`, a uint32 header length, a JSON header (params, count, signed)
 * padded to 4 bytes, exact keys (2 x uint32 each), signatures (permutations x uint32 each), ids as
 * JSON; numbers little-endian.
 */
export interface DedupIndex {
  params: MinhashParams;
  count: number;
  exact: Uint32Array;
  sigs: Uint32Array;
  ids: string[];
  /** What the run that wrote the index signed: its kept records are entries `first..count-1`, in order. Absent in older indexes. */
  signed?: SignedRecords;
}

/** What the index's JSON header holds: enough to decide whether an index fits a run, without its entries. */
export type IndexHeader = Pick<DedupIndex, 'params' | 'count' | 'signed'>;

/** The records artifact (by digest) whose entries an index holds, and the fields their text was taken from. */
export interface SignedRecords {
  sha256: string;
  first: number;
  /** The compared fields; null: the fields of the record format (`recordText`'s default). */
  fields: string[] | null;
}

/** The `fields` option as an index records it: an empty list means the default, as in `recordText`. */
export const signedFields = (fields: readonly string[] | undefined): string[] | null => (fields && fields.length > 0 ? [...fields] : null);

const MAGIC = Buffer.from('FLDEDUP1');
export const INDEX_SCHEMA = 'dedup-index-v1';

function pad4(n: number): number {
  return (n + 3) & ~3;
}

/** Magic, header length and the JSON header padded with spaces to 4 bytes: the entries after it start 4-byte aligned. */
function prelude(header: IndexHeader): Buffer {
  const json = Buffer.from(JSON.stringify({ params: header.params, count: header.count, signed: header.signed }));
  const headerLen = pad4(json.length);
  const pre = Buffer.alloc(12 + headerLen, 0x20);
  MAGIC.copy(pre, 0);
  pre.writeUInt32LE(headerLen, 8);
  json.copy(pre, 12);
  return pre;
}

/** The header of an index whose first bytes are `buf`; undefined while `buf` is shorter than magic, length and header. */
function parseHeader(buf: Buffer, where: string): { header: IndexHeader; end: number } | undefined {
  if (buf.length >= 8 && !buf.subarray(0, 8).equals(MAGIC)) {
    throw new PipelineError('INVALID_INPUT_DATA', `${where}: not a Forgeline dedup index`, [{ path: 'index', message: 'bad magic bytes' }]);
  }
  if (buf.length < 12) return undefined;
  const end = 12 + buf.readUInt32LE(8);
  if (buf.length < end) return undefined;
  try {
    return { header: JSON.parse(buf.subarray(12, end).toString('utf8')) as IndexHeader, end };
  } catch {
    throw new PipelineError('ARTIFACT_CORRUPT', `${where}: the dedup index's header is not JSON`);
  }
}

function truncatedHeader(where: string, bytes: number): PipelineError {
  return new PipelineError('ARTIFACT_CORRUPT', `${where}: the dedup index ends inside its header (${bytes} bytes)`);
}

/** Reads a stream's chunks until the index header is complete; returns it and the bytes of that last chunk after it. */
async function takeHeader(chunks: AsyncIterator<Buffer>, where: string): Promise<{ header: IndexHeader; rest: Buffer }> {
  let buf = Buffer.alloc(0);
  for (;;) {
    const next = await chunks.next();
    if (next.done) throw truncatedHeader(where, buf.length);
    buf = Buffer.concat([buf, next.value]);
    const parsed = parseHeader(buf, where);
    if (parsed) return { header: parsed.header, rest: buf.subarray(parsed.end) };
  }
}

/** Bytes asked for a header first: a header is a few hundred bytes, so one ranged read nearly always holds it. */
const HEADER_PREFIX_BYTES = 64 * 1024;

/**
 * The header alone, from a prefix of the file (on S3 a ranged read, not the whole index); a header
 * longer than the first read gets a second read of exactly its length. Not digest-checked (that
 * needs every byte): a reader that goes on to use the entries reads them with `readIndex`, which
 * checks. Split's shards decide with it whether dedup's index fits their records (issue 23).
 */
export async function readIndexHeader(store: ArtifactStore, ref: ArtifactRef): Promise<IndexHeader> {
  let prefix = await store.readPrefix(ref, HEADER_PREFIX_BYTES);
  let parsed = parseHeader(prefix, ref.uri);
  if (!parsed && prefix.length >= 12 && prefix.length < ref.bytes) {
    prefix = await store.readPrefix(ref, 12 + prefix.readUInt32LE(8));
    parsed = parseHeader(prefix, ref.uri);
  }
  if (!parsed) throw truncatedHeader(ref.uri, prefix.length);
  return parsed.header;
}

/**
 * A copy of an index under another `signed`: a new header, then the old entries streamed through
 * unchanged (hundreds of MB at a million records, never held in memory here). The copy's bytes are
 * those `writeIndex` writes for the same index with that `signed`. Sharded dedup names its survivors'
 * manifest this way once `dedup.finish` has written it, after `dedup.cluster` wrote the index.
 */
export async function withSigned(store: ArtifactStore, ref: ArtifactRef, signed: SignedRecords): Promise<ArtifactRef> {
  const stream = await store.read(ref);
  const w = await store.writer('.fldx');
  const fh = await fs.open(w.path, 'w');
  let count: number;
  try {
    const chunks = chunksOf(stream);
    const { header, rest } = await takeHeader(chunks, ref.uri);
    count = header.count;
    await fh.write(prelude({ ...header, signed }));
    await fh.write(rest);
    // The stream's digest check ends the loop with ARTIFACT_CORRUPT if the old index was damaged.
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) await fh.write(next.value);
  } catch (err) {
    stream.destroy();
    await fh.close();
    await w.abort();
    throw err;
  }
  await fh.close();
  return w.commit({ kind: 'index', schema: INDEX_SCHEMA, records: count });
}

function chunksOf(stream: Readable): AsyncIterator<Buffer> {
  return (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
}

export async function writeIndex(store: ArtifactStore, index: DedupIndex): Promise<ArtifactRef> {
  const w = await store.writer('.fldx');
  const fh = await fs.open(w.path, 'w');
  try {
    await fh.write(prelude(index));
    const P = index.params.permutations;
    await fh.write(new Uint8Array(index.exact.buffer, index.exact.byteOffset, index.count * 2 * 4));
    // Signatures in slices, so that a large index is not copied in one piece.
    const chunk = 65536;
    for (let i = 0; i < index.count; i += chunk) {
      const n = Math.min(chunk, index.count - i);
      await fh.write(new Uint8Array(index.sigs.buffer, index.sigs.byteOffset + i * P * 4, n * P * 4));
    }
    await fh.write(Buffer.from(JSON.stringify(index.ids)));
  } catch (err) {
    // A failed write (a full disk) leaves no temp file.
    await fh.close();
    await w.abort();
    throw err;
  }
  await fh.close();
  return w.commit({ kind: 'index', schema: INDEX_SCHEMA, records: index.count });
}

export async function readIndex(store: ArtifactStore, ref: ArtifactRef): Promise<DedupIndex> {
  const file = await store.localPath(ref);
  const buf = await fs.readFile(file);
  const parsed = parseHeader(buf, file);
  if (!parsed) {
    if (buf.length < 12) throw new PipelineError('INVALID_INPUT_DATA', `${file}: not a Forgeline dedup index`, [{ path: 'index', message: 'bad magic bytes' }]);
    throw truncatedHeader(file, buf.length);
  }
  const { header } = parsed;
  const P = header.params.permutations;
  let off = parsed.end;
  // A view on the file's bytes where they are 4-byte aligned (they are at the start of a buffer of
  // their own): no second copy of the signatures, which are hundreds of MB for a large corpus.
  const take = (words: number): Uint32Array => {
    const at = buf.byteOffset + off;
    const out = at % 4 === 0 ? new Uint32Array(buf.buffer, at, words) : new Uint32Array(words);
    if (at % 4 !== 0) new Uint8Array(out.buffer).set(buf.subarray(off, off + words * 4));
    off += words * 4;
    return out;
  };
  const exact = take(header.count * 2);
  const sigs = take(header.count * P);
  const ids = JSON.parse(buf.subarray(off).toString('utf8')) as string[];
  if (ids.length !== header.count) throw new PipelineError('ARTIFACT_CORRUPT', `${file}: index lists ${ids.length} ids for ${header.count} entries`);
  return { params: header.params, count: header.count, exact, sigs, ids, ...(header.signed ? { signed: header.signed } : {}) };
}

/** An index is usable only under the parameters that built it. */
export function sameParams(a: MinhashParams, b: MinhashParams): string[] {
  const diffs: string[] = [];
  for (const k of ['shingle', 'size', 'permutations', 'bands', 'seed'] as const) if (a[k] !== b[k]) diffs.push(`${k}: index ${a[k]}, run ${b[k]}`);
  for (const k of Object.keys(a.normalize) as (keyof MinhashParams['normalize'])[]) {
    if (a.normalize[k] !== b.normalize[k]) diffs.push(`normalize.${k}: index ${a.normalize[k]}, run ${b.normalize[k]}`);
  }
  return diffs;
}
