import type { LineStageFactory } from './types.js';

/**
 * The line stages that may run in worker threads, by name. Loaded lazily so that a worker only
 * imports what its stage needs (the Cypher parser alone is tens of megabytes).
 */
export const LINE_STAGES: Record<string, () => Promise<LineStageFactory>> = {
  validate: async () => (await import('../validate/validator.js')).createValidator as LineStageFactory,
  'validate-scrub': async () => (await import('../validate/scrubbing.js')).createScrubbingValidator as LineStageFactory,
  pii: async () => (await import('../pii/stage.js')).createPiiStage as LineStageFactory,
  score: async () => (await import('../score/stage.js')).createScoreStage as LineStageFactory,
};

export async function loadLineStage(name: string): Promise<LineStageFactory> {
  const load = LINE_STAGES[name];
  if (!load) throw new Error(`unknown line stage "${name}"`);
  return load();
}
