import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { readRawLines, stripBom } from './lines.js';

export interface JsonlRecord<T = unknown> {
  line: number;
  value: T;
}

/**
 * Reads JSONL written by Forgeline itself (one JSON object per line). Raw user files go through the
 * validate stage instead, which reports every kind of bad line.
 */
export async function* readJsonl<T = unknown>(source: Readable | string): AsyncGenerator<JsonlRecord<T>> {
  const decoder = new TextDecoder('utf-8');
  for await (const raw of readRawLines(source)) {
    const bytes = stripBom(raw.bytes, raw.line);
    if (bytes.length === 0) continue;
    yield { line: raw.line, value: JSON.parse(decoder.decode(bytes)) as T };
  }
}

/** A JSONL writer that respects back-pressure and counts what it wrote. */
export class JsonlWriter {
  private readonly out: WriteStream;
  private pending: string[] = [];
  private pendingBytes = 0;
  count = 0;

  constructor(readonly path: string) {
    this.out = createWriteStream(path);
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
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    this.out.end();
    await once(this.out, 'close');
  }
}

export async function writeJsonl(path: string, values: Iterable<unknown> | AsyncIterable<unknown>): Promise<number> {
  const w = new JsonlWriter(path);
  for await (const v of values) await w.write(v);
  await w.close();
  return w.count;
}
