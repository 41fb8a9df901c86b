import fs from 'node:fs/promises';
import path from 'node:path';
import type { CachedResult, StepCache } from './step-cache.js';

/**
 * Single flight per cache key (issue 24, item 8): when identical steps start at once (eight smoke
 * runs, two quickstarts), one computes and the others wait for its cache entry instead of training
 * the same model twice.
 *
 * The lease is a lock folder beside the cache entries, held with proper-lockfile rather than by
 * hand: it refreshes the lock's mtime while the holder lives and treats a lock as stale once that
 * refresh stops, so a SIGKILLed worker's lease lapses by itself after `STALE_MS`. It is a lease on
 * one host's state folder; workers that share no folder simply compute side by side, as before,
 * and the content-addressed store keeps their results identical.
 */
const STALE_MS = 15_000;
const POLL_MS = 250;

export type Flight =
  | { kind: 'leader'; release(): Promise<void> }
  | { kind: 'follower'; hit: CachedResult };

export interface WaitHooks {
  /** Called while waiting, so the waiting activity keeps heartbeating and can say why it waits. */
  onWait(): void;
  signal: AbortSignal;
}

/**
 * Returns a lease to compute `key`, or the cache entry another holder wrote while this one waited.
 * A holder that fails releases the lease without an entry; one waiter then takes it and computes.
 */
export async function joinFlight(cache: StepCache, key: string, hooks: WaitHooks): Promise<Flight> {
  const dir = cache.dir;
  await fs.mkdir(dir, { recursive: true });
  const target = path.join(dir, `${key}.json`);
  const lockOptions = {
    realpath: false,
    stale: STALE_MS,
    lockfilePath: path.join(dir, `${key}.lock`),
    // A lease found compromised (its folder removed or its refresh late) means another worker may
    // compute too. That costs time, not correctness: outputs are content-addressed and the cache
    // entry is written by an atomic rename. The default handler would throw from a timer.
    onCompromised: () => undefined,
  };
  // Loaded here, not at the top: proper-lockfile loads signal-exit, which hooks SIGXFSZ, SIGTERM and
  // more in any process that imports it, and re-raises them with the default action. `forgeline
  // stage` reaches this module without taking a lease; a write past `ulimit -f` there must stay an
  // EFBIG error with a message, not a silent kill (tests/core/disk-full.test.ts).
  const { default: lockfile } = await import('proper-lockfile');
  for (;;) {
    hooks.signal.throwIfAborted();
    try {
      const release = await lockfile.lock(target, lockOptions);
      // The previous holder may have finished between our lookup and our lock.
      const hit = await cache.lookup(key);
      if (hit) {
        await release();
        return { kind: 'follower', hit };
      }
      return { kind: 'leader', release: () => release().catch(() => undefined) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
    }
    hooks.onWait();
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const hit = await cache.lookup(key);
    if (hit) return { kind: 'follower', hit };
  }
}
