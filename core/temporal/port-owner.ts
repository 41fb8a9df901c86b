import { Connection } from '@temporalio/client';
import { portInUse } from './dev-server.js';

export type PortOwner = 'free' | 'temporal' | 'other';

/**
 * Who listens on a loopback port: nobody, a Temporal frontend (it answers GetSystemInfo), or some
 * other program. A program that accepts connections but speaks no gRPC used to be taken for a
 * Temporal server, and the quickstart then waited on it forever.
 */
export async function portOwner(port: number, timeoutMs = 3000): Promise<PortOwner> {
  if (!(await portInUse(port))) return 'free';
  try {
    const conn = await Connection.connect({ address: `127.0.0.1:${port}`, connectTimeout: timeoutMs });
    try {
      await conn.withDeadline(Date.now() + timeoutMs, () => conn.workflowService.getSystemInfo({}));
      return 'temporal';
    } finally {
      await conn.close();
    }
  } catch {
    return 'other';
  }
}
