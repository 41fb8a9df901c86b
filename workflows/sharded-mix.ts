import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { ExecuteStepInput, ExecuteStepResult, ShardedMixActivities } from '../activities/index.js';
import type { PlanStep } from '../core/workflow-safe/plan.js';
import { controlActivities, mergeParts, mergeToOne, shardActivityOptions } from './sharded-step.js';

/**
 * Mix over a bucket manifest that names shard manifests (analyze on a sharded dataset), shaped as
 * sharded split is: what each bucket holds in each unit, one shard of one source (`mix.count`), one
 * allocation of the buckets' counts over the units (`mix.allocate`), the draws of each unit into
 * seeded shuffle chunks (`mix.draw`), and the chunks shuffled into one records output
 * (`mix.finish`). Only references and digests cross Temporal.
 */
export async function runShardedMix(pipeline: string, step: PlanStep, inputs: ExecuteStepInput['inputs'], cache: boolean): Promise<ExecuteStepResult> {
  const started = Date.now();
  const control = controlActivities(step);
  const input: ExecuteStepInput = { runId: workflowInfo().workflowId, pipeline, stepId: step.id, kind: step.kind, options: step.options, inputs, cache };
  const work = (id: string, summary: string, shardWork = true) => proxyActivities<ShardedMixActivities>(shardActivityOptions(step, id, summary, shardWork));

  const start = await work('start', 'start', false)['mix.start'](input);
  if (start.hit) return { ...start.hit, durationMs: Date.now() - started };
  const n = start.shards;
  const each = <T>(f: (i: number) => Promise<T>) => Promise.all(Array.from({ length: n }, (_, i) => f(i)));
  const counted = await each((i) => work(`count-${i}`, `count ${i + 1}/${n}`)['mix.count']({ ...input, shard: i }));
  const counts = await mergeToOne(counted, control, 'merge-counts');
  const plan = await work('allocate', 'allocate', false)['mix.allocate']({ ...input, counts });
  const drawn = await each((i) => work(`draw-${i}`, `draw ${i + 1}/${n}`)['mix.draw']({ ...input, shard: i, plan }));
  const parts = await mergeParts(drawn, control, 'merge-drawn');
  const result = await work('finish', 'shuffle and write')['mix.finish']({ ...input, cacheKey: start.cacheKey, parts, plan });
  return { ...result, durationMs: Date.now() - started };
}
