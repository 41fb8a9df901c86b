import { runWorkers } from '../../workers/start-workers.js';
import { loadConfig, temporalAddressOf } from '../../core/config.js';
import { CPU_QUEUE } from '../../core/workflow-safe/queues.js';
import { startEmbeddedTemporal } from '../../core/temporal/embedded.js';
import { inProcessWorkerConfig } from '../verbose.js';

export const usage = 'dev';

/** The embedded Temporal dev server (unless TEMPORAL_ADDRESS is set) plus a worker; Ctrl-C stops both. */
export async function devCommand(): Promise<number> {
  const config = loadConfig();
  const server = await startEmbeddedTemporal(config, (m) => console.error(m));
  const address = temporalAddressOf(config);
  if (server) console.log(`Temporal dev server on ${server.address}, Web UI ${server.uiUrl} (state in ${config.home})`);
  else console.log(`using the Temporal server at ${address}`);
  const workerConfig = inProcessWorkerConfig(config);
  // A server that dies under `dev` ends it, loudly: otherwise the worker retries its polls in
  // silence forever (issue 24: 557 retry lines in 30 s, nothing on stdout). Runs are not lost:
  // they live in the server's SQLite file and go on when `dev` is started again.
  const stop = new AbortController();
  let serverDied = false;
  server?.process.once('exit', (code, signal) => {
    if (stop.signal.aborted) return;
    serverDied = true;
    console.error(`the Temporal dev server exited (${signal ?? `code ${code}`}); see ${server.logFile}. Stopping the worker; runs resume when \`npx forgeline dev\` starts again.`);
    stop.abort();
  });
  try {
    await runWorkers(workerConfig, {
      queues: [CPU_QUEUE],
      signal: stop.signal,
      onReady: () => {
        console.log(`worker polling "${CPU_QUEUE}"; start a run with \`npx forgeline run smoke --wait\`. Ctrl-C stops everything.`);
        if (workerConfig.logFile) console.log(`worker log: ${workerConfig.logFile} (--verbose writes it to stderr instead)`);
      },
    });
  } finally {
    if (!serverDied) stop.abort();
    await server?.stop();
  }
  return serverDied ? 1 : 0;
}
