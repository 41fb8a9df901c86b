import type { ActivityDeps } from '../deps.js';
import { LocalLineageStore } from './local-store.js';
import { Neo4jLineageStore } from './neo4j-store.js';
import { runFacts, toStepLineage, writeLineage, type RecordLineageInput, type RunLineageInput } from './record.js';
import type { LineageStore } from './store.js';

const open = new WeakMap<ActivityDeps, LineageStore[]>();

/**
 * The stores a worker writes: the journal in its state folder always (the embedded store, and a log
 * from which a Neo4j can be rebuilt), plus Neo4j when `NEO4J_URI` is set. One set per worker.
 */
function storesOf(deps: ActivityDeps): LineageStore[] {
  let stores = open.get(deps);
  if (!stores) {
    stores = [LocalLineageStore.inHome(deps.config.home)];
    if (deps.config.neo4j) stores.push(Neo4jLineageStore.open(deps.config.neo4j));
    open.set(deps, stores);
  }
  return stores;
}

/**
 * Creates the stores' constraints and indexes (Neo4j) when a worker starts, so that the first write
 * and the first CLI query find them; `IF NOT EXISTS`, so every worker may run it. A store that is
 * down now is tried again at its first write.
 */
export async function prepareLineage(deps: ActivityDeps): Promise<void> {
  await Promise.all(storesOf(deps).map((s) => s.ensureSchema()));
}

/**
 * The lineage activity: run by the workflow for the steps that succeeded or came from the cache,
 * several at a time (workflows/lineage-writer.ts batches the steps that finish together).
 */
export function createLineageActivities(deps: ActivityDeps) {
  return {
    /** `run`: the run's params and starter, from the workflow (no read of its history). */
    async recordLineage(steps: RecordLineageInput[], run: RunLineageInput): Promise<{ ops: number; stores: string[] }> {
      const facts = runFacts(run);
      const lineage = steps.map((input) => toStepLineage(input, facts, deps.stepKinds.get(input.step.kind)?.version));
      const stores = storesOf(deps);
      return { ops: await writeLineage(stores, lineage), stores: stores.map((s) => s.name) };
    },
  };
}

/** Closes the Neo4j driver a worker opened (its sockets would keep the process alive). */
export async function closeLineage(deps: ActivityDeps): Promise<void> {
  const stores = open.get(deps) ?? [];
  open.delete(deps);
  await Promise.all(stores.map((s) => s.close()));
}

export type LineageActivities = ReturnType<typeof createLineageActivities>;
