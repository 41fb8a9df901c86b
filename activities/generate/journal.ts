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
  private handle: fs.FileHandle | undefined;

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
    if (!this.handle) {
      this.handle = await fs.open(this.file, 'a');
      // A torn last line must not glue onto the next entry.
      const { size } = await this.handle.stat();
      if (size > 0) await this.handle.write('\n');
    }
    await this.handle.write(`${JSON.stringify(entry)}\n`);
  }

  /** Makes what was appended durable (called at batch creation and at checkpoints). */
  async sync(): Promise<void> {
    await this.handle?.sync();
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }

  async remove(): Promise<void> {
    await this.close();
    await fs.rm(path.dirname(this.file), { recursive: true, force: true });
  }
}
