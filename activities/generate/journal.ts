import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import type { Example } from './types.js';

/**
 * The generation journal: an append-only JSONL file in the state folder, one line per finished
 * attempt and per batch event. A retried activity replays it to learn which slots are done, how many
 * attempts each used, what was spent, and which Message Batches are still to be read, so that it
 * neither repeats nor drops an example. Text lives here and in artifacts, never in workflow history.
 */
export type JournalEntry =
  | { k: 'kept'; slot: number; attempt: number; family: string; variant: string; in: number; out: number; billed: boolean; example: Example }
  | { k: 'failed'; slot: number; attempt: number; family: string; variant: string; in: number; out: number; billed: boolean; reason: string; detail: string; final: boolean; example?: Example }
  | { k: 'batch'; batchId: string; ids: string[] }
  | { k: 'batch_done'; batchId: string };

export class Journal {
  private opening: Promise<fs.FileHandle> | undefined;

  constructor(readonly file: string) {}

  static async open(dir: string): Promise<Journal> {
    await fs.mkdir(dir, { recursive: true });
    const j = new Journal(path.join(dir, 'journal.jsonl'));
    return j;
  }

  /** Every complete entry (a line torn by a crash is ignored). */
  async *entries(): AsyncGenerator<JournalEntry> {
    try {
      await fs.access(this.file);
    } catch {
      return;
    }
    const rl = readline.createInterface({ input: createReadStream(this.file, 'utf8'), crlfDelay: Infinity });
    for await (const line of rl) {
      if (!line.trim()) continue;
      try {
        yield JSON.parse(line) as JournalEntry;
      } catch {
        // a torn last line from a killed process
      }
    }
  }

  async append(entry: JournalEntry): Promise<void> {
    // Concurrent requests append at once: they share one opening, or the first handle would leak.
    this.opening ??= this.openForAppend();
    const handle = await this.opening;
    await handle.write(`${JSON.stringify(entry)}\n`);
  }

  private async openForAppend(): Promise<fs.FileHandle> {
    const handle = await fs.open(this.file, 'a').catch((err: unknown) => {
      this.opening = undefined;
      throw err;
    });
    // A torn last line must not glue onto the next entry.
    const { size } = await handle.stat();
    if (size > 0) await handle.write('\n');
    return handle;
  }

  /** Makes what was appended durable (called at batch creation and at checkpoints). */
  async sync(): Promise<void> {
    await (await this.opening)?.sync();
  }

  async close(): Promise<void> {
    const opening = this.opening;
    this.opening = undefined;
    // An opening that failed has already thrown to its append: nothing to close.
    await (await opening?.catch(() => undefined))?.close();
  }

  async remove(): Promise<void> {
    await this.close();
    await fs.rm(path.dirname(this.file), { recursive: true, force: true });
  }
}
