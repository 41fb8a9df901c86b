import { anyStep, type AnyStepKind } from '../../core/dsl/step-kind.js';
import { generateStep } from './generate-step.js';

export { generateStep } from './generate-step.js';
export { generateOptions, type GenerateOptions } from './options.js';
export type { CypherChecker } from './checks/cypher.js';

export const GENERATE_STEPS: readonly AnyStepKind[] = [generateStep].map(anyStep);
