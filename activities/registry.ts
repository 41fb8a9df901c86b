import type {} from './step-kinds.js';
import type { AnyStepKind } from '../core/dsl/step-kind.js';
import { PipelineError } from '../core/errors.js';
import type { LoadedPipeline } from '../core/registry/pipelines.js';
import { BASIC_STEPS } from './basic/index.js';
import { CURATION_STEPS } from './curation/index.js';
import { DEDUP_STEPS } from './dedup/index.js';
import { MIX_STEPS } from './mix/index.js';
import { SPLIT_STEPS } from './split/index.js';
import { SHARD_STEPS } from './shards/index.js';
import { GATE_STEPS } from './gate/index.js';
import { MODEL_STEPS } from './models/index.js';
import { TRAIN_STEPS } from './train/index.js';
import { GENERATE_STEPS } from './generate/index.js';
import { EVAL_STEPS } from './eval/index.js';
import { REPORT_STEPS } from './report/index.js';

/** Every built-in step kind. Each domain folder exports its list; this is the one place they meet. */
export const BUILTIN_STEPS: readonly AnyStepKind[] = [...BASIC_STEPS, ...CURATION_STEPS, ...DEDUP_STEPS, ...SPLIT_STEPS, ...MIX_STEPS, ...SHARD_STEPS, ...GATE_STEPS, ...MODEL_STEPS, ...TRAIN_STEPS, ...GENERATE_STEPS, ...EVAL_STEPS, ...REPORT_STEPS];

/** Built-in kinds plus the kinds that loaded pipelines bring; a kind name may exist once. */
export function buildStepKindRegistry(pipelines: Map<string, LoadedPipeline>): Map<string, AnyStepKind> {
  const kinds = new Map<string, AnyStepKind>();
  const add = (k: AnyStepKind, from: string): void => {
    const existing = kinds.get(k.kind);
    if (existing && existing !== k) throw new PipelineError('INVALID_PIPELINE', `step kind "${k.kind}" is defined twice (again in ${from})`);
    kinds.set(k.kind, k);
  };
  for (const k of BUILTIN_STEPS) add(k, 'built-ins');
  for (const p of pipelines.values()) for (const k of p.definition.steps ?? []) add(k, p.file);
  return kinds;
}
