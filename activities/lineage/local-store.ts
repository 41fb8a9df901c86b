import fs from 'node:fs/promises';
import path from 'node:path';
import { canonicalJson } from '../../core/cache/canonical.js';
import { PipelineError } from '../../core/errors.js';
import { KEY_PROPERTY, type KeyedLabel, type LineageOp, type NodeRef, type Props, type RelType } from './graph.js';
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

/**
 * The embedded lineage store: an append-only JSONL journal of upserts in the state folder
 * (`<home>/lineage/journal.jsonl`), replayed into maps when read.
 *
 * Why JSONL and not SQLite: Node 20 has no built-in SQLite, and the native packages fetch prebuilt
 * binaries from GitHub or compile with node-gyp; a journal needs nothing, is crash-safe by
 * construction (one `write` per batch with O_APPEND, then fsync; a torn last line is ignored), is
 * readable with `jq`, and replaying MERGE-style upserts makes duplicates (retries) harmless. A
 * lineage graph is small (a few nodes per step), so replaying it is fast.
 */
export class LocalLineageStore implements LineageStore {
  readonly name = 'local' as const;
  private graph: MemGraph | undefined;
  private stamp = '';
  private appender: Promise<fs.FileHandle> | undefined;

  constructor(readonly file: string) {}

  static inHome(home: string): LocalLineageStore {
    return new LocalLineageStore(path.join(home, 'lineage', 'journal.jsonl'));
  }

