import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { permutations, signBatch, type MinhashParams, type Permutations, type SignedBatch } from './minhash.js';

/** Inputs smaller than this are signed on the calling thread. */
const INLINE_LIMIT = 5000;

/**
 * Collects MinHash signatures and exact keys for a stream of texts, in input order. Shingling and
 * hashing run on worker threads (one per core by default); the caller keeps reading and parsing.
 * Memory: `permutations` x 4 bytes per text (448 MB per million texts at 112 permutations); with
 * `withShingles`, also 4 bytes per distinct shingle (about 280 MB per million texts of 70 words).
 */
export class SignatureTable {
  sigs: Uint32Array;
  exact: Uint32Array;
  count = 0;
  /** Worker threads started for this table (0: everything was signed on the calling thread). */
  threadsUsed = 0;
  /** Shingle sets per batch (every batch but the last holds `batchSize` texts, so text i is in batch i / batchSize). */
  private readonly shingleBatches: { shingles: Uint32Array; offsets: Uint32Array }[] = [];
  private batch: string[] = [];
  private batchStart = 0;
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { start: number; resolve: () => void; reject: (e: unknown) => void }>();
  private readonly inflight: Promise<void>[] = [];
  private nextId = 0;
  private nextWorker = 0;
  private readonly perm: Permutations;
  private readonly threads: number;
  private closed = false;

  constructor(
    readonly params: MinhashParams,
    expected: number,
    threads: number,
    private readonly batchSize = 1000,
    readonly withShingles = false,
  ) {
    const cap = Math.max(16, expected);
    this.sigs = new Uint32Array(cap * params.permutations);
    this.exact = new Uint32Array(cap * 2);
    this.perm = permutations(params);
    this.threads = threads > 0 ? threads : os.availableParallelism();
    // Small inputs are signed inline: starting threads would cost more than it saves. When the size
    // is not known up front (a plain file from the CLI), threads start once the input proves large.
    if (expected >= INLINE_LIMIT) this.startWorkers();
  }

  private startWorkers(): void {
    if (this.threads <= 1 || this.workers.length > 0) return;
    for (let i = 0; i < this.threads; i++) {
      const w = new Worker(new URL('./sign-worker.js', import.meta.url), { workerData: { params: this.params, withShingles: this.withShingles } });
      w.on('message', (m: SignedBatch & { id: number }) => this.onResult(m));
      w.on('error', (e) => {
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
      });
      this.workers.push(w);
    }
    this.threadsUsed = this.workers.length;
  }

  private ensure(n: number): void {
    const P = this.params.permutations;
    if (n * P <= this.sigs.length) return;
    // Doubling: the copies add up to less than the final size when the count was not known up front.
    const cap = Math.max(n, (this.sigs.length / P) * 2);
    const sigs = new Uint32Array(cap * P);
    sigs.set(this.sigs);
    this.sigs = sigs;
    const exact = new Uint32Array(cap * 2);
    exact.set(this.exact);
    this.exact = exact;
  }

  private onResult(m: SignedBatch & { id: number }): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    this.place(p.start, m);
    p.resolve();
  }

  private place(start: number, r: SignedBatch): void {
    this.sigs.set(r.sigs, start * this.params.permutations);
    this.exact.set(r.exact, start * 2);
    if (r.shingles && r.offsets) this.shingleBatches[start / this.batchSize] = { shingles: r.shingles, offsets: r.offsets };
  }

  /** Text i's sorted shingle hashes (only with `withShingles`). */
  shingleSet(i: number): Uint32Array {
    const b = this.shingleBatches[Math.floor(i / this.batchSize)];
    if (!b) throw new Error(`no shingle set for text ${i}: the table was made without withShingles`);
    const k = i % this.batchSize;
    return b.shingles.subarray(b.offsets[k], b.offsets[k + 1]);
  }

  /** Adds a text; resolves quickly, waiting only when too many batches are in flight. */
  async add(text: string): Promise<number> {
    const index = this.count++;
    this.batch.push(text);
    if (this.batch.length >= this.batchSize) await this.dispatch();
    return index;
  }

  private async dispatch(): Promise<void> {
    const texts = this.batch;
    const start = this.batchStart;
    this.batch = [];
    this.batchStart = this.count;
    if (texts.length === 0) return;
    this.ensure(start + texts.length);
    if (!this.closed && start + texts.length >= INLINE_LIMIT) this.startWorkers();
    if (this.workers.length === 0) {
      this.place(start, signBatch(texts, this.params, this.perm, this.withShingles));
      return;
    }
    const id = this.nextId++;
    const done = new Promise<void>((resolve, reject) => this.pending.set(id, { start, resolve, reject }));
    this.workers[this.nextWorker++ % this.workers.length]!.postMessage({ id, texts });
    this.inflight.push(done);
    // Bounded read-ahead: two batches per thread.
    while (this.inflight.length > this.workers.length * 2) await this.inflight.shift();
  }

  /** Waits for every batch; afterwards `sigs` and `exact` hold `count` entries. */
  async finish(): Promise<void> {
    try {
      await this.dispatch();
      while (this.inflight.length > 0) await this.inflight.shift();
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }
}
