import fs from 'node:fs/promises';
import path from 'node:path';
import { readJsonl } from '../../core/artifacts/jsonl.js';
import { PipelineError } from '../../core/errors.js';

/** One record of a data folder, with where it came from (the file relative to the data root, and its line). */
export interface CorpusRecord {
  file: string;
  line: number;
  value: Record<string, unknown>;
}

/** Every file under `dir`, recursively, sorted so that reports list them in a stable order; none when it does not exist. */
export async function listFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true, recursive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name)).sort();
}

/**
 * Fails unless the data root is a folder: a scan of a mistyped root would find nothing and pass,
 * which for a PII scan is the worst answer. Its sub-folders may be missing (nothing there yet).
 */
export async function requireRoot(root: string): Promise<void> {
  const st = await fs.stat(root).catch(() => undefined);
  if (!st?.isDirectory()) {
    throw new PipelineError('INVALID_STEP_OPTIONS', `root: ${root} is not a folder (a seed 004 data folder with raw_data/, processed_data/, synthetic_data/, logs/, archive/)`, [
      { path: 'root', message: st ? 'not a folder' : 'does not exist' },
    ]);
  }
}

/** The JSONL files of the given folders of a seed 004 data root. */
export async function jsonlFiles(root: string, folders: readonly string[]): Promise<string[]> {
  const all = await Promise.all(folders.map((f) => listFiles(path.join(root, f))));
  return all.flat().filter((f) => f.endsWith('.jsonl'));
}

/**
 * Reads the records of the given folders. A line that is not a JSON object fails with the file and
 * line (readJsonl), since an operation over a corpus must not silently skip part of it.
 */
export async function* readCorpus(root: string, folders: readonly string[]): AsyncGenerator<CorpusRecord> {
  await requireRoot(root);
  for (const file of await jsonlFiles(root, folders)) {
    const rel = path.relative(root, file);
    for await (const { line, value } of readJsonl<unknown>(file, rel)) {
      if (!value || typeof value !== 'object' || Array.isArray(value)) {
        throw new PipelineError('INVALID_INPUT_DATA', `${rel}:${line}: a record must be a JSON object`, [{ path: `${rel}:${line}`, message: 'not an object' }]);
      }
      yield { file: rel, line, value: value as Record<string, unknown> };
    }
  }
}

/** Every string in a value at any depth, with its dotted path (`metadata.notes[2]`). */
export function* stringFields(value: unknown, at = ''): Generator<{ field: string; text: string }> {
  if (typeof value === 'string') yield { field: at, text: value };
  else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* stringFields(value[i], `${at}[${i}]`);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) yield* stringFields(v, at ? `${at}.${k}` : k);
}

/** `YYYYMMDD` of a date in UTC: the date stamp seed 004 puts in file names (line 59, logs at line 166). */
export function dateStamp(d: Date): string {
  return d.toISOString().slice(0, 10).replace(/-/g, '');
}
