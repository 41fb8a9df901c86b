import type { z } from 'zod';
import { manifestSchema } from './manifest.js';
import { artifactRefSchema, planSchema } from './plan.js';
import {
  chatRecordSchema,
  completionRecordSchema,
  curatedRecordSchema,
  instructionRecordSchema,
  preferenceRecordSchema,
  taskRecordSchema,
  validateRejectSchema,
} from './records.js';
import { runPipelineInputSchema } from './workflow-input.js';
import { shardManifestSchema } from './shard-manifest.js';

/**
 * Every schema that is published as JSON Schema in schemas/json/ (`npm run schemas` writes them;
 * a test fails when a committed file is stale). Later issues add their record formats here.
 */
export const PUBLISHED_SCHEMAS: Record<string, z.ZodType> = {
  plan: planSchema,
  'artifact-ref': artifactRefSchema,
  'workflow-input': runPipelineInputSchema,
  manifest: manifestSchema,
  'shard-manifest': shardManifestSchema,
  'record-instruction': instructionRecordSchema,
  'record-chat': chatRecordSchema,
  'record-completion': completionRecordSchema,
  'record-preference': preferenceRecordSchema,
  'record-task': taskRecordSchema,
  'curated-record': curatedRecordSchema,
  'validate-reject': validateRejectSchema,
};
