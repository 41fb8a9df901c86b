import { parentPort, workerData } from 'node:worker_threads';
import { loadLineStage } from './factories.js';
import type { LineStageContext } from './types.js';
import type { BatchReply, BatchRequest, WorkerInit } from './protocol.js';

/** A worker thread that runs one line stage over the batches the parent sends. */
const init = workerData as WorkerInit;
const ctx: LineStageContext = { source: init.source };
const stage = await (await loadLineStage(init.stage))(init.options, ctx);
const port = parentPort!;

port.on('message', (msg: BatchRequest) => {
  void handle(msg).catch((err: unknown) => port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
});

async function handle(msg: BatchRequest): Promise<void> {
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

port.postMessage({ type: 'ready' } satisfies BatchReply);
