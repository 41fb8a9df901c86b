import { Client, Connection } from '@temporalio/client';
import type { ActivityDeps } from '../activities/deps.js';
import { buildStepKindRegistry } from '../activities/registry.js';
import { openArtifactStore } from '../core/artifacts/open-store.js';
import { StepCache } from '../core/cache/step-cache.js';
import { statePaths, temporalAddressOf, type ForgelineConfig } from '../core/config.js';
import type { Hardware } from '../core/hardware.js';
import { createLogger } from '../core/log.js';
import { loadPipelines } from '../core/registry/pipelines.js';

/** Builds what activities depend on, from the config: the only place these are wired together. */
export async function createActivityDeps(config: ForgelineConfig, hardware: Hardware = {}): Promise<ActivityDeps & { close(): Promise<void> }> {
  const paths = statePaths(config.home);
  const store = openArtifactStore(config);
  const pipelines = await loadPipelines(config.pipelineDirs);
  const connection = await Connection.connect({ address: temporalAddressOf(config) });
  return {
    config,
    hardware,
    store,
    cache: new StepCache(paths.cache, store),
    log: createLogger({ level: config.logLevel, ...(config.logFile ? { destination: config.logFile } : {}) }),
    pipelines,
    stepKinds: buildStepKindRegistry(pipelines),
    client: new Client({ connection, namespace: config.namespace }),
    close: () => connection.close(),
  };
}
