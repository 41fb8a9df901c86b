import { anyStep, type AnyStepKind } from '../../core/dsl/step-kind.js';
import { evaluateStep } from './evaluate.js';
import { promoteStep } from './promote.js';

export { applyGate, gateRule, type GateRule, type GateDecision } from './gate.js';
export type { EvalReport, MetricRow, ModelScores } from './result.js';
export { LlamaEngine } from './llm/engine.js';

export const EVAL_STEPS: readonly AnyStepKind[] = [evaluateStep, promoteStep].map(anyStep);
