import type { ForgelineConfig } from '../../core/config.js';
import { getRun } from '../../core/client/runs.js';
import type { RunState } from '../../core/run-state.js';
import { connectClient } from '../../core/temporal/client.js';

/**
 * The run's own state (steps, statuses, durations, metadata), read through the workflow's `status`
 * query. Step metadata is not an input of the report step, and timings exist only here. Returns
 * undefined outside a workflow (`forgeline stage report`) or when no server answers: the report
 * then shows what its inputs hold.
 */
export async function readRunState(config: ForgelineConfig, runId: string): Promise<RunState | undefined> {
  let conn: Awaited<ReturnType<typeof connectClient>> | undefined;
  try {
    conn = await connectClient(config);
    return (await getRun(conn.client, runId)).state;
  } catch {
    return undefined;
  } finally {
    await conn?.close().catch(() => undefined);
  }
}
