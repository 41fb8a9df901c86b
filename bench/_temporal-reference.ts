import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';

const here = path.dirname(fileURLToPath(import.meta.url));
const TASK_QUEUE = 'bench-temporal-reference';

/** What an activity returns in a Forgeline step: one artifact reference and a cache key. */
const STEP_LIKE_RESULT = {
  status: 'succeeded',
  outputs: { report: { uri: `file:///tmp/forgeline-bench/state/artifacts/ab/${'ab'.repeat(32)}.json`, sha256: 'ab'.repeat(32), bytes: 12, kind: 'report', schema: 'noop' } },
  metadata: {},
  cacheKey: 'cd'.repeat(32),
  durationMs: 1,
};

export interface ReferenceTimes {
  chain: number[];
  one: number[];
  fanOut: number[];
}

/**
 * The orchestration benchmark's floor: plain Temporal (this process's own worker, empty activities,
 * eager dispatch reserved for every slot as Forgeline's worker does) on the same dev server, timed the
 * same way: a `width`-step chain, a `width`-wide fan-out and a 1-activity run in turn.
 */
export async function timeTemporalReference(address: string, runs: number, width: number, eagerSlots: number): Promise<ReferenceTimes> {
  const connection = await NativeConnection.connect({ address });
  const clientConnection = await Connection.connect({ address });
  const client = new Client({ connection: clientConnection });
  try {
    const worker = await Worker.create({
      connection,
      taskQueue: TASK_QUEUE,
      workflowBundle: await bundleWorkflowCode({ workflowsPath: path.join(here, '_temporal-reference-workflow.js'), logger: quietBundler }),
      activities: { noop: async () => STEP_LIKE_RESULT },
      maxConcurrentActivityTaskExecutions: eagerSlots,
      maxEagerActivityReservationsPerWorkflowTask: eagerSlots,
    });
    const time = async (shape: 'chain' | 'fanout', n: number) => {
      const t0 = performance.now();
      await client.workflow.execute('referenceDag', { taskQueue: TASK_QUEUE, workflowId: `reference-${shape}-${n}-${Math.random()}`, args: [shape, n] });
      return performance.now() - t0;
    };
    return await worker.runUntil(async () => {
      await time('chain', 5); // warm-up
      const times: ReferenceTimes = { chain: [], one: [], fanOut: [] };
      for (let i = 0; i < runs; i++) {
        times.chain.push(await time('chain', width));
        times.fanOut.push(await time('fanout', width));
        times.one.push(await time('chain', 1));
      }
      return times;
    });
  } finally {
    await clientConnection.close();
    await connection.close();
  }
}

const quietBundler = { trace() {}, debug() {}, info() {}, warn() {}, error: (message: string) => console.error(message), log() {} };
