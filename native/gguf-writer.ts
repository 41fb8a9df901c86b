import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import { FileSink } from '../core/artifacts/file-sink.js';
import { PipelineError } from '../core/errors.js';

/**
 * GGUF v3 reading and writing, to the spec in ggml's docs/gguf.md: little-endian header
 * (`GGUF`, version, tensor count, metadata count), typed key/value metadata, tensor infos
 * (name, dims with the fastest-varying first, ggml type, offset), then tensor data, each tensor
 * aligned to `general.alignment` (32 by default).
 */

export const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
export const GGUF_VERSION = 3;
export const GGUF_DEFAULT_ALIGNMENT = 32;

export const GGUF_TYPE = {
  UINT8: 0, INT8: 1, UINT16: 2, INT16: 3, UINT32: 4, INT32: 5, FLOAT32: 6, BOOL: 7,
  STRING: 8, ARRAY: 9, UINT64: 10, INT64: 11, FLOAT64: 12,
} as const;
export type GgufValueType = (typeof GGUF_TYPE)[keyof typeof GGUF_TYPE];

/** ggml tensor types this writer can produce (the reader passes any type through as bytes). */
export const GGML_TYPE = { F32: 0, F16: 1 } as const;

/** Names of the ggml tensor types users meet in GGUF files (ggml.h's `enum ggml_type`). */
const GGML_TYPE_NAMES: Record<number, string> = {
  0: 'F32', 1: 'F16', 2: 'Q4_0', 3: 'Q4_1', 6: 'Q5_0', 7: 'Q5_1', 8: 'Q8_0', 9: 'Q8_1', 10: 'Q2_K', 11: 'Q3_K',
  12: 'Q4_K', 13: 'Q5_K', 14: 'Q6_K', 15: 'Q8_K', 16: 'IQ2_XXS', 17: 'IQ2_XS', 18: 'IQ3_XXS', 19: 'IQ1_S',
  20: 'IQ4_NL', 21: 'IQ3_S', 22: 'IQ2_S', 23: 'IQ4_XS', 30: 'BF16',
};

export function ggmlTypeName(type: number): string {
  return GGML_TYPE_NAMES[type] ?? `type${type}`;
}

/** A metadata value with its GGUF type (numbers alone cannot say u32 from f32). */
export type GgufValue =
  | { type: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 12; value: number }
  | { type: 10 | 11; value: bigint }
  | { type: 7; value: boolean }
  | { type: 8; value: string }
  | { type: 9; itemType: Exclude<GgufValueType, 9>; value: (number | bigint | boolean | string)[] };

export const gguf = {
  u32: (value: number): GgufValue => ({ type: GGUF_TYPE.UINT32, value }),
  i32: (value: number): GgufValue => ({ type: GGUF_TYPE.INT32, value }),
  f32: (value: number): GgufValue => ({ type: GGUF_TYPE.FLOAT32, value }),
  u64: (value: bigint): GgufValue => ({ type: GGUF_TYPE.UINT64, value }),
  bool: (value: boolean): GgufValue => ({ type: GGUF_TYPE.BOOL, value }),
  str: (value: string): GgufValue => ({ type: GGUF_TYPE.STRING, value }),
  strs: (value: string[]): GgufValue => ({ type: GGUF_TYPE.ARRAY, itemType: GGUF_TYPE.STRING, value }),
  f32s: (value: number[]): GgufValue => ({ type: GGUF_TYPE.ARRAY, itemType: GGUF_TYPE.FLOAT32, value }),
  i32s: (value: number[]): GgufValue => ({ type: GGUF_TYPE.ARRAY, itemType: GGUF_TYPE.INT32, value }),
};

export interface GgufTensorInfo {
  name: string;
  /** ggml order: ne[0] (row length, fastest varying) first. */
  dims: number[];
  ggmlType: number;
  /** Offset from the start of the data section. */
  offset: bigint;
}

export interface GgufTensorSource {
  name: string;
  dims: number[];
  ggmlType: number;
  /** Raw tensor bytes, produced only when written so that big models need not sit in memory. */
  data(): Buffer | Promise<Buffer>;
  bytes: number;
}

const SCALAR_SIZE: Partial<Record<number, number>> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

function encodeString(s: string): Buffer {
  const body = Buffer.from(s, 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(body.length));
  return Buffer.concat([len, body]);
}

function encodeScalar(type: number, v: number | bigint | boolean | string): Buffer {
  if (type === GGUF_TYPE.STRING) return encodeString(String(v));
  const b = Buffer.alloc(SCALAR_SIZE[type] ?? 0);
  switch (type) {
    case 0: b.writeUInt8(Number(v)); break;
    case 1: b.writeInt8(Number(v)); break;
    case 2: b.writeUInt16LE(Number(v)); break;
    case 3: b.writeInt16LE(Number(v)); break;
    case 4: b.writeUInt32LE(Number(v)); break;
    case 5: b.writeInt32LE(Number(v)); break;
    case 6: b.writeFloatLE(Number(v)); break;
    case 7: b.writeUInt8(v ? 1 : 0); break;
    case 10: b.writeBigUInt64LE(BigInt(v)); break;
    case 11: b.writeBigInt64LE(BigInt(v)); break;
    case 12: b.writeDoubleLE(Number(v)); break;
    default: throw new PipelineError('INVALID_INPUT_DATA', `GGUF: cannot encode value type ${type}`);
  }
  return b;
}

