import { PipelineError } from '../../../core/errors.js';
import type { ExecuteStepInput } from '../../execute/execute-step-activity.js';
import type { DedupOptions } from '../dedup-step.js';

/**
 * The step's options, already parsed at plan time. A sharded dedup works within the dataset: a
 * previous index (its record numbering comes first) and semantic dedup (an all-pairs search on one
 * host) are refused, naming the option, rather than silently left out.
 */
export function shardedDedupOptions(input: ExecuteStepInput): DedupOptions {
  const o = input.options as DedupOptions;
  const refuse = (path: string, what: string) =>
    new PipelineError('CONFIG', `step "${input.stepId}": dedup on a shard manifest does not take ${what} yet; run it on unsharded records`, [{ path, message: 'not supported on shards' }]);
  if (input.inputs.index) throw refuse('inputs.index', 'a previous index');
  if (o.previousIndex) throw refuse('previousIndex', 'a previous index');
  if (o.semantic) throw refuse('semantic', 'semantic dedup');
  return o;
}
