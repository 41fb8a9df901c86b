import neo4j, { type Driver } from 'neo4j-driver';
import { PipelineError } from '../../core/errors.js';
import { KEY_PROPERTY, NODE_LABELS, REL_TYPES, type KeyedLabel, type LineageOp } from './graph.js';
import {
  toApprovalInfo,
  toProps,
  toRunInfo,
  toStepInfo,
  type ApprovalInfo,
  type ArtifactInfo,
  type LineageStore,
  type RawModel,
  type ReadEdge,
  type RunInfo,
  type StepInfo,
} from './store.js';

export interface Neo4jConnection {
  uri: string;
  user: string;
  password: string;
  database?: string;
}

/** Opens a driver with plain JS numbers for integers (counts and sizes stay far below 2^53). */
export function openDriver(conn: Neo4jConnection): Driver {
  return neo4j.driver(conn.uri, neo4j.auth.basic(conn.user, conn.password), {
    disableLosslessIntegers: true,
    connectionAcquisitionTimeout: 30_000,
  });
}

/** Constraints (one per key) and indexes for the lookups the CLI makes; all `IF NOT EXISTS`. */
export const SCHEMA_STATEMENTS: readonly string[] = [
  ...Object.entries(KEY_PROPERTY).map(
    ([label, key]) => `CREATE CONSTRAINT forgeline_${label.toLowerCase()}_${key} IF NOT EXISTS FOR (n:${label}) REQUIRE n.${key} IS UNIQUE`,
  ),
  'CREATE INDEX forgeline_step_run IF NOT EXISTS FOR (n:Step) ON (n.runId)',
  'CREATE INDEX forgeline_model_name IF NOT EXISTS FOR (n:Model) ON (n.name)',
  'CREATE INDEX forgeline_artifact_kind IF NOT EXISTS FOR (n:Artifact) ON (n.kind)',
];

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LABELS = new Set<string>(NODE_LABELS);
const TYPES = new Set<string>(REL_TYPES);

/** Labels, types and property names are spliced into Cypher, so only known words get through. */
function checked(word: string, allowed: Set<string> | RegExp): string {
  const ok = allowed instanceof Set ? allowed.has(word) : allowed.test(word);
  if (!ok) throw new PipelineError('INVALID_INPUT_DATA', `lineage: "${word}" is not a known label, type or property name`);
  return word;
}

/** The lineage graph in Neo4j: every write a MERGE on a uniquely constrained key. */
export class Neo4jLineageStore implements LineageStore {
  readonly name = 'neo4j' as const;
  private schemaReady: Promise<void> | undefined;

  constructor(
    private readonly driver: Driver,
    private readonly database?: string,
    private readonly ownsDriver = true,
  ) {}

  static open(conn: Neo4jConnection): Neo4jLineageStore {
    return new Neo4jLineageStore(openDriver(conn), conn.database);
  }

  ensureSchema(): Promise<void> {
    this.schemaReady ??= this.createSchema().catch((err: unknown) => {
      this.schemaReady = undefined;
      throw err;
    });
    return this.schemaReady;
  }

  private async createSchema(): Promise<void> {
    for (const statement of SCHEMA_STATEMENTS) {
      try {
        await this.driver.executeQuery(statement, {}, { database: this.database });
      } catch (err) {
        // Two workers creating the same constraint at once: the loser sees it exists; that is the goal.
        if (!/already exists|EquivalentSchemaRuleAlreadyExists/i.test(String((err as { code?: string }).code) + (err as Error).message)) throw err;
      }
    }
  }

  async apply(ops: LineageOp[]): Promise<void> {
    if (ops.length === 0) return;
    await this.ensureSchema();
    const session = this.driver.session({ database: this.database, defaultAccessMode: neo4j.session.WRITE });
    try {
      await session.executeWrite(async (tx) => {
        for (const [query, rows] of batches(ops)) await tx.run(query, { rows });
      });
    } finally {
      await session.close();
    }
  }

  private async read<T>(query: string, params: Record<string, unknown>, map: (r: { get(key: string): unknown }) => T): Promise<T[]> {
    const session = this.driver.session({ database: this.database, defaultAccessMode: neo4j.session.READ });
    try {
      const result = await session.executeRead((tx) => tx.run(query, params));
      return result.records.map(map);
    } finally {
      await session.close();
    }
  }

  async findArtifacts(prefix: string): Promise<string[]> {
    return this.read('MATCH (a:Artifact) WHERE a.digest STARTS WITH $prefix RETURN a.digest AS d ORDER BY d LIMIT 100', { prefix }, (r) => String(r.get('d')));
  }

