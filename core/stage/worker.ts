import { parentPort, workerData } from 'node:worker_threads';
import { isPipelineError } from '../errors.js';
import { LineBuffer } from './line-buffer.js';
import { linesOf } from '../artifacts/lines.js';
import { createJudge, type Judge } from './judge.js';
import { loadStage, type StageContext } from './stage.js';
import type { Unit } from './units.js';
import { OUTPUT_BYTES, type BatchReply, type BatchRequest, type WorkerInit } from './protocol.js';

/** A worker thread that runs one stage over the batches the parent sends. */
const init = workerData as WorkerInit;
const ctx: StageContext = { source: init.source };
const port = parentPort!;
/** Output buffers the parent has written out and sent back, for the next batches. */
const spares: ArrayBuffer[] = [];
// A stage that cannot start (bad options, a missing NEO4J_URI) answers with its error instead of
// `ready`, so that the parent fails the step with the same code as an in-process run would.
const stage = await (async () => createJudge(await loadStage(init.stage), init.options, ctx))().catch((err: unknown) => {
  port.postMessage(errorReply(err));
  return undefined;
});

if (stage) port.on('message', (msg: BatchRequest) => {
  void handle(stage, msg).catch((err: unknown) => port.postMessage(errorReply(err)));
});

async function handle({ judge, stage }: Judge, msg: BatchRequest): Promise<void> {
  if (msg.type === 'finish') {
    await stage.close?.();
    port.postMessage({ type: 'counters', counters: stage.counters?.() ?? {} } satisfies BatchReply);
    return;
  }
  if (msg.spare) spares.push(msg.spare);
  const buf = Buffer.from(msg.buf.buffer, msg.buf.byteOffset, msg.buf.byteLength);
  const kept = new LineBuffer(spares.pop() ?? new ArrayBuffer(OUTPUT_BYTES));
  const rejects = new LineBuffer(new ArrayBuffer(1024));
  const reasons: Record<string, number> = {};
  for (const unit of msg.type === 'lines' ? linesOf(buf, msg.firstLine, msg.cutFrom) : packedUnits(buf, msg.offsets, msg.lines)) {
    let r = judge(unit);
    if (r instanceof Promise) r = await r;
    if ('kept' in r) kept.push(r.kept);
    else {
      rejects.push(r.reject);
      reasons[r.reason] = (reasons[r.reason] ?? 0) + 1;
    }
  }
  const input = msg.type === 'lines' ? msg.buf.buffer : undefined;
  const reply: BatchReply = { type: 'batch', seq: msg.seq, input, kept: kept.take(), keptCount: kept.count, rejects: rejects.take(), rejectedCount: rejects.count, reasons };
  port.postMessage(reply, input ? [reply.kept.buffer, reply.rejects.buffer, input] : [reply.kept.buffer, reply.rejects.buffer]);
}

function* packedUnits(buf: Buffer, offsets: Int32Array, lines: Int32Array): Generator<Unit> {
  for (let i = 0; i < lines.length; i++) yield { line: lines[i]!, bytes: buf.subarray(offsets[i]!, offsets[i + 1]!) };
}

if (stage) port.postMessage({ type: 'ready' } satisfies BatchReply);

/** A PipelineError keeps its code and issues across the thread boundary (a CONFIG error must stay non-retryable). */
function errorReply(err: unknown): BatchReply {
  if (isPipelineError(err)) return { type: 'error', message: err.message, code: err.code, issues: err.issues };
  return { type: 'error', message: err instanceof Error ? err.message : String(err) };
}
