import { readWholeLines, stripBom } from '../../core/artifacts/lines.js';
import type { ArtifactRef } from '../../core/artifacts/ref.js';
import type { ArtifactStore } from '../../core/artifacts/store.js';
import { RecordsWriter } from '../../core/stage/records-io.js';
import { SPLITS, TEST, TRAIN, VALID, type SplitName } from './assign.js';

const BATCH_BYTES = 1 << 20;

/**
 * Split's second pass: line i of `ref` goes to `writers[target(i)]` as the bytes it was read as.
 * The first pass decoded and parsed every line (bad UTF-8 stopped it there), so decoding each line
 * to a string and encoding it again, as `readLines` + `writeLine` do, would give the same bytes at
 * twice the cost. Lines are copied into a batch per writer, written once the batch is full.
 * Empty lines are skipped as `readRecords` skips them, so line i is record i.
 */
export async function copyLines(store: ArtifactStore, ref: ArtifactRef, writers: readonly RecordsWriter[], target: (i: number) => number): Promise<void> {
  const batches = writers.map(() => ({ buf: Buffer.allocUnsafe(BATCH_BYTES), used: 0, lines: 0 }));
  const flush = async (w: number): Promise<void> => {
    const b = batches[w]!;
    if (b.lines === 0) return;
    const bytes = b.buf.subarray(0, b.used);
    const lines = b.lines;
    // A fresh buffer: the writer may hold the last one until the file has taken it.
    Object.assign(b, { buf: Buffer.allocUnsafe(BATCH_BYTES), used: 0, lines: 0 });
    await writers[w]!.writeBytes(bytes, lines);
  };
  let i = 0;
  for await (const raw of readWholeLines(await store.read(ref), ref.uri)) {
    const body = stripBom(raw.bytes, raw.line);
    if (body.length === 0) continue;
    const w = target(i++);
    const b = batches[w]!;
    if (b.used + body.length + 1 > b.buf.length) await flush(w);
    if (body.length + 1 > b.buf.length) {
      await writers[w]!.writeBytes(Buffer.concat([body, Buffer.from('\n')]), 1);
      continue;
    }
    body.copy(b.buf, b.used);
    b.buf[b.used + body.length] = 10;
    b.used += body.length + 1;
    b.lines++;
  }
  for (let w = 0; w < writers.length; w++) await flush(w);
}

/** Pass 2 of split: record i of `ref` into the output of split `target(i)` (assign.ts TRAIN, VALID, TEST), the outputs of `schema`. */
export async function writeSplits(store: ArtifactStore, ref: ArtifactRef, target: (i: number) => number, schema: string): Promise<Record<SplitName, ArtifactRef>> {
  const writers = await Promise.all(SPLITS.map(() => RecordsWriter.open(store)));
  try {
    await copyLines(store, ref, writers, target);
  } catch (err) {
    await Promise.all(writers.map((w) => w.abort()));
    throw err;
  }
  return { train: await writers[TRAIN]!.commit(schema), valid: await writers[VALID]!.commit(schema), test: await writers[TEST]!.commit(schema) };
}
