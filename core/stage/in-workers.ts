import { Worker } from 'node:worker_threads';
import { PipelineError } from '../errors.js';
import { BufferPool } from './buffer-pool.js';
import { readFileLineChunks } from './file-chunks.js';
import { OUTPUT_BYTES, type BatchReply, type BatchRequest, type WorkerInit } from './protocol.js';
import type { RunStageArgs, StageStats } from './run.js';
import type { RecordsWriter } from './records-io.js';
import { mergeCounters, stageName, type Counters } from './stage.js';
import { LINE_CHUNK_BYTES, MAX_LINE_BYTES, type Unit } from './units.js';

const BATCH_UNITS = 4096;
const WORKER_LIMITS = { maxOldGenerationSizeMb: 160, maxYoungGenerationSizeMb: 12 };

type BatchDone = Extract<BatchReply, { type: 'batch' }>;

/**
 * Runs a stage in worker threads: batches go out round the least busy thread, results are
 * written in input order. At most three batches per thread are in flight, and their buffers are
 * recycled (input chunks come back with the reply, output buffers go back with the next batch).
 */
export async function inWorkers(args: RunStageArgs, kept: RecordsWriter, rejects: RecordsWriter, stats: StageStats): Promise<Counters> {
  const init: WorkerInit = { stage: args.stage, options: args.options, source: args.source };
  const workers: Worker[] = [];
  const results = new Map<number, BatchDone>();
  const counters: Counters = {};
  const maxInFlight = args.threads * 3;
  const inputs = new BufferPool(LINE_CHUNK_BYTES, maxInFlight + 2);
  const outputs = new BufferPool(OUTPUT_BYTES, maxInFlight + 2);
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  let news = false;
  const notify = () => {
    news = true;
    const w = wake;
    wake = undefined;
    w?.();
  };
  // A message may arrive while the loop awaits a write: `news` remembers it so no wake-up is lost.
  const waitForNews = async (): Promise<void> => {
    if (!news) await new Promise<void>((r) => (wake = r));
    news = false;
    if (failure) throw failure;
  };
  let finished = 0;
  const inflight: number[] = [];

  try {
    await Promise.all(
      Array.from({ length: Math.max(1, args.threads) }, (_, i) => {
        // A worker holds a few batches at a time; capping its heap keeps the process under its RSS
        // budget (the ONNX runtime's native memory is outside these limits).
        // `env` as this realm sees it: the default is the host process's, which differs where the runner
        // is loaded in a VM realm with its own process.env (jest). Stages read NEO4J_URI etc. from it.
        const w = new Worker(new URL('./worker.js', import.meta.url), { workerData: init, resourceLimits: WORKER_LIMITS, env: process.env });
        workers.push(w);
        inflight[i] = 0;
        return new Promise<void>((resolve, reject) => {
          w.on('message', (m: BatchReply) => {
            if (m.type === 'ready') resolve();
            else if (m.type === 'batch') {
              inflight[i]!--;
              if (m.input) inputs.give(m.input);
              results.set(m.seq, m);
              notify();
            } else if (m.type === 'counters') {
              mergeCounters(counters, m.counters);
              finished++;
              notify();
            } else {
              const message = `stage worker (${stageName(args.stage)}): ${m.message}`;
              failure = m.code ? new PipelineError(m.code, message, m.issues) : new Error(message);
              reject(failure);
              notify();
            }
          });
          w.once('error', (e) => {
            failure = e;
            reject(e);
            notify();
          });
        });
      }),
    );

    let seq = 0;
    let nextToWrite = 0;
    const writeReady = async () => {
      for (let r = results.get(nextToWrite); r; r = results.get(nextToWrite)) {
        results.delete(nextToWrite);
        nextToWrite++;
        stats.total += r.keptCount + r.rejectedCount;
        stats.kept += r.keptCount;
        stats.rejected += r.rejectedCount;
        for (const [reason, n] of Object.entries(r.reasons)) stats.dropped[reason] = (stats.dropped[reason] ?? 0) + n;
        const keptBytes = r.kept;
        await kept.writeBytes(keptBytes, r.keptCount, () => outputs.give(keptBytes.buffer));
        await rejects.writeBytes(r.rejects, r.rejectedCount);
        args.progress?.(stats.total);
      }
    };
    /** To the least busy thread, with a spare output buffer when one is back. */
    const send = (msg: BatchRequest & { type: 'batch' | 'lines' }, transfer: ArrayBuffer[]) => {
      let target = 0;
      for (let i = 1; i < workers.length; i++) if (inflight[i]! < inflight[target]!) target = i;
      inflight[target]!++;
      const spare = outputs.takeFree();
      if (spare) {
        msg.spare = spare;
        transfer.push(spare);
      }
      workers[target]!.postMessage(msg, transfer);
    };
    const dispatch = (units: Unit[], bytes: number) => {
      const buf = new Uint8Array(bytes);
      const offsets = new Int32Array(units.length + 1);
      const lines = new Int32Array(units.length);
      let at = 0;
      units.forEach((u, k) => {
        offsets[k] = at;
        lines[k] = u.line;
        buf.set(u.bytes, at);
        at += u.bytes.length;
      });
      offsets[units.length] = at;
      send({ type: 'batch', seq: seq++, buf, offsets, lines }, [buf.buffer, offsets.buffer, lines.buffer]);
    };
    const backPressure = async () => {
      await writeReady();
      while (seq - nextToWrite >= maxInFlight) {
        await waitForNews();
        await writeReady();
      }
    };

    if ('file' in args.input) {
      const { file, onBytes, maxLineBytes = MAX_LINE_BYTES } = args.input;
      for await (const chunk of readFileLineChunks(file, inputs, { onBytes, maxLineBytes })) {
        send({ type: 'lines', seq: seq++, buf: chunk.bytes, firstLine: chunk.firstLine, cutFrom: chunk.cutFrom }, [chunk.bytes.buffer]);
        await backPressure();
      }
    } else {
      let batch: Unit[] = [];
      let batchBytes = 0;
      for await (const unit of args.input.units) {
        batch.push(unit);
        batchBytes += unit.bytes.length;
        if (batchBytes >= LINE_CHUNK_BYTES || batch.length >= BATCH_UNITS) {
          dispatch(batch, batchBytes);
          batch = [];
          batchBytes = 0;
          await backPressure();
        }
      }
      if (batch.length) dispatch(batch, batchBytes);
    }
    while (nextToWrite < seq) {
      await writeReady();
      if (nextToWrite < seq) await waitForNews();
    }
    for (const w of workers) w.postMessage({ type: 'finish' } satisfies BatchRequest);
    while (finished < workers.length) await waitForNews();
    return counters;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
