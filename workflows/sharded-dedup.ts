import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { ExecuteStepInput, ExecuteStepResult, ShardedDedupActivities } from '../activities/index.js';
import type { PlanStep } from '../core/workflow-safe/plan.js';
import { controlActivities, mergeParts, mergeToOne, MERGE_FAN_IN, shardActivityOptions } from './sharded-step.js';

/**
 * Dedup on a shard manifest, as datatrove's minhash dedup runs over Slurm tasks: signatures per
 * shard (`dedup.sign`), a shuffle of B band buckets (`dedup.bucket`, each reading every shard's
 * signatures and grouping the band hashes of its bucket), one union-find (`dedup.cluster`), then
 * survivors and rejects per shard (`dedup.write`) and `dedup.finish`. B is at most MERGE_FAN_IN, so
 * the union-find's input (B references) stays near 4 KB; only references and digests cross Temporal.
 */
export async function runShardedDedup(pipeline: string, step: PlanStep, inputs: ExecuteStepInput['inputs'], cache: boolean): Promise<ExecuteStepResult> {
  const started = Date.now();
  const control = controlActivities(step);
  const input: ExecuteStepInput = { runId: workflowInfo().workflowId, pipeline, stepId: step.id, kind: step.kind, options: step.options, inputs, cache };
  const work = (id: string, summary: string, shardWork = true) => proxyActivities<ShardedDedupActivities>(shardActivityOptions(step, id, summary, shardWork));

  const start = await control('start', 'start')['shards.start'](input);
  if (start.hit) return { ...start.hit, durationMs: Date.now() - started };
  const n = start.shards;
  const signed = await Promise.all(Array.from({ length: n }, (_, i) => work(`sign-${i}`, `signatures ${i + 1}/${n}`)['dedup.sign']({ ...input, shard: i })));
  const signatures = await mergeToOne(signed, control, 'merge-signatures');
  const buckets = Math.min(n, MERGE_FAN_IN);
  const candidates = await Promise.all(
    Array.from({ length: buckets }, (_, b) => work(`bucket-${b}`, `band bucket ${b + 1}/${buckets}`)['dedup.bucket']({ ...input, signatures, bucket: b, buckets })),
  );
  const plan = await work('cluster', 'union-find')['dedup.cluster']({ ...input, signatures, candidates });
  const written = await Promise.all(Array.from({ length: n }, (_, i) => work(`write-${i}`, `write ${i + 1}/${n}`)['dedup.write']({ ...input, shard: i, plan })));
  const parts = await mergeParts(written, control, 'merge-written');
  const result = await work('finish', 'finish', false)['dedup.finish']({ ...input, cacheKey: start.cacheKey, parts, plan });
  return { ...result, durationMs: Date.now() - started };
}
