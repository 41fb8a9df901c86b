import { parseArgs } from 'node:util';
import { loadConfig } from '../../core/config.js';
import { PipelineError } from '../../core/errors.js';
import { awaitRun, getRun } from '../../core/client/runs.js';
import { connectClient } from '../../core/temporal/client.js';
import { runWatcher } from '../live.js';
import { stepsTable } from '../output.js';
import { runJson } from './run.js';

export const usage = 'status <run-id> [--watch] [--json]';

export async function statusCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { watch: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
  });
  const runId = positionals[0];
  if (!runId) throw new PipelineError('INVALID_PARAMS', `usage: forgeline ${usage}`);
  const { client, close } = await connectClient(loadConfig());
  try {
    let snap;
    if (values.watch) {
      const watcher = values.json ? undefined : runWatcher();
      snap = await awaitRun(client, runId, watcher?.update, { pollMs: 1000, onConnection: (m) => console.error(m) }).finally(() => watcher?.finish());
    } else snap = await getRun(client, runId);
    if (values.json) console.log(JSON.stringify(runJson(snap)));
    else if (values.watch) {
      console.log(`${snap.runId}: ${snap.state?.status ?? snap.temporalStatus.toLowerCase()}${snap.failure ? ` - ${snap.failure}` : ''}`);
    } else {
      console.log(`${snap.runId}: ${snap.state?.status ?? snap.temporalStatus.toLowerCase()}${snap.failure ? ` - ${snap.failure}` : ''}`);
      if (snap.state) console.log(stepsTable(snap.state, snap.live));
      for (const n of snap.state?.notes ?? []) console.log(`note: ${n}`);
    }
    return 0;
  } finally {
    await close();
  }
}
