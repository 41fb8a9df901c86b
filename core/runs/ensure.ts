import type { ForgelineConfig } from '../config.js';
import { getRun, type RunSnapshot } from '../client/runs.js';
import { PipelineError } from '../errors.js';
import { connectClient } from '../temporal/client.js';
import { makeRunFolder, readRunFolder, type RunFolder } from './folder.js';

/**
 * The run folder of a run that has ended: the one made when `run --wait` or `quickstart` saw it end,
 * else made now from the run's result on the Temporal server (runs that ended while nobody watched).
 */
export async function ensureRunFolder(config: ForgelineConfig, runId: string): Promise<RunFolder> {
  const made = await readRunFolder(config.home, runId);
  if (made) return made;
  const { client, close } = await connectClient(config);
  try {
    const snap = await getRun(client, runId).catch((err: Error) => {
      if (/not found/i.test(err.message)) throw new PipelineError('INVALID_PARAMS', `no run "${runId}" on ${config.temporalAddress ?? 'the embedded server'} (namespace ${config.namespace}); \`npx forgeline list\` shows the runs`);
      throw err;
    });
    if (snap.temporalStatus === 'RUNNING') throw new PipelineError('INVALID_PARAMS', `run ${runId} is still running; its folder is made when it ends (\`npx forgeline status ${runId} --watch\`)`);
    if (!snap.state) throw new PipelineError('INVALID_PARAMS', `run ${runId} ended (${snap.temporalStatus.toLowerCase()}) before any step ran: it has no outputs${snap.failure ? ` (${snap.failure})` : ''}`);
    return await makeRunFolder(config, runId, snap.state);
  } finally {
    await close();
  }
}

/**
 * After a watched run ends: its folder, or undefined (with the reason on stderr) when it cannot be
 * made; the run's outcome stands either way, and its outputs stay in the store.
 */
export async function folderForEndedRun(config: ForgelineConfig, snap: RunSnapshot): Promise<RunFolder | undefined> {
  if (!snap.state || snap.temporalStatus === 'RUNNING') return undefined;
  try {
    return await makeRunFolder(config, snap.runId, snap.state);
  } catch (err) {
    console.error(`forgeline: could not make the run folder of ${snap.runId}: ${(err as Error).message}`);
    return undefined;
  }
}
