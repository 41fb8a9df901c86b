import path from 'node:path';
import { z } from 'zod';
import { sha256File } from '../../core/artifacts/hash.js';
import type { ArtifactRef } from '../../core/artifacts/ref.js';
import { defineStep, type StepContext } from '../../core/dsl/step-kind.js';
import { PipelineError } from '../../core/errors.js';
import { readRecords, RecordsWriter } from '../../core/stage/records-io.js';
import { readLines } from './raw-io.js';
import { readIndex, sameParams, signedFields, writeIndex, type DedupIndex } from './index-file.js';
import { chooseSurvivors, duplicateRejectLine, exactFirsts, linkExact, reasonOf } from './cluster.js';
import { linkNearDuplicates, UnionFind } from './lsh.js';
import { estimateJaccard, rowsOf, setJaccard } from './minhash.js';
import { lineId, signRecords } from './sign-pass.js';
import { checkBands, minhashParams, minhashShape } from './options.js';
import { linkSemanticDuplicates, onnxEmbedder } from './semantic.js';
import { recordText } from './text.js';

export const DEDUP_REASONS = ['exact_duplicate', 'near_duplicate', 'semantic_duplicate'] as const;

const semanticSchema = z
  .object({
    model: z.string().min(1).describe('ONNX encoder (input_ids [batch, tokens] -> [batch, dim] or [batch, tokens, dim])'),
    vocabSize: z.number().int().min(2).describe("the model's vocabulary size (words are hashed into it)"),
    threshold: z.number().gt(0).max(1).default(0.95).describe('cosine similarity at or above which records are semantic duplicates'),
    maxTokens: z.number().int().positive().default(256),
    batchSize: z.number().int().positive().default(64),
    maxRecords: z.number().int().positive().default(50_000).describe('all-pairs search: refuse inputs larger than this'),
  })
  .strict();

export const dedupOptions = z
  .object({
    ...minhashShape,
    exact: z.boolean().default(true).describe('remove exact duplicates of the normalised text'),
    near: z.boolean().default(true).describe('remove MinHash near-duplicates'),
    verify: z
      .enum(['exact', 'estimate'])
      .default('exact')
      .describe(
        "how a candidate pair is checked against the threshold: the true Jaccard similarity of the two shingle sets (held in memory, 4 bytes per shingle), or the signatures' estimate (less memory, but its noise drops pairs just above the threshold); pairs with a previous index's records always use the estimate",
      ),
    qualityFields: z
      .array(z.string())
      .default(['quality_score', 'metadata.quality_score', 'quality.score'])
      .describe('where the quality score is read (first numeric wins); the highest-scored member of a cluster survives'),
    semantic: semanticSchema.optional(),
    previousIndex: z.string().optional().describe('an index file from an earlier run (CLI use; pipelines wire the `index` input)'),
  })
  .strict()
  .superRefine(checkBands);

export type DedupOptions = z.output<typeof dedupOptions>;

async function loadPrevious(ctx: StepContext, given: ArtifactRef | undefined, o: DedupOptions): Promise<DedupIndex | undefined> {
  if (given) return readIndex(ctx.store, given);
  if (!o.previousIndex) return undefined;
  const ref = await ctx.store.putFile(path.resolve(o.previousIndex), { kind: 'index', schema: 'dedup-index-v1' }).catch(() => {
    throw new PipelineError('CONFIG', `previous index not found: ${o.previousIndex}`, [{ path: 'previousIndex', message: 'file not found' }]);
  });
  return readIndex(ctx.store, ref);
}

/**
 * Two passes. The first signs every record (exact key + MinHash) and keeps per record only its
 * signature, score and id (and, with `verify: 'exact'`, its shingle set); clusters are then formed
 * with union-find (exact keys, LSH candidates checked against the threshold, optional embeddings);
 * the second pass streams the input again and writes survivors and rejects in input order. Records already in a previous index always survive.
 */
