import { anyStep, type AnyStepKind } from '../../core/dsl/step-kind.js';
import { dedupStep } from './dedup-step.js';

export { dedupStep, dedupOptions, DEDUP_REASONS } from './dedup-step.js';
export const DEDUP_STEPS: readonly AnyStepKind[] = [dedupStep].map(anyStep);
