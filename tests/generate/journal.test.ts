import { describe, expect, it } from '@jest/globals';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Journal, type JournalEntry } from '../../activities/generate/journal.js';
import { tempHome } from './helpers.js';

/** Open file descriptors of this process (Linux); undefined elsewhere. */
async function openFds(): Promise<number | undefined> {
  return fs.readdir('/proc/self/fd').then(
    (l) => l.length,
    () => undefined,
  );
}

const entry = (slot: number): JournalEntry => ({ k: 'kept', slot, attempt: 0, family: 'tlp', variant: 'TLP:RED', in: 1, out: 1, billed: true, example: { n: slot } });

describe('generation journal', () => {
  it('concurrent first appends share one file handle, and every entry is kept', async () => {
    const j = await Journal.open(path.join(await tempHome(), 'j'));
    const before = await openFds();
    await Promise.all(Array.from({ length: 40 }, (_, i) => j.append(entry(i))));
    if (before !== undefined) expect(await openFds()).toBe(before + 1);
    await j.sync();
    await j.close();
    if (before !== undefined) expect(await openFds()).toBe(before);
    const slots: number[] = [];
    for await (const e of j.entries()) if (e.k === 'kept') slots.push(e.slot);
    expect(slots.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    // A fresh file starts with an entry, not with the separator for a torn line.
    expect((await fs.readFile(j.file, 'utf8')).split('\n').filter((l) => l === '')).toEqual(['']);
  });

  it('reopened after a torn last line, the next entry starts on its own line', async () => {
    const dir = path.join(await tempHome(), 'j');
    const j = await Journal.open(dir);
    await j.append(entry(0));
    await j.close();
    await fs.appendFile(j.file, '{"k":"kept","slot":1,"att');
    const again = await Journal.open(dir);
    await again.append(entry(2));
    await again.close();
    const slots: number[] = [];
    for await (const e of again.entries()) if (e.k === 'kept') slots.push(e.slot);
    expect(slots).toEqual([0, 2]);
  });
});
