import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A JSONL file of `count` instruction records with ids `<prefix>-<start>`..; returns its path. */
export async function writeExamples(dir: string, name: string, ids: string[], withIds = true): Promise<string> {
  const file = path.join(dir, name);
  const lines = ids.map((id) => JSON.stringify({ ...(withIds ? { id } : {}), instruction: `question ${id}`, input: '', output: `answer for ${id}` }));
  await writeFile(file, lines.join('\n') + '\n');
  return file;
}

export const range = (prefix: string, from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => `${prefix}-${from + i}`);

export async function tempDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'forgeline-triggers-'));
}

/** Polls until `probe` returns a value (not undefined), or fails after `timeoutMs` naming what it waited for. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
}

/** A tag unique to this test run, so that gate keys and schedule ids never meet earlier runs' on the shared server. */
export const uniqueTag = (): string => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
