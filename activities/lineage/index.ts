export type { RecordLineageInput, RunLineageInput } from './record.js';
export type { ApprovalLineage, StepLineage, StartedBy } from './derive.js';
export { lineageOps } from './derive.js';
export type { LineageStore, ApprovalInfo, ArtifactInfo, RunInfo, StepInfo } from './store.js';
export { LocalLineageStore } from './local-store.js';
export { Neo4jLineageStore, openDriver, SCHEMA_STATEMENTS } from './neo4j-store.js';
export { openLineageStore, type StoreChoice } from './open-store.js';
export { artifactLineage, registry, resolveTarget, runLineage, runsUsing } from './queries.js';
export { closeLineage, createLineageActivities, prepareLineage, type LineageActivities } from './record-lineage-activity.js';
