import { anyStep, type AnyStepKind } from '../../core/dsl/step-kind.js';
import { evaluateStep } from './evaluate-step.js';
import { parityStep } from './parity-step.js';
import { promoteStep } from './promote-step.js';

export { applyGate, gateRule, type GateRule, type GateDecision } from './gate.js';
export type { Contamination, EvalReport, MetricRow, ModelScores, PairedStat, ParityReport, ParityRow } from './result.js';
export type { Verdict } from './verdict.js';
export { LlamaEngine } from './llm/engine.js';

export const EVAL_STEPS: readonly AnyStepKind[] = [evaluateStep, parityStep, promoteStep].map(anyStep);
