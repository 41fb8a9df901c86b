/**
 * The lineage graph's vocabulary, shared by both stores. Writes are expressed as idempotent
 * upserts ("merge this node", "merge this relationship"): Neo4j runs them as MERGE, the local store
 * replays them into maps, so writing the same step twice (a retried activity) changes nothing.
 */

/**
 * Node labels. `Model` and `Eval` are extra labels on `Artifact` nodes (a model file is an artifact).
 * An `Approval` is a person's (or a timeout's) decision on an approval step: one per step of a run,
 * since the workflow takes the first decision and ignores the rest.
 */
export const NODE_LABELS = ['Pipeline', 'Run', 'Step', 'Artifact', 'Model', 'Eval', 'SourceFile', 'Schedule', 'User', 'Approval'] as const;
export type NodeLabel = (typeof NODE_LABELS)[number];

/** Labels that own a key property (the others are added to an Artifact node). */
export type KeyedLabel = Exclude<NodeLabel, 'Model' | 'Eval'>;

/** The unique key of each keyed label; Neo4j gets a uniqueness constraint on each. */
export const KEY_PROPERTY: Record<KeyedLabel, string> = {
  Pipeline: 'name',
  Run: 'id',
  Step: 'key',
  Artifact: 'digest',
  SourceFile: 'sha256',
  Schedule: 'id',
  User: 'name',
  // The step's key (`<run id>/<step id>`): a step is decided once.
  Approval: 'key',
};

export const REL_TYPES = ['RUN_OF', 'STARTED_BY', 'RAN', 'READ', 'WROTE', 'TRAINED_ON', 'DERIVED_FROM', 'SCORED', 'DECIDED', 'HAD_APPROVAL', 'DECIDED_BY'] as const;
export type RelType = (typeof REL_TYPES)[number];

export type PropValue = string | number | boolean;
export type Props = Record<string, PropValue>;

export interface NodeRef {
  label: KeyedLabel;
  key: string;
}

export type LineageOp =
  | {
      op: 'node';
      label: KeyedLabel;
      key: string;
      /** Set on every write (facts that may be refined, e.g. a record count). */
      set?: Props;
      /** Set only where the node has no value yet (first seen time, name): the first writer wins. */
      setIfAbsent?: Props;
      addLabels?: Array<'Model' | 'Eval'>;
    }
  | {
      op: 'rel';
      type: RelType;
      from: NodeRef;
      to: NodeRef;
      /** Part of the relationship's identity (READ {input: 'records'}): a different value is another edge. */
      keyProps?: Props;
      set?: Props;
    };

export const stepKey = (runId: string, stepId: string): string => `${runId}/${stepId}`;

/** Drops undefined values, so that props hold only what is known. */
export function props(values: Record<string, PropValue | undefined | null>): Props {
  const out: Props = {};
  for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== null) out[k] = v;
  return out;
}
