import { parseArgs } from 'node:util';
import { runWorkers } from '../../../workers/start-workers.js';
import { loadConfig, temporalAddressOf } from '../../config.js';
import { awaitRun, startRun } from '../../client/runs.js';
import { CPU_QUEUE } from '../../queues.js';
import { connectClient } from '../../temporal/client.js';
import { portInUse } from '../../temporal/dev-server.js';
import { startEmbeddedTemporal } from '../../temporal/embedded.js';
import { isTty, stepsTable } from '../output.js';
import { loadPipelines } from '../../registry/pipelines.js';
import { DEFAULT_TEMPORAL_PORT } from '../../config.js';
import { progressPrinter } from './run.js';
import { defaultBaseModelPath, ensureEmbeddedBaseModel, isEmbeddedBaseModel } from '../../../activities/models/base-model.js';
import { ensureHfBackend } from '../../../activities/train/backends/hf-setup.js';
import { notPromoted, verdictLines } from '../verdict.js';

export const usage = 'quickstart [--pipeline <name>] [--keep-running]';

/**
 * The README's first command: embedded Temporal + a worker in this process, one pipeline run to the
 * end, then its outputs. On a TTY the server stays up for the Web UI until Ctrl-C.
 */
export async function quickstartCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { pipeline: { type: 'string' }, 'keep-running': { type: 'boolean' } } });
  const config = loadConfig();
  const pipelines = await loadPipelines(config.pipelineDirs);
  const pipeline = values.pipeline ?? (pipelines.has('quickstart') ? 'quickstart' : 'smoke');
  // The base model is fetched here, before any server starts, so a first run shows the download.
  if (pipeline === 'quickstart') {
    // The base model and the hf trainer's packages are set up here, before any server starts, so a
    // first run shows the downloads (both are kept in .cache/ and checked, not fetched, after that).
    if (isEmbeddedBaseModel(defaultBaseModelPath())) await ensureEmbeddedBaseModel((m) => console.log(m));
    await ensureHfBackend();
  }
  const external = config.temporalAddress !== undefined || (await portInUse(DEFAULT_TEMPORAL_PORT));
  const server = external ? undefined : await startEmbeddedTemporal(config, (m) => console.log(m));
  const stop = new AbortController();
  let stopWorkers: () => Promise<void> = async () => undefined;
  const ready = new Promise<void>((resolve) => {
    const workers = runWorkers(config, { queues: [CPU_QUEUE], onReady: resolve, signal: stop.signal });
    workers.catch((err: unknown) => {
      console.error(`worker stopped: ${(err as Error).message}`);
    });
    stopWorkers = () => {
      stop.abort();
      return workers.catch(() => undefined);
    };
  });
  try {
    await ready;
    console.log(`Temporal at ${temporalAddressOf(config)}${server ? `, Web UI ${server.uiUrl}` : ''}; running pipeline "${pipeline}"`);
    const { client, close } = await connectClient(config);
    try {
      const runId = await startRun(client, { pipeline, params: {} });
      const final = await awaitRun(client, runId, progressPrinter());
      if (final.state && !isTty()) console.log(stepsTable(final.state));
      const ok = final.temporalStatus === 'COMPLETED';
      for (const s of final.state?.steps ?? []) {
        for (const [name, ref] of Object.entries(s.outputs)) if (['model', 'report'].includes(ref.kind)) console.log(`${s.id}.${name}: ${ref.uri.replace('file://', '')}`);
      }
      const status = final.state?.status ?? final.temporalStatus;
      const shown = final.state && status === 'succeeded' && notPromoted(final.state) ? 'completed; the model was not promoted' : status;
      console.log(`${runId}: ${shown}${final.failure ? ` - ${final.failure}` : ''}`);
      for (const line of final.state ? verdictLines(final.state) : []) console.log(line);
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