  async run(id: string): Promise<RunInfo | undefined> {
    const rows = await this.read(
      `MATCH (r:Run {id: $id}) OPTIONAL MATCH (r)-[:STARTED_BY]->(b)
       RETURN r {.*} AS run, [x IN collect(b) | CASE WHEN x:Schedule THEN 'schedule:' + x.id ELSE 'user:' + x.name END] AS by`,
      { id },
      (r) => ({ run: r.get('run') as Record<string, unknown>, by: (r.get('by') as string[]).sort() }),
    );
    const row = rows[0];
    return row ? toRunInfo(row.run, row.by[0]) : undefined;
  }

  async artifact(digest: string): Promise<ArtifactInfo | undefined> {
    const rows = await this.read('MATCH (a:Artifact {digest: $digest}) RETURN a {.*} AS a, labels(a) AS labels', { digest }, artifactOf('a'));
    return rows[0];
  }

  async producers(digest: string): Promise<StepInfo[]> {
    return this.read('MATCH (s:Step)-[:WROTE]->(:Artifact {digest: $digest}) RETURN DISTINCT s {.*} AS s', { digest }, (r) => toStepInfo(r.get('s') as Record<string, unknown>));
  }

  async reads(stepKey: string): Promise<ReadEdge[]> {
    return this.read('MATCH (:Step {key: $stepKey})-[r:READ]->(x) RETURN r.input AS input, x {.*} AS x, labels(x) AS labels', { stepKey }, (r): ReadEdge => {
      const input = String(r.get('input') ?? '');
      const x = r.get('x') as Record<string, unknown>;
      if ((r.get('labels') as string[]).includes('SourceFile')) {
        return { input, source: { sha256: String(x.sha256), ...(typeof x.path === 'string' ? { path: x.path } : {}) } };
      }
      return { input, artifact: artifactOf('x')(r) };
    });
  }

  async writes(stepKey: string): Promise<Array<{ output: string; artifact: ArtifactInfo }>> {
    return this.read('MATCH (:Step {key: $stepKey})-[w:WROTE]->(x:Artifact) RETURN w.output AS output, x {.*} AS x, labels(x) AS labels', { stepKey }, (r) => ({
      output: String(r.get('output') ?? ''),
      artifact: artifactOf('x')(r),
    }));
  }

  async runSteps(runId: string): Promise<StepInfo[]> {
    return this.read('MATCH (:Run {id: $runId})-[:RAN]->(s:Step) RETURN s {.*} AS s', { runId }, (r) => toStepInfo(r.get('s') as Record<string, unknown>));
  }

  async approvals(runId: string): Promise<ApprovalInfo[]> {
    return this.read(
      'MATCH (:Run {id: $runId})-[:HAD_APPROVAL]->(a:Approval)-[:DECIDED]->(s:Step) RETURN s.stepId AS stepId, a {.*} AS a',
      { runId },
      (r) => toApprovalInfo(String(r.get('stepId') ?? ''), r.get('a') as Record<string, unknown>),
    );
  }

  async trainedModels(): Promise<RawModel[]> {
    const query = `
      MATCH (m:Model) WHERE m.trained = true
      CALL { WITH m OPTIONAL MATCH (m)-[:TRAINED_ON]->(d:Artifact) RETURN collect(DISTINCT d.digest) AS trainedOn }
      CALL { WITH m OPTIONAL MATCH (m)-[:DERIVED_FROM {how: 'trained'}]->(b:Model) RETURN collect(DISTINCT b.digest) AS bases }
      CALL { WITH m OPTIONAL MATCH (f:Model)-[:DERIVED_FROM*1..5 {how: 'converted'}]->(m) RETURN collect(DISTINCT f) AS files }
      CALL { WITH m, files OPTIONAL MATCH (e:Eval)-[:SCORED]->(t:Model) WHERE t = m OR t IN files RETURN collect(DISTINCT e) AS evals }
      CALL { WITH m OPTIONAL MATCH (s:Step)-[:WROTE]->(m) RETURN collect(DISTINCT s {.*}) AS producers }
      RETURN m {.*} AS m, labels(m) AS labels, trainedOn, bases,
             [f IN files | {props: f {.*}, labels: labels(f)}] AS files,
             [e IN evals | {props: e {.*}, labels: labels(e)}] AS evals, producers`;
    const node = (x: { props: Record<string, unknown>; labels: string[] }): ArtifactInfo => ({
      digest: String(x.props.digest),
      labels: x.labels.filter((l) => l !== 'Artifact').sort(),
      props: toProps(x.props),
    });
    return this.read(query, {}, (r) => ({
      model: artifactOf('m')(r),
      trainedOn: r.get('trainedOn') as string[],
      bases: r.get('bases') as string[],
      files: (r.get('files') as Array<{ props: Record<string, unknown>; labels: string[] }>).map(node),
      evals: (r.get('evals') as Array<{ props: Record<string, unknown>; labels: string[] }>).map(node),
      producers: (r.get('producers') as Array<Record<string, unknown>>).map(toStepInfo),
    }));
  }

