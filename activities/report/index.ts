import { anyStep, type AnyStepKind } from '../../core/dsl/step-kind.js';
import { reportStep } from './report-step.js';

export { renderReport } from './html.js';
export type { ReportData } from './model.js';
export { createReportActivities, type ReportActivities, type WriteRunReportInput } from './write-run-report-activity.js';

export const REPORT_STEPS: readonly AnyStepKind[] = [reportStep].map(anyStep);
