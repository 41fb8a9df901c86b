import type { Client } from '@temporalio/client';
import type { ArtifactStore } from '../core/artifacts/store.js';
import type { StepCache } from '../core/cache/step-cache.js';
import type { ForgelineConfig } from '../core/config.js';
import type { Hardware } from '../core/hardware.js';
import type { AnyStepKind } from '../core/dsl/step-kind.js';
import type { Logger } from '../core/log.js';
import type { LoadedPipeline } from '../core/registry/pipelines.js';

/** What activities get from the worker that hosts them (Temporal samples' `createActivities(deps)`). */
export interface ActivityDeps {
  config: ForgelineConfig;
  /** The worker's GPU devices or CPU model slots, built once at start-up; steps get it as ctx.hardware. */
  hardware: Hardware;
  store: ArtifactStore;
  cache: StepCache;
  log: Logger;
  pipelines: Map<string, LoadedPipeline>;
  stepKinds: Map<string, AnyStepKind>;
  /** Used to see which GPU queues have pollers when a pipeline says `device: auto`. */
  client: Client | undefined;
}