  async ensureSchema(): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
  }

  async apply(ops: LineageOp[]): Promise<void> {
    if (ops.length === 0) return;
    // One append handle for the store's life: a worker appends for every step it runs, and opening
    // and closing the journal each time was a measurable share of a short step's cost. Each batch is
    // still one write with O_APPEND (whole lines, whatever else appends), then a datasync.
    this.appender ??= this.ensureSchema().then(() => fs.open(this.file, 'a'));
    let handle = await this.appender.catch((err: unknown) => {
      this.appender = undefined;
      throw err;
    });
    if ((await handle.stat()).nlink === 0) {
      // The journal was removed or replaced (a reset lineage): append to the file now at the path.
      await handle.close().catch(() => undefined);
      this.appender = this.ensureSchema().then(() => fs.open(this.file, 'a'));
      handle = await this.appender;
    }
    await handle.write(JSON.stringify({ v: 1, ops }) + '\n');
    await handle.datasync();
    // The next query replays the journal, with any lines other writers appended meanwhile.
    this.graph = undefined;
  }

  /** The graph as the journal says now: replayed again only when the file changed (other writers). */
  private async load(): Promise<MemGraph> {
    let text: string;
    let stamp: string;
    try {
      const st = await fs.stat(this.file);
      stamp = `${st.size}:${st.mtimeMs}`;
      if (this.graph && stamp === this.stamp) return this.graph;
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      text = '';
      stamp = 'missing';
    }
    const graph = new MemGraph();
    const lines = text.split('\n');
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      let entry: { ops?: LineageOp[] };
      try {
        entry = JSON.parse(line) as { ops?: LineageOp[] };
      } catch {
        // A crash mid-append leaves at most a torn last line; anything else is damage worth reporting.
        if (i === lines.length - 1) return;
        throw new PipelineError('INVALID_INPUT_DATA', `${this.file}:${i + 1}: lineage journal line is not JSON`, [
          { path: `${this.file}:${i + 1}`, message: 'not JSON' },
        ]);
      }
      if (!Array.isArray(entry.ops)) {
        throw new PipelineError('INVALID_INPUT_DATA', `${this.file}:${i + 1}: lineage journal line has no "ops" array`, [
          { path: `${this.file}:${i + 1} ops`, message: 'missing' },
        ]);
      }
      graph.apply(entry.ops);
    });
    this.graph = graph;
    this.stamp = stamp;
    return graph;
  }

  async findArtifacts(prefix: string): Promise<string[]> {
    const g = await this.load();
    return [...g.nodes.values()].filter((n) => n.label === 'Artifact' && n.key.startsWith(prefix)).map((n) => n.key).sort();
  }

  async run(id: string): Promise<RunInfo | undefined> {
    return (await this.load()).runInfo(id);
  }

  async artifact(digest: string): Promise<ArtifactInfo | undefined> {
    const n = (await this.load()).node('Artifact', digest);
    return n ? artifactInfo(n) : undefined;
  }

  async producers(digest: string): Promise<StepInfo[]> {
    const g = await this.load();
    return g.incoming(nodeId('Artifact', digest), 'WROTE').map((r) => toStepInfo(g.nodes.get(r.from)!.props));
  }

  async reads(stepKey: string): Promise<ReadEdge[]> {
    const g = await this.load();
    return g.outgoing(nodeId('Step', stepKey), 'READ').map((r): ReadEdge => {
      const to = g.nodes.get(r.to)!;
      const input = String(r.keyProps.input ?? '');
      if (to.label === 'SourceFile') {
        const p = to.props.path;
        return { input, source: { sha256: to.key, ...(typeof p === 'string' ? { path: p } : {}) } };
      }
      return { input, artifact: artifactInfo(to) };
    });
  }

  async writes(stepKey: string): Promise<Array<{ output: string; artifact: ArtifactInfo }>> {
    const g = await this.load();
    return g.outgoing(nodeId('Step', stepKey), 'WROTE').map((r) => ({ output: String(r.keyProps.output ?? ''), artifact: artifactInfo(g.nodes.get(r.to)!) }));
  }

  async runSteps(runId: string): Promise<StepInfo[]> {
    const g = await this.load();
    return g.outgoing(nodeId('Run', runId), 'RAN').map((r) => toStepInfo(g.nodes.get(r.to)!.props));
  }

  async approvals(runId: string): Promise<ApprovalInfo[]> {
    const g = await this.load();
    return g.outgoing(nodeId('Run', runId), 'HAD_APPROVAL').flatMap((r) =>
      g.outgoing(r.to, 'DECIDED').map((d) => toApprovalInfo(String(g.nodes.get(d.to)!.props.stepId ?? ''), g.nodes.get(r.to)!.props)),
    );
  }

  async trainedModels(): Promise<RawModel[]> {
    const g = await this.load();
    const out: RawModel[] = [];
    for (const m of g.nodes.values()) {
      if (!m.labels.has('Model') || m.props.trained !== true) continue;
      const id = nodeId('Artifact', m.key);
      // Files converted from the model (export, quantize), transitively, as Cypher's *1..5 would.
      const files = new Map<string, Node>();
      let frontier = [id];
      for (let depth = 0; depth < 5 && frontier.length > 0; depth++) {
        const next: string[] = [];
        for (const f of frontier) {
          for (const r of g.incoming(f, 'DERIVED_FROM')) {
            if (r.props.how !== 'converted' || files.has(r.from)) continue;
            files.set(r.from, g.nodes.get(r.from)!);
            next.push(r.from);
          }
        }
        frontier = next;
      }
      const evals = new Map<string, Node>();
      for (const target of [id, ...files.keys()]) for (const r of g.incoming(target, 'SCORED')) evals.set(r.from, g.nodes.get(r.from)!);
      out.push({
        model: artifactInfo(m),
        trainedOn: g.outgoing(id, 'TRAINED_ON').map((r) => g.nodes.get(r.to)!.key),
        bases: g.outgoing(id, 'DERIVED_FROM').filter((r) => r.props.how === 'trained').map((r) => g.nodes.get(r.to)!.key),
        files: [...files.values()].map(artifactInfo),
        evals: [...evals.values()].map(artifactInfo),
        producers: g.incoming(id, 'WROTE').map((r) => toStepInfo(g.nodes.get(r.from)!.props)),
      });
    }
    return out;
  }

  async sourceReaders(sha256: string): Promise<string[]> {
    const g = await this.load();
    return g.incoming(nodeId('SourceFile', sha256), 'READ').map((r) => String(g.nodes.get(r.from)!.props.key)).sort();
  }

  async readersDownstream(digest: string, maxDepth: number): Promise<Array<{ runId: string; stepId: string; distance: number }>> {
    const g = await this.load();
    const out: Array<{ runId: string; stepId: string; distance: number }> = [];
    const seen = new Set<string>([nodeId('Artifact', digest)]);
    let frontier = [...seen];
    for (let distance = 0; distance <= maxDepth && frontier.length > 0; distance++) {
      const next: string[] = [];
      for (const a of frontier) {
        for (const read of g.incoming(a, 'READ')) {
          const step = g.nodes.get(read.from)!;
          out.push({ runId: String(step.props.runId), stepId: String(step.props.stepId), distance });
          for (const w of g.outgoing(read.from, 'WROTE')) {
            if (!seen.has(w.to)) {
              seen.add(w.to);
              next.push(w.to);
            }
          }
        }
      }
      frontier = next;
    }
    return out;
  }

  async counts(): Promise<{ nodes: Record<string, number>; relationships: Record<string, number> }> {
    const g = await this.load();
    const nodes: Record<string, number> = {};
    const relationships: Record<string, number> = {};
    for (const n of g.nodes.values()) for (const l of n.labels) nodes[l] = (nodes[l] ?? 0) + 1;
    for (const r of g.rels.values()) relationships[r.type] = (relationships[r.type] ?? 0) + 1;
    return { nodes, relationships };
  }

  async close(): Promise<void> {
    this.graph = undefined;
    const appender = this.appender;
    this.appender = undefined;
    if (appender) await (await appender.catch(() => undefined))?.close();
  }
}