export const dedupStep = defineStep({
  kind: 'dedup',
  description: 'Remove exact, near (MinHash LSH) and optionally semantic duplicates; keeps an incremental index',
  module: import.meta.url,
  paths: { previousIndex: 'read' },
  inputs: { records: { kind: 'records' }, index: { kind: 'index', optional: true } },
  outputs: { records: 'records', rejects: 'records', index: 'index' },
  options: dedupOptions,
  cli: { in: 'records', out: 'records', rejects: 'rejects' },
  // Records in different shards can be duplicates of each other: its own fan-out (workflows/sharded-dedup.ts).
  shardable: { input: 'records', sharded: ['records'], fanOut: 'dedup' },
  async fingerprint(o) {
    return o.previousIndex ? (await sha256File(path.resolve(o.previousIndex)).catch(() => ({ sha256: 'missing' }))).sha256 : '';
  },
  async run(ctx, inputs, o) {
    const t0 = Date.now();
    const params = minhashParams(o);
    const P = params.permutations;
    const old = await loadPrevious(ctx, inputs.index, o);
    if (old) {
      const diffs = sameParams(old.params, params);
      if (diffs.length > 0) throw new PipelineError('CONFIG', 'the previous dedup index was built with other parameters', diffs.map((d) => ({ path: 'options', message: d })));
    }
    const m = old?.count ?? 0;

    // Pass 1: sign.
    const exactSets = o.near && o.verify === 'exact';
    const pass = await signRecords(ctx, inputs.records, o, params, exactSets);
    const { table, quality, lines } = pass;
    const ids = pass.ids.map((id, k) => id ?? lineId(lines[k]!));
    const n = table.count;
    const tSign = Date.now();

    // Cluster: old index entries are 0..m-1, this run's records m..m+n-1.
    const total = m + n;
    const sigs = old ? new Uint32Array(total * P) : table.sigs;
    const exact = old ? new Uint32Array(total * 2) : table.exact;
    if (old) {
      sigs.set(old.sigs.subarray(0, m * P));
      sigs.set(table.sigs.subarray(0, n * P), m * P);
      exact.set(old.exact.subarray(0, m * 2));
      exact.set(table.exact.subarray(0, n * 2), m * 2);
    }
    const keyOf = (i: number): number => (exact[2 * i]! & 0x1fffff) * 0x100000000 + exact[2 * i + 1]!;
    const uf = new UnionFind(total);
    const reps = o.exact ? linkExact(uf, exactFirsts(total, keyOf)) : Int32Array.from({ length: total }, (_, i) => i);
    const oldPair = (a: number, b: number): boolean => a < m && b < m;
    // The index keeps signatures only, so a pair with an indexed record is checked by the estimate.
    const measured = (a: number, b: number): boolean => exactSets && a >= m && b >= m;
    const similarity = (a: number, b: number): number =>
      measured(a, b) ? setJaccard(table.shingleSet(a - m), table.shingleSet(b - m)) : estimateJaccard(sigs, a, b, P);
    const layout = { permutations: P, bands: params.bands, rows: rowsOf(params) };
    const onBand = (band: number) => ctx.heartbeat({ done: band + 1, total: params.bands, unit: 'bands', message: 'clustering' });
    const lsh = o.near ? await linkNearDuplicates(sigs, reps, layout, o.threshold, uf, oldPair, onBand, similarity) : { buckets: 0, comparisons: 0, links: 0 };
    ctx.heartbeat({ done: n, total: n, unit: 'records', message: 'clustered' });

    let semanticLinks = 0;
    let uf2 = uf;
    if (o.semantic) {
      const s = o.semantic;
      const candidates = [...reps].filter((i) => i >= m); // the index keeps no embeddings: semantic dedup is within this run
      if (candidates.length > s.maxRecords) {
        throw new PipelineError('CONFIG', `semantic dedup compares all pairs; ${candidates.length} records exceed semantic.maxRecords (${s.maxRecords})`, [
          { path: 'semantic.maxRecords', message: `${candidates.length} > ${s.maxRecords}` },
        ]);
      }
      const wanted = new Set(candidates.map((i) => i - m));
      const texts: string[] = [];
      let k = 0;
      for await (const { value } of readRecords<Record<string, unknown>>(ctx.store, inputs.records)) {
        if (wanted.has(k)) texts.push(recordText(value, o.fields));
        k++;
      }
      const embedder = await onnxEmbedder({ ...s, model: path.resolve(s.model), normalize: params.normalize });
      try {
        const vectors = await embedder.embed(texts);
        uf2 = uf.clone();
        semanticLinks = await linkSemanticDuplicates(candidates, vectors, s.threshold, uf2, (done, total) =>
          ctx.heartbeat({ done, total, unit: 'records', message: 'semantic search' }),
        );
      } finally {
        await embedder.close();
      }
    }

    const survivorOf = chooseSurvivors(uf2, total, m, (i) => quality[i - m]!);
    const tCluster = Date.now();

    // Pass 2: write survivors and rejects in input order; the new index adds this run's survivors.
    const kept = await RecordsWriter.open(ctx.store);
    const rejects = await RecordsWriter.open(ctx.store);
    const dropped: Record<string, number> = {};
    const keptIdx: number[] = [];
    const clusters = new Set<number>();
    try {
      let k = 0;
      for await (const { text, line } of readLines(ctx.store, inputs.records)) {
        const i = m + k++;
        const s = survivorOf[i]!;
        if (s === i) {
          await kept.writeLine(text);
          keptIdx.push(i);
          continue;
        }
        clusters.add(s);
        const reason = reasonOf(o.exact && keyOf(i) === keyOf(s), uf.find(i) === uf.find(s));
        dropped[reason] = (dropped[reason] ?? 0) + 1;
        const survivor = s < m ? old!.ids[s]! : ids[s - m]!;
        const of = { reason, survivor, survivorLine: s < m ? undefined : lines[s - m], similarity: similarity(i, s), measured: measured(i, s) };
        await rejects.writeLine(duplicateRejectLine(text, line, of));
      }
    } catch (err) {
      await kept.abort();
      await rejects.abort();
      throw err;
    }
    const records = await kept.commit(inputs.records.schema);
    const rejectsRef = await rejects.commit('reject');

    const count = m + keptIdx.length;
    // `signed`: the kept records are entries m.., so that split can reuse their signatures.
    const signed = { sha256: records.sha256, first: m, fields: signedFields(o.fields) };
    const next: DedupIndex = { params, count, exact: new Uint32Array(count * 2), sigs: new Uint32Array(count * P), ids: old ? old.ids.slice() : [], signed };
    if (old) {
      next.exact.set(old.exact.subarray(0, m * 2));
      next.sigs.set(old.sigs.subarray(0, m * P));
    }
    keptIdx.forEach((i, j) => {
      next.exact.set(exact.subarray(2 * i, 2 * i + 2), 2 * (m + j));
      next.sigs.set(sigs.subarray(i * P, (i + 1) * P), (m + j) * P);
      next.ids.push(ids[i - m]!);
    });
    const index = await writeIndex(ctx.store, next);
    const rejected = n - keptIdx.length;
    return {
      outputs: { records, rejects: rejectsRef, index },
      metadata: {
        total: n,
        kept: keptIdx.length,
        rejected,
        dropped,
        clusters: clusters.size,
        indexed: m,
        indexSize: count,
        lsh: { ...lsh, bands: params.bands, rows: layout.rows, permutations: P },
        semanticLinks,
        ms: { sign: tSign - t0, cluster: tCluster - tSign, write: Date.now() - tCluster },
      },
    };
  },
});
