import { setTimeout as delay } from 'node:timers/promises';
import { DefaultLogger, NativeConnection, Runtime, Worker, makeTelemetryFilterString } from '@temporalio/worker';
import {
  closeLineage,
  createLineageActivities,
  createPlanningActivities,
  createReportActivities,
  createShardActivities,
  createShardControlActivities,
  createShardedDedupActivities,
  createShardedSplitActivities,
  createShardedMixActivities,
  createStepActivities,
  prepareLineage,
} from '../activities/index.js';
import { temporalAddressOf, type ForgelineConfig } from '../core/config.js';
import type { GpuHardware, Hardware } from '../core/hardware.js';
import { CPU_QUEUE } from '../core/workflow-safe/queues.js';
import { prebuiltBundleIsFresh, WORKFLOW_BUNDLE_PATH, WORKFLOWS_PATH } from './bundle.js';
import { createActivityDeps } from './deps.js';
import { workerIdentity } from '../core/temporal/worker-identity.js';

export interface WorkerOptions {
  queues: readonly string[];
  /** Concurrent activities per queue; GPU queues use 1 (one job per GPU). */
  maxConcurrentActivities?: Record<string, number>;
  onReady?: () => void;
  /** Aborting shuts the workers down gracefully (besides SIGINT/SIGTERM). */
  signal?: AbortSignal;
  /** A GPU worker's devices (workers/gpu.ts); unset: a CPU worker. */
  gpu?: GpuHardware;
}

let runtimeInstalled = false;

/** How long a starting worker waits for the lineage store's schema before it reports ready. */
const LINEAGE_SCHEMA_WAIT_MS = 10_000;

/**
 * Starts one Temporal worker per task queue in this process, sharing one connection. The CPU queue
 * also hosts the workflow; every queue hosts all step activities (the plan decides which queue a
 * step goes to). Resolves when every worker has shut down (SIGINT/SIGTERM).
 */
export async function runWorkers(config: ForgelineConfig, options: WorkerOptions): Promise<void> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} } } });
    runtimeInstalled = true;
  }
  // llama.cpp children one at a time on a CPU worker unless configured (activities/eval/llm/cpu-slots.ts).
  const hardware: Hardware = options.gpu ? { gpu: options.gpu } : { cpuModelSlots: config.cpuModelSlots ?? 1 };
  const deps = await createActivityDeps(config, hardware);
  // Beside the connection and the workflow bundle, not after them: a running Neo4j adds no start-up time.
  const lineageReady = prepareLineage(deps).catch((err: unknown) =>
    deps.log.warn({ err: String(err) }, 'lineage store schema not created at start (tried again at the first write)'),
  );
  const connection = await NativeConnection.connect({ address: temporalAddressOf(config) });
  const activities = { ...createPlanningActivities(deps), ...createLineageActivities(deps), ...createReportActivities(deps), ...createStepActivities(deps, deps.stepKinds.values()),
    // A sharded step's shards go through the task queue like any activity: any worker host takes them.
    ...createShardControlActivities(deps),
    ...createShardActivities(deps, deps.stepKinds.values()),
    ...createShardedDedupActivities(deps),
    ...createShardedSplitActivities(deps),
    ...createShardedMixActivities(deps),
  };
  const workflowSource = prebuiltBundleIsFresh() ? { workflowBundle: { codePath: WORKFLOW_BUNDLE_PATH } } : { workflowsPath: WORKFLOWS_PATH };
  const workers = await Promise.all(
    options.queues.map((taskQueue) =>
      Worker.create({
        connection,
        namespace: config.namespace,
        taskQueue,
        identity: workerIdentity(config.home),
        activities,
        ...(taskQueue === CPU_QUEUE ? workflowSource : {}),
        maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities?.[taskQueue] ?? config.workerConcurrency,
        // Temporal's default is 3 a workflow task: a 50-wide fan-out then went through the task queue
        // 47 times, each a separate start write on the server (config.ts).
        ...(taskQueue === CPU_QUEUE ? { maxEagerActivityReservationsPerWorkflowTask: config.eagerActivities } : {}),
        shutdownGraceTime: '5 seconds',
        // A cancel reaches an activity only in the answer to a heartbeat that the worker sends to the
        // server, and the SDK holds heartbeats back for 0.8 x the heartbeat timeout (12 s for a 15 s
        // one): a cancelled run's trainer went on for 16 s (issue 24). Steps heartbeat every second
        // (activities/execute/execute-step-activity.ts), so with this a cancel reaches the step, and its child, within about 2 s.
        maxHeartbeatThrottleInterval: '1 second',
      }),
    ),
  );
  // Waited for, but not for long: a Neo4j that does not answer (the driver gives up only after its
  // connection and retry timeouts) must not hold the worker back; the schema is tried again at the
  // first write.
  await Promise.race([lineageReady, delay(LINEAGE_SCHEMA_WAIT_MS, undefined, { ref: false })]);
  deps.log.info({ queues: options.queues, pipelines: [...deps.pipelines.keys()], stepKinds: deps.stepKinds.size }, 'worker ready');
  options.onReady?.();
  // Ctrl-C reaches Temporal's runtime too, which starts the shutdown itself; a second shutdown() of
  // a worker no longer RUNNING throws (and crashed the quickstart on Ctrl-C).
  options.signal?.addEventListener('abort', () => workers.forEach((w) => w.getState() === 'RUNNING' && w.shutdown()), { once: true });
  try {
    await Promise.all(workers.map((w) => w.run()));
  } finally {
    await connection.close();
    await closeLineage(deps);
    await deps.close();
  }
}
