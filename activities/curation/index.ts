import { anyStep, type AnyStepKind } from '../../core/dsl/step-kind.js';
import { piiStep } from './pii/pii-step.js';
import { datasetReportStep } from './dataset-report-step.js';
import { scoreStep } from './score/score-step.js';
import { validateStep } from './validate/validate-step.js';

export { registerJudge, registeredJudges, type JudgeFactory, type JudgeRequest, type JudgeVerdict, type LlmJudge } from './score/judge.js';
export { VALIDATE_REASONS } from './validate/reasons.js';
export { PII_TYPES } from './pii/types.js';

/** Curation stages: validate -> pii -> score, and the dataset report. */
export const CURATION_STEPS: readonly AnyStepKind[] = [validateStep, piiStep, scoreStep, datasetReportStep].map(anyStep);