function encodeValue(v: GgufValue): Buffer {
  const type = Buffer.alloc(4);
  type.writeUInt32LE(v.type);
  if (v.type === GGUF_TYPE.ARRAY) {
    const head = Buffer.alloc(12);
    head.writeUInt32LE(v.itemType, 0);
    head.writeBigUInt64LE(BigInt(v.value.length), 4);
    return Buffer.concat([type, head, ...v.value.map((x) => encodeScalar(v.itemType, x))]);
  }
  return Buffer.concat([type, encodeScalar(v.type, v.value)]);
}

const align = (n: bigint, a: bigint): bigint => ((n + a - 1n) / a) * a;

function encodeHeader(metadata: Map<string, GgufValue>, tensors: GgufTensorInfo[]): Buffer {
  const head = Buffer.alloc(24);
  head.writeUInt32LE(GGUF_MAGIC, 0);
  head.writeUInt32LE(GGUF_VERSION, 4);
  head.writeBigUInt64LE(BigInt(tensors.length), 8);
  head.writeBigUInt64LE(BigInt(metadata.size), 16);
  const parts: Buffer[] = [head];
  for (const [key, value] of metadata) parts.push(encodeString(key), encodeValue(value));
  for (const t of tensors) {
    const info = Buffer.alloc(4 + 8 * t.dims.length + 4 + 8);
    let o = info.writeUInt32LE(t.dims.length, 0);
    for (const d of t.dims) o = info.writeBigUInt64LE(BigInt(d), o);
    o = info.writeUInt32LE(t.ggmlType, o);
    info.writeBigUInt64LE(t.offset, o);
    parts.push(encodeString(t.name), info);
  }
  return Buffer.concat(parts);
}

function write(out: FileSink, chunk: Buffer): Promise<void> {
  return out.write(chunk);
}

function alignmentOf(metadata: Map<string, GgufValue>): number {
  const a = metadata.get('general.alignment');
  return a && a.type === GGUF_TYPE.UINT32 ? a.value : GGUF_DEFAULT_ALIGNMENT;
}

/** Writes a GGUF file: metadata in insertion order, then each tensor's data at an aligned offset. */
export async function writeGguf(file: string, metadata: Map<string, GgufValue>, tensors: GgufTensorSource[]): Promise<void> {
  const alignment = BigInt(alignmentOf(metadata));
  let offset = 0n;
  const infos: GgufTensorInfo[] = tensors.map((t) => {
    const info = { name: t.name, dims: t.dims, ggmlType: t.ggmlType, offset };
    offset = align(offset + BigInt(t.bytes), alignment);
    return info;
  });
  const header = encodeHeader(metadata, infos);
  const out = new FileSink(file);
  try {
    await write(out, header);
    await write(out, Buffer.alloc(Number(align(BigInt(header.length), alignment) - BigInt(header.length))));
    for (const [i, t] of tensors.entries()) {
      const data = await t.data();
      if (data.length !== t.bytes) throw new PipelineError('STEP_FAILED', `GGUF: tensor ${t.name} has ${data.length} bytes, expected ${t.bytes}`);
      await write(out, data);
      const next = i + 1 < infos.length ? infos[i + 1]!.offset : align(infos[i]!.offset + BigInt(t.bytes), alignment);
      const pad = Number(next - infos[i]!.offset - BigInt(t.bytes));
      if (pad > 0) await write(out, Buffer.alloc(pad));
    }
    await out.close();
  } catch (err) {
    // A write error (a full disk) rejects at once; the file is released, not waited on.
    await out.destroy();
    throw err;
  }
}

export interface GgufFile {
  version: number;
  metadata: Map<string, GgufValue>;
  tensors: GgufTensorInfo[];
  /** Absolute file offset where tensor data begins. */
  dataOffset: number;
  alignment: number;
}

