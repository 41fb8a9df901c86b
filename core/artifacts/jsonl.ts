import type { Readable } from 'node:stream';
import { PipelineError } from '../errors.js';
import { FileSink, type SinkFs } from './file-sink.js';
import { MAX_LINE_BYTES, readWholeLines } from './lines.js';
import { decodeLine } from './text-line.js';

export interface JsonlRecord<T = unknown> {
  line: number;
  value: T;
}

/**
 * Reads JSONL, one JSON object per line, with the one rule for a line's bytes (./text-line.ts): a
 * BOM is dropped, invalid UTF-8 and malformed JSON fail, naming `name` (the file a user knows) and
 * the line, as does a line over `maxLineBytes` (./lines.ts). Raw user files that may hold bad lines
 * go through the validate stage instead, which sets each one aside with its reason.
 */
export async function* readJsonl<T = unknown>(source: Readable | string, name = typeof source === 'string' ? source : 'input', maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<JsonlRecord<T>> {
  for await (const raw of readWholeLines(source, name, maxLineBytes)) {
    const decoded = decodeLine(raw.bytes, raw.line);
    if ('problem' in decoded) throw badLine(name, raw.line, decoded.problem);
    if (decoded.bytes.length === 0) continue;
    let value: T;
    try {
      value = JSON.parse(decoded.text) as T;
    } catch (err) {
      throw badLine(name, raw.line, `malformed JSON (${(err as Error).message.split('\n')[0]})`);
    }
    yield { line: raw.line, value };
  }
}

function badLine(name: string, line: number, problem: string): PipelineError {
  return new PipelineError('INVALID_INPUT_DATA', `${name}:${line}: ${problem}; run the validate stage to find and set aside bad lines`, [{ path: `${name}:${line}`, message: problem }]);
}

/** A JSONL writer that respects back-pressure, counts what it wrote, and rejects on a write error (./file-sink.ts). */
export class JsonlWriter {
  private readonly out: FileSink;
  private pending: string[] = [];
  private pendingBytes = 0;
  count = 0;

  constructor(
    readonly path: string,
    fs?: SinkFs,
  ) {
    this.out = new FileSink(path, fs);
  }

  async write(value: unknown): Promise<void> {
    const text = JSON.stringify(value) + '\n';
    this.pending.push(text);
    this.pendingBytes += text.length;
    this.count++;
    if (this.pendingBytes >= 1 << 16) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const chunk = this.pending.join('');
    this.pending = [];
    this.pendingBytes = 0;
    await this.out.write(chunk);
  }

  async close(): Promise<void> {
    await this.flush();
    await this.out.close();
  }

  /** Stops without flushing (the file is about to be removed). */
  async destroy(): Promise<void> {
    this.pending = [];
    this.pendingBytes = 0;
    await this.out.destroy();
  }
}

export async function writeJsonl(path: string, values: Iterable<unknown> | AsyncIterable<unknown>): Promise<number> {
  const w = new JsonlWriter(path);
  try {
    for await (const v of values) await w.write(v);
    await w.close();
  } finally {
    await w.destroy();
  }
  return w.count;
}