interface Node {
  label: KeyedLabel;
  key: string;
  labels: Set<string>;
  props: Props;
}

interface Rel {
  type: RelType;
  from: string;
  to: string;
  keyProps: Props;
  props: Props;
}

const nodeId = (label: KeyedLabel, key: string): string => `${label}\u0000${key}`;
const refId = (ref: NodeRef): string => nodeId(ref.label, ref.key);

function artifactInfo(n: Node): ArtifactInfo {
  return { digest: n.key, labels: [...n.labels].filter((l) => l !== 'Artifact').sort(), props: toProps(n.props) };
}

/** The replayed graph: upserts with the same semantics as the Cypher MERGEs in neo4j-store.ts. */
class MemGraph {
  readonly nodes = new Map<string, Node>();
  readonly rels = new Map<string, Rel>();
  private readonly out = new Map<string, Rel[]>();
  private readonly in = new Map<string, Rel[]>();

  apply(ops: readonly LineageOp[]): void {
    for (const op of ops) {
      if (op.op === 'node') {
        const n = this.merge(op.label, op.key);
        Object.assign(n.props, op.set ?? {});
        for (const [k, v] of Object.entries(op.setIfAbsent ?? {})) if (n.props[k] === undefined) n.props[k] = v;
        for (const l of op.addLabels ?? []) n.labels.add(l);
      } else {
        const from = refId(op.from);
        const to = refId(op.to);
        this.merge(op.from.label, op.from.key);
        this.merge(op.to.label, op.to.key);
        const id = `${op.type}\u0000${from}\u0000${to}\u0000${canonicalJson(op.keyProps ?? {})}`;
        let rel = this.rels.get(id);
        if (!rel) {
          rel = { type: op.type, from, to, keyProps: { ...op.keyProps }, props: { ...op.keyProps } };
          this.rels.set(id, rel);
          this.index(this.out, from, rel);
          this.index(this.in, to, rel);
        }
        Object.assign(rel.props, op.set ?? {});
      }
    }
  }

  node(label: KeyedLabel, key: string): Node | undefined {
    return this.nodes.get(nodeId(label, key));
  }

  runInfo(id: string): RunInfo | undefined {
    const run = this.node('Run', id);
    if (!run) return undefined;
    const by = this.outgoing(nodeId('Run', id), 'STARTED_BY')
      .map((r) => this.nodes.get(r.to)!)
      .map((n) => `${n.label === 'Schedule' ? 'schedule' : 'user'}:${n.key}`)
      .sort()[0];
    return toRunInfo({ ...run.props, id }, by);
  }

  outgoing(id: string, type: RelType): Rel[] {
    return (this.out.get(id) ?? []).filter((r) => r.type === type);
  }

  incoming(id: string, type: RelType): Rel[] {
    return (this.in.get(id) ?? []).filter((r) => r.type === type);
  }

  private merge(label: KeyedLabel, key: string): Node {
    const id = nodeId(label, key);
    let n = this.nodes.get(id);
    if (!n) {
      n = { label, key, labels: new Set([label]), props: { [KEY_PROPERTY[label]]: key } };
      this.nodes.set(id, n);
    }
    return n;
  }

  private index(map: Map<string, Rel[]>, id: string, rel: Rel): void {
    const list = map.get(id);
    if (list) list.push(rel);
    else map.set(id, [rel]);
  }
}
