import { anyStep, type AnyStepKind } from '../../core/dsl/step-kind.js';
import { approvalStep } from './approval-step.js';
import { newDataGateStep } from './new-data-gate-step.js';

/** Gates: the new-data gate of the weekly retrain, and human approval (its waiting is done by the workflow). */
export const GATE_STEPS: readonly AnyStepKind[] = [newDataGateStep, approvalStep].map(anyStep);
