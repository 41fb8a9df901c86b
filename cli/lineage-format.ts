import type { ArtifactTree, RegistryEntry, RunLineage, RunUse } from '../activities/lineage/queries.js';
import { num, str, type ArtifactInfo, type StepInfo } from '../activities/lineage/store.js';

/** Plain-text renderings for the CLI; they depend only on the answers, never on the store. */

interface TreeNode {
  text: string;
  children: TreeNode[];
}

function render(node: TreeNode, prefix = '', last = true, root = true): string[] {
  const lines = [root ? node.text : `${prefix}${last ? '└─ ' : '├─ '}${node.text}`];
  const childPrefix = root ? '' : `${prefix}${last ? '   ' : '│  '}`;
  node.children.forEach((c, i) => lines.push(...render(c, childPrefix, i === node.children.length - 1, false)));
  return lines;
}

export function humanBytes(bytes: number | undefined): string | undefined {
  if (bytes === undefined) return undefined;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}

export const short = (digest: string): string => digest.slice(0, 12);

export function artifactLine(a: ArtifactInfo): string {
  const p = a.props;
  const what = a.labels.includes('Model') ? 'model' : a.labels.includes('Eval') ? 'eval' : (str(p.kind) ?? 'artifact');
  const records = num(p.records);
  const details = [
    str(p.schema),
    records !== undefined ? `${records} records` : undefined,
    humanBytes(num(p.bytes)),
    str(p.quantization),
    a.labels.includes('Model') ? str(p.name) : undefined,
    str(p.promotion),
  ].filter((d): d is string => d !== undefined);
  return `${what} ${short(a.digest)}${details.length ? ` (${details.join(', ')})` : ''}`;
}

const stepLine = (s: StepInfo): string =>
  `step ${s.stepId} (${s.kind}${s.version ? `, code ${s.version.slice(0, 8)}` : ''}) in run ${s.runId} [${s.status}]`;

const sourceLine = (s: { sha256: string; path?: string }): string => `source file ${s.path ?? '?'} (sha256 ${short(s.sha256)})`;

function artifactTreeNode(t: ArtifactTree, label = ''): TreeNode {
  const node: TreeNode = { text: `${label}${artifactLine(t.artifact)}${t.repeated ? ' (see above)' : ''}`, children: [] };
  const by = t.producedBy;
  if (!by) {
    if (!t.repeated) node.children.push({ text: 'no recorded producer', children: [] });
    return node;
  }
  const step: TreeNode = { text: `written by ${stepLine(by.step)}`, children: [] };
  for (const other of by.alsoBy) step.children.push({ text: `also written by ${stepLine(other)}`, children: [] });
  for (const r of by.reads) {
    if (r.source) step.children.push({ text: `${r.input}: ${sourceLine(r.source)}`, children: [] });
    else if (r.artifact) step.children.push(artifactTreeNode(r.artifact, `${r.input}: `));
  }
  node.children.push(step);
  return node;
}

export function formatArtifactLineage(t: ArtifactTree): string {
  return render(artifactTreeNode(t)).join('\n');
}

export function formatRunLineage(l: RunLineage): string {
  const r = l.run;
  const root: TreeNode = { text: `run ${r.id} (pipeline ${r.pipeline})`, children: [] };
  root.children.push({ text: `started ${r.startedAt ?? '?'}${r.startedBy ? ` by ${r.startedBy}` : ''}`, children: [] });
  if (r.params !== undefined || r.paramsDigest !== undefined) {
    root.children.push({ text: `params ${r.params ?? ''}${r.paramsDigest ? ` (sha256 ${short(r.paramsDigest)})` : ''}`, children: [] });
  }
  const steps: TreeNode = { text: `steps (${l.steps.length})`, children: [] };
  for (const s of l.steps) {
    const st = s.step;
    const node: TreeNode = { text: `${st.stepId} (${st.kind}${st.version ? `, code ${st.version.slice(0, 8)}` : ''}) [${st.status}]`, children: [] };
    for (const rd of s.reads) {
      node.children.push({ text: `read ${rd.input}: ${rd.source ? sourceLine(rd.source) : rd.artifact ? artifactLine(rd.artifact) : '?'}`, children: [] });
    }
    for (const w of s.writes) node.children.push({ text: `wrote ${w.output}: ${artifactLine(w.artifact)}`, children: [] });
    const a = s.approval;
    if (a) node.children.push({ text: `decision: ${a.decision} by ${a.decidedBy === 'timeout' ? 'the timeout' : a.by} at ${a.at}${a.note ? `: ${a.note}` : ''}`, children: [] });
    steps.children.push(node);
  }
  root.children.push(steps);
  return render(root).join('\n');
}

const fmtNumber = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(3));

export function evalSummary(e: RegistryEntry, maxMetrics = 4): string {
  const first = e.evals[0];
  if (!first) return '-';
  const parts = Object.keys(first.metrics)
    .sort()
    .slice(0, maxMetrics)
    .map((k) => `${k}=${fmtNumber(first.metrics[k]!)}`);
  const more = e.evals.length > 1 ? ` (+${e.evals.length - 1} more)` : '';
  return `${parts.join(' ') || 'no metrics'}${more}`;
}

export function formatRegistry(entries: RegistryEntry[], table: (rows: string[][]) => string): string {
  if (entries.length === 0) return 'no trained models recorded';
  const rows = [['NAME', 'VERSION', 'MODEL', 'SIZE', 'FILES', 'EVAL', 'PROMOTED', 'RUN']];
  for (const e of entries) {
    const files = e.files.map((f) => `${f.quantization ?? f.format ?? '?'} ${short(f.digest)} ${humanBytes(f.bytes) ?? ''}`.trim()).join(', ');
    rows.push([e.name, `v${e.version}`, short(e.digest), humanBytes(e.bytes) ?? '-', files || '-', evalSummary(e), e.promotion ?? '-', e.runId ?? '-']);
  }
  return table(rows);
}

export function formatRunUses(digest: string, uses: RunUse[], table: (rows: string[][]) => string): string {
  if (uses.length === 0) return `no recorded run used ${short(digest)}`;
  const rows = [['RUN', 'PIPELINE', 'STARTED', 'BY', 'USE', 'STEPS']];
  for (const u of uses) {
    rows.push([
      u.run.id,
      u.run.pipeline,
      u.run.startedAt ?? '-',
      u.run.startedBy ?? '-',
      u.distance === 0 ? 'direct' : `derived (${u.distance} step${u.distance === 1 ? '' : 's'} away)`,
      u.steps.join(','),
    ]);
  }
  return table(rows);
}
