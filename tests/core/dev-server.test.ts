import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { ensureTemporalBinary } from '../../core/temporal/binary.js';
import { freePort, startDevServer, type DevServer } from '../../core/temporal/dev-server.js';

describe('the embedded Temporal dev server', () => {
  let server: DevServer | undefined;
  afterAll(async () => server?.stop());

  it('keeps its state in SQLite write-ahead-log mode, and a run it knew survives a restart', async () => {
    const binary = await ensureTemporalBinary(process.env.FORGELINE_TEMPORAL_BIN, () => undefined);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'forgeline-devserver-'));
    const dbFile = path.join(dir, 'temporal.db');
    const start = async () => startDevServer({ binary: binary.path, dbFile, port: await freePort(), uiPort: await freePort(), logFile: path.join(dir, 'temporal.log') });
    const withClient = async <T>(address: string, f: (c: Client) => Promise<T>): Promise<T> => {
      const connection = await Connection.connect({ address });
      try {
        return await f(new Client({ connection }));
      } finally {
        await connection.close();
      }
    };

    server = await start();
    // No worker serves this queue: the run just waits, as a run does while its workers are down.
    await withClient(server.address, (c) => c.workflow.start('runPipeline', { taskQueue: 'nobody-polls-this', workflowId: 'survives-restart', args: [{}] }));
    expect(existsSync(`${dbFile}-wal`)).toBe(true);
    await server.stop();

    server = await start();
    const status = await withClient(server.address, async (c) => (await c.workflow.getHandle('survives-restart').describe()).status.name);
    expect(status).toBe('RUNNING');
  });
});
