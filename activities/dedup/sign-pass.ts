import type { ArtifactRef } from '../../core/artifacts/ref.js';
import type { StepContext } from '../../core/dsl/step-kind.js';
import { PipelineError } from '../../core/errors.js';
import { getPath } from '../../core/json/get-path.js';
import { recordProgress } from '../../core/stage/progress.js';
import { readRecords } from '../../core/stage/records-io.js';
import type { MinhashParams } from './minhash.js';
import { SignatureTable } from './signatures.js';
import { recordText } from './text.js';

/**
 * A record's id in reject rows: `id`, `metadata.id`, `source:line` from its provenance; undefined
 * when it has none, and then its line stands for it (lineId), which for a shard is only known once
 * the lines of the shards before it are counted.
 */
export function idOf(value: Record<string, unknown>): string | undefined {
  const id = value.id ?? getPath(value, 'metadata.id');
  if (typeof id === 'string' || typeof id === 'number') return String(id);
  const prov = value.provenance as { source?: string; line?: number } | undefined;
  if (prov?.source !== undefined && prov.line !== undefined) return `${prov.source}:${prov.line}`;
  return undefined;
}

export const lineId = (line: number): string => `line:${line}`;

function qualityOf(value: Record<string, unknown>, fields: readonly string[]): number {
  for (const f of fields) {
    const q = getPath(value, f);
    if (typeof q === 'number' && Number.isFinite(q)) return q;
  }
  return -Infinity;
}

export interface SignedRecords {
  table: SignatureTable;
  quality: number[];
  ids: (string | undefined)[];
  lines: number[];
}

/**
 * Dedup's first pass over one records artifact (the whole input on one host, one shard when
 * sharded): per record its signature and exact key (and with `withShingles` its shingle set), its
 * quality score, id and line.
 */
export async function signRecords(
  ctx: Pick<StepContext, 'store' | 'heartbeat' | 'signal'>,
  records: ArtifactRef,
  o: { fields?: string[]; qualityFields: string[]; threads: number },
  params: MinhashParams,
  withShingles: boolean,
): Promise<SignedRecords> {
  const table = new SignatureTable(params, records.records ?? 0, o.threads, undefined, withShingles);
  const quality: number[] = [];
  const ids: (string | undefined)[] = [];
  const lines: number[] = [];
  try {
    const progress = recordProgress(ctx, records.records, 'hashing');
    for await (const { value, line } of readRecords<Record<string, unknown>>(ctx.store, records)) {
      if (!value || typeof value !== 'object' || Array.isArray(value)) {
        throw new PipelineError('INVALID_INPUT_DATA', `line ${line}: not a JSON object`, [{ path: `records:${line}`, message: 'not a JSON object' }]);
      }
      quality.push(qualityOf(value, o.qualityFields));
      ids.push(idOf(value));
      lines.push(line);
      await table.add(recordText(value, o.fields));
      progress(table.count);
    }
    await table.finish();
  } finally {
    await table.close();
  }
  return { table, quality, ids, lines };
}
