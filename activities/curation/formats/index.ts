import { open } from 'node:fs/promises';
import path from 'node:path';
import type { FileLineChunkOptions } from '../../../core/stage/file-chunks.js';
import type { UnitSource } from '../../../core/stage/units.js';
import { readJsonArrayUnits } from './json-array.js';
import { readParquetUnits } from './parquet.js';

export const INPUT_FORMATS = ['auto', 'jsonl', 'json', 'parquet'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

/**
 * Picks the reader: Parquet by its `PAR1` magic, a JSON array when the first non-blank byte is `[`,
 * JSONL otherwise (a file name ending `.parquet` / `.json` also decides when the content is empty).
 */
export async function detectInputFormat(file: string): Promise<Exclude<InputFormat, 'auto'>> {
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(4096);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    const bytes = head.subarray(0, bytesRead);
    if (bytes.subarray(0, 4).toString('latin1') === 'PAR1') return 'parquet';
    let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
    if (bytes[i] === 0x5b) return 'json';
    if (i >= bytes.length) {
      const ext = path.extname(file).toLowerCase();
      if (ext === '.parquet') return 'parquet';
      if (ext === '.json') return 'json';
    }
    return 'jsonl';
  } finally {
    await fh.close();
  }
}

/** The file as a stage's input; `jsonl` options apply to a JSONL file only (`'file' in input` tells). */
export async function readUnits(file: string, format: InputFormat, jsonl: FileLineChunkOptions = {}): Promise<{ format: Exclude<InputFormat, 'auto'>; input: UnitSource }> {
  const resolved = format === 'auto' ? await detectInputFormat(file) : format;
  const input = resolved === 'parquet' ? { units: readParquetUnits(file) } : resolved === 'json' ? { units: readJsonArrayUnits(file) } : { file, ...jsonl };
  return { format: resolved, input };
}
