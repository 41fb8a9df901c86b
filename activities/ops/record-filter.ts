import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { readRawLines } from '../../core/artifacts/lines.js';

/** The lines of a JSONL file, gunzipped on the way when it ends in `.gz` (the archive compresses, seed 004 line 189). */
function open(file: string): Readable | string {
  return file.endsWith('.gz') ? createReadStream(file).pipe(createGunzip()) : file;
}

/** Whether a line is a record whose `idField` is `id`; a line that is not JSON cannot be the record. */
function isRecord(text: string, idField: string, id: string): boolean {
  if (!text.includes(id)) return false;
  try {
    return String((JSON.parse(text) as Record<string, unknown>)[idField]) === id;
  } catch {
    return false;
  }
}

/** Whether a record of this JSONL file (or .jsonl.gz) has the id. */
export async function holdsRecord(file: string, idField: string, id: string): Promise<boolean> {
  for await (const raw of readRawLines(open(file))) if (isRecord(raw.bytes.toString('utf8'), idField, id)) return true;
  return false;
}

/**
 * Rewrites a JSONL file (or .jsonl.gz, recompressed) without the records that have the id, through
 * a temporary file and a rename, streaming; returns how many went. An untouched file is not rewritten.
 */
export async function removeRecord(file: string, idField: string, id: string): Promise<number> {
  let count = 0;
  for await (const raw of readRawLines(open(file))) if (isRecord(raw.bytes.toString('utf8'), idField, id)) count++;
  if (count === 0) return 0;
  const { mtime } = await fs.stat(file);
  const tmp = `${file}.forget-${process.pid}`;
  async function* kept(): AsyncGenerator<string> {
    for await (const raw of readRawLines(open(file))) {
      const text = raw.bytes.toString('utf8');
      if (!isRecord(text, idField, id)) yield `${text}\n`;
    }
  }
  await pipeline(kept(), file.endsWith('.gz') ? createGzip({ level: 9 }) : new PassThrough(), createWriteStream(tmp));
  // Retention's clock is the file's age: removing one record does not make the file new.
  await fs.utimes(tmp, mtime, mtime);
  await fs.rename(tmp, file);
  return count;
}