/** A cursor over the header bytes; throws a clear error on a truncated or foreign file. */
class Reader {
  pos = 0;
  constructor(private buf: Buffer, private file: string) {}
  need(n: number): void {
    if (this.pos + n > this.buf.length) throw new RangeError('short');
  }
  u32(): number { this.need(4); const v = this.buf.readUInt32LE(this.pos); this.pos += 4; return v; }
  u64(): bigint { this.need(8); const v = this.buf.readBigUInt64LE(this.pos); this.pos += 8; return v; }
  str(): string {
    const n = Number(this.u64());
    this.need(n);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
  scalar(type: number): number | bigint | boolean | string {
    if (type === GGUF_TYPE.STRING) return this.str();
    const size = SCALAR_SIZE[type];
    if (size === undefined) throw new PipelineError('INVALID_INPUT_DATA', `${this.file}: unknown GGUF value type ${type} at byte ${this.pos}`);
    this.need(size);
    const b = this.buf;
    const p = this.pos;
    this.pos += size;
    switch (type) {
      case 0: return b.readUInt8(p);
      case 1: return b.readInt8(p);
      case 2: return b.readUInt16LE(p);
      case 3: return b.readInt16LE(p);
      case 4: return b.readUInt32LE(p);
      case 5: return b.readInt32LE(p);
      case 6: return b.readFloatLE(p);
      case 7: return b.readUInt8(p) !== 0;
      case 10: return b.readBigUInt64LE(p);
      case 11: return b.readBigInt64LE(p);
      default: return b.readDoubleLE(p);
    }
  }
  value(type: number): GgufValue {
    if (type === GGUF_TYPE.ARRAY) {
      const itemType = this.u32() as Exclude<GgufValueType, 9>;
      const n = Number(this.u64());
      const value: (number | bigint | boolean | string)[] = [];
      for (let i = 0; i < n; i++) value.push(this.scalar(itemType));
      return { type: 9, itemType, value };
    }
    return { type, value: this.scalar(type) } as GgufValue;
  }
}

/** Reads a GGUF file's header (metadata and tensor infos), growing the read window as needed. */
export async function readGguf(file: string): Promise<GgufFile> {
  const fh = await fs.open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    for (let window = 1 << 20; ; window *= 4) {
      const len = Math.min(window, size);
      const buf = Buffer.alloc(len);
      await fh.read(buf, 0, len, 0);
      try {
        return parseHeader(buf, file);
      } catch (err) {
        if (!(err instanceof RangeError)) throw err;
        if (len >= size) throw new PipelineError('INVALID_INPUT_DATA', `${file}: truncated GGUF header`);
      }
    }
  } finally {
    await fh.close();
  }
}

function parseHeader(buf: Buffer, file: string): GgufFile {
  const r = new Reader(buf, file);
  if (buf.length < 4 || r.u32() !== GGUF_MAGIC) throw new PipelineError('INVALID_INPUT_DATA', `${file}: not a GGUF file (bad magic)`);
  const version = r.u32();
  if (version < 2) throw new PipelineError('INVALID_INPUT_DATA', `${file}: GGUF version ${version} is not supported (need 2 or 3)`);
  const nTensors = Number(r.u64());
  const nKv = Number(r.u64());
  const metadata = new Map<string, GgufValue>();
  for (let i = 0; i < nKv; i++) {
    const key = r.str();
    metadata.set(key, r.value(r.u32()));
  }
  const tensors: GgufTensorInfo[] = [];
  for (let i = 0; i < nTensors; i++) {
    const name = r.str();
    const nDims = r.u32();
    const dims: number[] = [];
    for (let d = 0; d < nDims; d++) dims.push(Number(r.u64()));
    tensors.push({ name, dims, ggmlType: r.u32(), offset: r.u64() });
  }
  const alignment = alignmentOf(metadata);
  return { version, metadata, tensors, dataOffset: Number(align(BigInt(r.pos), BigInt(alignment))), alignment };
}

/** A metadata value as plain JSON (bigints as numbers when safe), for reports and tests. */
export function plainValue(v: GgufValue | undefined): unknown {
  if (!v) return undefined;
  const conv = (x: number | bigint | boolean | string): unknown => (typeof x === 'bigint' ? Number(x) : x);
  return Array.isArray(v.value) ? v.value.map(conv) : conv(v.value);
}

/**
 * Copies a GGUF file with some metadata keys set (or removed, with `undefined`). Tensor data is
 * copied byte for byte: only the header changes, so this is how names, licenses and data digests
 * are stamped into trained and quantized files.
 */
export async function rewriteGgufMetadata(src: string, dest: string, changes: Record<string, GgufValue | undefined>): Promise<void> {
  const parsed = await readGguf(src);
  const metadata = new Map(parsed.metadata);
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) metadata.delete(k);
    else metadata.set(k, v);
  }
  const header = encodeHeader(metadata, parsed.tensors);
  const alignment = BigInt(alignmentOf(metadata));
  const out = new FileSink(dest);
  try {
    await write(out, header);
    await write(out, Buffer.alloc(Number(align(BigInt(header.length), alignment) - BigInt(header.length))));
    for await (const chunk of createReadStream(src, { start: parsed.dataOffset, highWaterMark: 1 << 20 })) await write(out, chunk as Buffer);
    await out.close();
  } catch (err) {
    // A write error (a full disk) rejects at once; the file is released, not waited on.
    await out.destroy();
    throw err;
  }
}
