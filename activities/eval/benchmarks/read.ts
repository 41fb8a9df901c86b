import fs from 'node:fs/promises';
import path from 'node:path';
import { readJsonl } from '../../../core/artifacts/jsonl.js';
import { PipelineError, type Issue } from '../../../core/errors.js';

/** A benchmark document with where it came from, so that errors can name the file and line. */
export interface Located<T> {
  doc: T;
  file: string;
  line: number;
}

/**
 * Reads a local benchmark file: JSONL (one document per line, lm-evaluation-harness's and the
 * Hugging Face datasets' export format) or a JSON array. Nothing is ever downloaded.
 */
export async function readBenchmarkFile(file: string, limit?: number): Promise<Located<Record<string, unknown>>[]> {
  const abs = path.resolve(file);
  await fs.access(abs).catch(() => {
    throw new PipelineError('INVALID_STEP_OPTIONS', `benchmark file not found: ${abs}`, [{ path: abs, message: 'file not found' }]);
  });
  const out: Located<Record<string, unknown>>[] = [];
  const push = (value: unknown, line: number): void => {
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw bad(abs, line, '(record)', 'not a JSON object');
    out.push({ doc: value as Record<string, unknown>, file: abs, line });
  };
  if (abs.endsWith('.json')) {
    const parsed: unknown = JSON.parse(await fs.readFile(abs, 'utf8'));
    if (!Array.isArray(parsed)) throw bad(abs, 1, '(file)', 'a .json benchmark file must hold an array of documents');
    parsed.forEach((v, i) => push(v, i + 1));
  } else {
    // readJsonl names the file and the line of a malformed or non-UTF-8 line.
    for await (const { value, line } of readJsonl(abs)) {
      push(value, line);
      if (limit !== undefined && out.length >= limit) break;
    }
  }
  return limit === undefined ? out : out.slice(0, limit);
}

export function bad(file: string, line: number, field: string, message: string): PipelineError {
  const issue: Issue = { path: `${file}:${line} ${field}`, message };
  return new PipelineError('INVALID_INPUT_DATA', `${file}:${line}: field "${field}": ${message}`, [issue]);
}

export function str(d: Located<Record<string, unknown>>, field: string): string {
  const v = d.doc[field];
  if (typeof v !== 'string') throw bad(d.file, d.line, field, `expected a string, got ${describe(v)}`);
  return v;
}

export function strArray(d: Located<Record<string, unknown>>, field: string, value: unknown = d.doc[field]): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((x) => typeof x === 'string')) {
    throw bad(d.file, d.line, field, `expected a non-empty array of strings, got ${describe(value)}`);
  }
  return value as string[];
}

export function describe(v: unknown): string {
  if (v === undefined) return 'nothing (missing)';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}
