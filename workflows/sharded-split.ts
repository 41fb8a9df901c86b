import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { ExecuteStepInput, ExecuteStepResult, ShardedSplitActivities } from '../activities/index.js';
import type { PlanStep } from '../core/workflow-safe/plan.js';
import { controlActivities, mergeParts, mergeToOne, shardActivityOptions } from './sharded-step.js';

/**
 * Split on a shard manifest, shaped as sharded dedup is: strata, group keys and signatures per shard
 * (`split.gather`; no signatures when dedup's index signed this manifest), one clustering and assignment over the whole dataset (`split.assign`: clusters
 * span shards, quotas hold per stratum), then train, valid and test per shard (`split.write`) and
 * `split.finish`. Only references and digests cross Temporal: the assignment is an artifact of one
 * byte a record, and each writer reads its shard's slice of it.
 */
export async function runShardedSplit(pipeline: string, step: PlanStep, inputs: ExecuteStepInput['inputs'], cache: boolean): Promise<ExecuteStepResult> {
  const started = Date.now();
  const control = controlActivities(step);
  const input: ExecuteStepInput = { runId: workflowInfo().workflowId, pipeline, stepId: step.id, kind: step.kind, options: step.options, inputs, cache };
  const work = (id: string, summary: string, shardWork = true) => proxyActivities<ShardedSplitActivities>(shardActivityOptions(step, id, summary, shardWork));

  const start = await control('start', 'start')['shards.start'](input);
  if (start.hit) return { ...start.hit, durationMs: Date.now() - started };
  const n = start.shards;
  const each = <T>(f: (i: number) => Promise<T>) => Promise.all(Array.from({ length: n }, (_, i) => f(i)));
  const gathered = await each((i) => work(`gather-${i}`, `keys and signatures ${i + 1}/${n}`)['split.gather']({ ...input, shard: i }));
  const all = await mergeToOne(gathered, control, 'merge-gathered');
  const plan = await work('assign', 'clusters and assignment')['split.assign']({ ...input, gathered: all });
  const written = await each((i) => work(`write-${i}`, `write ${i + 1}/${n}`)['split.write']({ ...input, shard: i, plan }));
  const parts = await mergeParts(written, control, 'merge-written');
  const result = await work('finish', 'finish', false)['split.finish']({ ...input, cacheKey: start.cacheKey, parts, plan });
  return { ...result, durationMs: Date.now() - started };
}
