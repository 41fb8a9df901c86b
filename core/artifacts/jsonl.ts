import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { PipelineError } from '../errors.js';
import { readRawLines } from './lines.js';
import { decodeLine } from './text-line.js';

export interface JsonlRecord<T = unknown> {
  line: number;
  value: T;
}

/**
 * Reads JSONL, one JSON object per line, with the one rule for a line's bytes (./text-line.ts): a
 * BOM is dropped, invalid UTF-8 and malformed JSON fail, naming `name` (the file a user knows) and
 * the line. Raw user files that may hold bad lines go through the validate stage instead, which
 * sets each one aside with its reason.
 */
export async function* readJsonl<T = unknown>(source: Readable | string, name = typeof source === 'string' ? source : 'input'): AsyncGenerator<JsonlRecord<T>> {
  for await (const raw of readRawLines(source)) {
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
