import { anyStep, type AnyStepKind } from '../../core/dsl/step-kind.js';
import { splitStep } from './split-step.js';

export { splitStep, splitOptions } from './split-step.js';
export const SPLIT_STEPS: readonly AnyStepKind[] = [splitStep].map(anyStep);
