import { parentPort, workerData } from 'node:worker_threads';
import { isPipelineError } from '../../../core/errors.js';
import { loadLineStage } from './factories.js';
import type { LineStage, LineStageContext } from './types.js';
import type { BatchReply, BatchRequest, WorkerInit } from './protocol.js';

/** A worker thread that runs one line stage over the batches the parent sends. */
const init = workerData as WorkerInit;
const ctx: LineStageContext = { source: init.source };
const port = parentPort!;
// A stage that cannot start (bad options, a missing NEO4J_URI) answers with its error instead of
// `ready`, so that the parent fails the step with the same code as an in-process run would.
const stage = await (async () => (await loadLineStage(init.stage))(init.options, ctx))().catch((err: unknown) => {
  port.postMessage(errorReply(err));
  return undefined;
});

if (stage) port.on('message', (msg: BatchRequest) => {
  void handle(stage, msg).catch((err: unknown) => port.postMessage(errorReply(err)));
});

async function handle(stage: LineStage, msg: BatchRequest): Promise<void> {
  if (msg.type === 'finish') {
    await stage.close?.();
    port.postMessage({ type: 'counters', counters: stage.counters() } satisfies BatchReply);
    return;
  }
  const buf = Buffer.from(msg.buf.buffer, msg.buf.byteOffset, msg.buf.byteLength);
  const kept: string[] = [];
  const rejects: string[] = [];
  const reasons: Record<string, number> = {};
  for (let i = 0; i < msg.lines.length; i++) {
    const unit = { line: msg.lines[i]!, bytes: buf.subarray(msg.offsets[i]!, msg.offsets[i + 1]!) };
    let r = stage.process(unit);
    if (r instanceof Promise) r = await r;
    if ('kept' in r) kept.push(r.kept);
    else {
      rejects.push(r.reject);
      reasons[r.reason] = (reasons[r.reason] ?? 0) + 1;
    }
  }
  port.postMessage({
    type: 'batch',
    seq: msg.seq,
    kept: kept.length ? kept.join('\n') + '\n' : '',
    keptCount: kept.length,
    rejects: rejects.length ? rejects.join('\n') + '\n' : '',
    rejectedCount: rejects.length,
    reasons,
  } satisfies BatchReply);
}

if (stage) port.postMessage({ type: 'ready' } satisfies BatchReply);

/** A PipelineError keeps its code and issues across the thread boundary (a CONFIG error must stay non-retryable). */
function errorReply(err: unknown): BatchReply {
  if (isPipelineError(err)) return { type: 'error', message: err.message, code: err.code, issues: err.issues };
  return { type: 'error', message: err instanceof Error ? err.message : String(err) };
}
