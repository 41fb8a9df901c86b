import { createReadStream } from 'node:fs';
import type { ArtifactRef } from '../../core/artifacts/ref.js';
import type { ArtifactStore, ArtifactWriter } from '../../core/artifacts/store.js';
import { FileSink } from '../../core/artifacts/file-sink.js';

const LF = 0x0a;

/** Lines in a file (a last line without LF counts). */
export async function countLines(file: string): Promise<number> {
  let lines = 0;
  let last = LF;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(LF); i !== -1; i = chunk.indexOf(LF, i + 1)) lines++;
    if (chunk.length > 0) last = chunk[chunk.length - 1]!;
  }
  return last === LF ? lines : lines + 1;
}

/**
 * The first line of each of `n` contiguous, near-equal ranges over `lines` lines: shard i holds lines
 * [start(i), start(i+1)). Contiguous, so the shards' outputs read in shard order are the one-file
 * output in its order; a function of (lines, n) only, so the same file always gives the same shards.
 */
export function shardStart(i: number, lines: number, n: number): number {
  return Math.floor((i * lines) / n);
}

/**
 * Copies `file` byte for byte into `n` shards of whole lines (blank and malformed lines included:
 * a sharded `validate` still sees and rejects them). A shard's `records` counts its non-blank lines.
 */
export async function splitLines(store: ArtifactStore, file: string, n: number, schema: string, onLines?: (done: number) => void): Promise<ArtifactRef[]> {
  const total = await countLines(file);
  const refs: ArtifactRef[] = [];
  let shard = 0;
  let line = 0;
  let blankSoFar = true;
  let records = 0;
  let writer: ArtifactWriter | undefined;
  let sink: FileSink | undefined;
  const open = async (): Promise<void> => {
    writer = await store.writer('.jsonl');
    sink = new FileSink(writer.path, writer.fs);
    records = 0;
  };
  const close = async (): Promise<void> => {
    await sink!.close();
    refs.push(await writer!.commit({ kind: 'records', schema, records }));
    writer = undefined;
  };
  try {
    await open();
    // Shards that start at the same line as the next one are empty (fewer lines than shards); they
    // are still listed, so that shard i of a manifest is always shard i of n.
    const advance = async (): Promise<void> => {
      while (shard < n - 1 && line >= shardStart(shard + 1, total, n)) {
        await close();
        shard++;
        await open();
      }
    };
    await advance();
    for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
      // Written a run of lines at a time: one stream write per line is most of the cost at 1M lines.
      let from = 0;
      for (let i = 0; i < chunk.length; i++) {
        const b = chunk[i]!;
        if (b !== LF) {
          if (blankSoFar && b !== 0x0d && b !== 0x20 && b !== 0x09) blankSoFar = false;
          continue;
        }
        if (!blankSoFar) records++;
        blankSoFar = true;
        line++;
        if (line % 50_000 === 0) onLines?.(line);
        if (shard < n - 1 && line >= shardStart(shard + 1, total, n)) {
          await sink!.write(chunk.subarray(from, i + 1));
          from = i + 1;
          await advance();
        }
      }
      if (from < chunk.length) await sink!.write(chunk.subarray(from));
    }
    if (!blankSoFar) records++;
    await close();
    return refs;
  } catch (err) {
    await sink?.destroy().catch(() => undefined);
    await writer?.abort();
    throw err;
  }
}