  async sourceReaders(sha256: string): Promise<string[]> {
    return this.read('MATCH (:SourceFile {sha256: $sha256})<-[:READ]-(s:Step) RETURN s.key AS key ORDER BY key', { sha256 }, (r) => String(r.get('key')));
  }

  async readersDownstream(digest: string, maxDepth: number): Promise<Array<{ runId: string; stepId: string; distance: number }>> {
    // A quantified path pattern (Neo4j 5.9+): hops of "read by a step that wrote", then the step that read the end.
    const depth = Math.max(0, Math.min(20, Math.floor(maxDepth)));
    // Neo4j refuses a quantifier of {0,0}: depth 0 is the direct readers alone.
    if (depth === 0) {
      const direct = 'MATCH (:Artifact {digest: $digest})<-[:READ]-(s:Step) RETURN DISTINCT s.runId AS runId, s.stepId AS stepId, 0 AS distance';
      return this.read(direct, { digest }, (r) => ({ runId: String(r.get('runId')), stepId: String(r.get('stepId')), distance: Number(r.get('distance')) }));
    }
    const query = `
      MATCH (a:Artifact {digest: $digest})
      MATCH p = (a) ((:Artifact)<-[:READ]-(:Step)-[:WROTE]->(:Artifact)){0,${depth}} (:Artifact)<-[:READ]-(s:Step)
      RETURN s.runId AS runId, s.stepId AS stepId, min((length(p) - 1) / 2) AS distance`;
    return this.read(query, { digest }, (r) => ({ runId: String(r.get('runId')), stepId: String(r.get('stepId')), distance: Number(r.get('distance')) }));
  }

  async counts(): Promise<{ nodes: Record<string, number>; relationships: Record<string, number> }> {
    const nodes: Record<string, number> = {};
    const relationships: Record<string, number> = {};
    for (const row of await this.read('MATCH (n) UNWIND labels(n) AS l RETURN l, count(*) AS c', {}, (r) => [String(r.get('l')), Number(r.get('c'))] as const)) {
      nodes[row[0]] = row[1];
    }
    for (const row of await this.read('MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS c', {}, (r) => [String(r.get('t')), Number(r.get('c'))] as const)) {
      relationships[row[0]] = row[1];
    }
    return { nodes, relationships };
  }

  async close(): Promise<void> {
    if (this.ownsDriver) await this.driver.close();
  }
}

function artifactOf(field: string) {
  return (r: { get(key: string): unknown }): ArtifactInfo => {
    const props = r.get(field) as Record<string, unknown>;
    return { digest: String(props.digest), labels: (r.get('labels') as string[]).filter((l) => l !== 'Artifact').sort(), props: toProps(props) };
  };
}

/**
 * Groups upserts that share a statement shape into one `UNWIND $rows` query each (about ten per
 * step instead of one per upsert); the statement texts repeat, so Neo4j plans them once.
 */
function batches(ops: readonly LineageOp[]): Map<string, Array<Record<string, unknown>>> {
  const groups = new Map<string, Array<Record<string, unknown>>>();
  const add = (query: string, row: Record<string, unknown>): void => {
    const rows = groups.get(query);
    if (rows) rows.push(row);
    else groups.set(query, [row]);
  };
  for (const op of ops) {
    if (op.op === 'node') {
      const key = KEY_PROPERTY[checked(op.label, LABELS) as KeyedLabel];
      const ifAbsent = Object.keys(op.setIfAbsent ?? {})
        .sort()
        .map((k) => `, n.${checked(k, IDENT)} = coalesce(n.${k}, row.ifAbsent.${k})`)
        .join('');
      const extra = [...(op.addLabels ?? [])].sort().map((l) => `:${checked(l, LABELS)}`).join('');
      add(`UNWIND $rows AS row MERGE (n:${op.label} {${key}: row.key}) SET n += row.set${ifAbsent}${extra ? ` SET n${extra}` : ''}`, {
        key: op.key,
        set: op.set ?? {},
        ifAbsent: op.setIfAbsent ?? {},
      });
      continue;
    }
    const relKey = Object.keys(op.keyProps ?? {})
      .sort()
      .map((k) => `${checked(k, IDENT)}: row.keyProps.${k}`)
      .join(', ');
    const from = `MERGE (a:${checked(op.from.label, LABELS)} {${KEY_PROPERTY[op.from.label]}: row.from})`;
    const to = `MERGE (b:${checked(op.to.label, LABELS)} {${KEY_PROPERTY[op.to.label]}: row.to})`;
    add(`UNWIND $rows AS row ${from} ${to} MERGE (a)-[r:${checked(op.type, TYPES)}${relKey ? ` {${relKey}}` : ''}]->(b) SET r += row.set`, {
      from: op.from.key,
      to: op.to.key,
      keyProps: op.keyProps ?? {},
      set: op.set ?? {},
    });
  }
  return groups;
}
