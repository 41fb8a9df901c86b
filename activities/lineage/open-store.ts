import type { ForgelineConfig } from '../../core/config.js';
import { PipelineError } from '../../core/errors.js';
import { LocalLineageStore } from './local-store.js';
import { Neo4jLineageStore } from './neo4j-store.js';
import type { LineageStore } from './store.js';

export type StoreChoice = 'auto' | 'neo4j' | 'local';

/** Neo4j when `NEO4J_URI` is set (or asked for), else the embedded journal in the state folder. */
export function openLineageStore(config: ForgelineConfig, choice: StoreChoice = 'auto'): LineageStore {
  if (choice === 'local' || (choice === 'auto' && !config.neo4j)) return LocalLineageStore.inHome(config.home);
  if (!config.neo4j) {
    throw new PipelineError('CONFIG', 'the neo4j lineage store needs NEO4J_URI (and NEO4J_USER / NEO4J_PASSWORD)', [
      { path: 'NEO4J_URI', message: 'not set' },
    ]);
  }
  return Neo4jLineageStore.open(config.neo4j);
}
