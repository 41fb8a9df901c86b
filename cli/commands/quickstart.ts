import path from 'node:path';
import { parseArgs } from 'node:util';
import { runWorkers } from '../../workers/start-workers.js';
import { loadConfig, temporalAddressOf, type ForgelineConfig } from '../../core/config.js';
import { PipelineError } from '../../core/errors.js';
import { foreignHomes } from '../../core/client/foreign-workers.js';
import { awaitRun, startRun } from '../../core/client/runs.js';
import { CPU_QUEUE } from '../../core/workflow-safe/queues.js';
import { connectClient } from '../../core/temporal/client.js';
import { portTaken, startEmbeddedTemporal } from '../../core/temporal/embedded.js';
import { portOwner } from '../../core/temporal/port-owner.js';
import { isTty, stepsTable } from '../output.js';
import { loadPipelines } from '../../core/registry/pipelines.js';
import { outcomeLines } from './run.js';
import { runWatcher } from '../live.js';
import { inProcessWorkerConfig } from '../verbose.js';
import { folderForEndedRun } from '../../core/runs/ensure.js';
import { RUN_REPORT_NAME } from '../../core/runs/names.js';
import { defaultBaseModelPath, ensureEmbeddedBaseModel, isEmbeddedBaseModel } from '../../activities/models/base-model.js';
import { ensureHfBackend } from '../../activities/train/backends/hf-setup.js';
import { runStatusWord } from '../verdict.js';

export const usage = 'quickstart [--pipeline <name>] [--keep-running]';

/**
 * The README's first command: embedded Temporal + a worker in this process, one pipeline run to the
 * end, then its outputs. On a TTY the server stays up for the Web UI until Ctrl-C.
 */
export async function quickstartCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { pipeline: { type: 'string' }, 'keep-running': { type: 'boolean' } } });
  const config = loadConfig();
  // A Temporal server already on the port is used; anything else there is refused at once.
  const owner = config.temporalAddress ? undefined : await portOwner(config.temporalPort);
  if (owner === 'other') throw portTaken(config.temporalPort, owner);
  const pipelines = await loadPipelines(config.pipelineDirs);
  const pipeline = values.pipeline ?? (pipelines.has('quickstart') ? 'quickstart' : 'smoke');
  if (pipeline === 'quickstart') {
    // The base model and the hf trainer's packages are set up here, before any server starts, so a
    // first run shows the downloads (both are kept in .cache/ and checked, not fetched, after that).
    if (isEmbeddedBaseModel(defaultBaseModelPath())) await ensureEmbeddedBaseModel((m) => console.log(m));
    await ensureHfBackend();
  }
  if (owner === 'temporal') await refuseForeignWorkers(config);
  const server = owner === 'free' ? await startEmbeddedTemporal(config, (m) => console.log(m)) : undefined;
  const stop = new AbortController();
  let stopWorkers: () => Promise<void> = async () => undefined;
  // A worker that fails before it polls (no server, a refused connection) ends the wait for it.
  const workerConfig = inProcessWorkerConfig(config);
  const ready = new Promise<void>((resolve, reject) => {
    const workers = runWorkers(workerConfig, { queues: [CPU_QUEUE], onReady: resolve, signal: stop.signal });
    workers.catch((err: unknown) => {
      console.error(`worker stopped: ${(err as Error).message}`);
      reject(err as Error);
    });
    stopWorkers = () => {
      stop.abort();
      return workers.catch(() => undefined);
    };
  });
  try {
    await ready;
    console.log(`Temporal at ${temporalAddressOf(config)}${server ? `, Web UI ${server.uiUrl}` : ''}; running pipeline "${pipeline}"`);
    if (workerConfig.logFile) console.log(`worker log: ${workerConfig.logFile}`);
    const { client, close } = await connectClient(config);
    try {
      const runId = await startRun(client, { pipeline, params: {} });
      const watcher = runWatcher();
      const final = await awaitRun(client, runId, watcher.update, { onConnection: (m) => console.error(m) }).finally(() => watcher.finish());
      if (final.state && !isTty()) console.log(stepsTable(final.state));
      const ok = final.temporalStatus === 'COMPLETED';
      // Models and the HTML report by their names in the run folder (the store's path where it has
      // none); every other output is in the folder, and `forgeline artifacts` lists them.
      const folder = await folderForEndedRun(config, final);
      for (const s of final.state?.steps ?? []) {
        for (const [name, ref] of Object.entries(s.outputs)) {
          if (ref.kind !== 'model') continue;
          const entry = folder?.entries.find((e) => e.step === s.id && e.output === name && e.link !== 'missing');
          console.log(`${s.id}.${name}: ${entry ? path.join(folder!.dir, entry.name) : ref.uri.replace('file://', '')}`);
        }
      }
      const report = final.state?.report;
      if (report) {
        const entry = folder?.entries.find((e) => e.name === RUN_REPORT_NAME && e.link !== 'missing');
        console.log(`${RUN_REPORT_NAME}: ${entry ? path.join(folder!.dir, entry.name) : report.html.uri.replace('file://', '')}`);
      }
      console.log(`${runId}: ${runStatusWord(final)}${final.failure ? ` - ${final.failure}` : ''}`);
      for (const line of outcomeLines(final, folder)) console.log(line);
      if (server) console.log(`Web UI: ${server.uiUrl}/namespaces/${config.namespace}/workflows/${runId}`);
      if (ok && (values['keep-running'] ?? isTty())) {
        console.log('Server and worker stay up; Ctrl-C stops them.');
        await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
      }
      return ok ? 0 : 1;
    } finally {
      await close();
    }
  } finally {
    await stopWorkers();
    await server?.stop();
  }
}

/**
 * Attaching to a server on the port is right when it is this state folder's own `dev`, and wrong
 * when another folder's workers poll it: the run could execute there, on that folder's store
 * (issue 24: quickstart attached in silence to another FORGELINE_HOME's dev server).
 */
async function refuseForeignWorkers(config: ForgelineConfig): Promise<void> {
  const { client, close } = await connectClient(config);
  try {
    const others = await foreignHomes(client, config.home);
    if (others.length === 0) return;
    throw new PipelineError(
      'CONFIG',
      `the Temporal server on ${temporalAddressOf(config)} has workers from another state folder (${others.join(', ')}), not this one (${config.home}): a run started here could run there. Stop that \`forgeline dev\`, use its state folder (FORGELINE_HOME), or set FORGELINE_TEMPORAL_PORT and FORGELINE_UI_PORT to start a server of your own`,
    );
  } finally {
    await close();
  }
}
