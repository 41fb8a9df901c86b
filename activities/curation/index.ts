import { anyStep, type AnyStepKind } from '../../core/dsl/step-kind.js';
import { piiStep } from './pii/step.js';
import { datasetReportStep } from './report.js';
import { scoreStep } from './score/step.js';
import { validateStep } from './validate/step.js';

export { registerJudge, registeredJudges, type JudgeFactory, type JudgeRequest, type JudgeVerdict, type LlmJudge } from './score/judge.js';
export { VALIDATE_REASONS } from './validate/reasons.js';
export { PII_TYPES } from './pii/types.js';

/** Curation stages: validate -> pii -> score, and the dataset report. */
export const CURATION_STEPS: readonly AnyStepKind[] = [validateStep, piiStep, scoreStep, datasetReportStep].map(anyStep);
