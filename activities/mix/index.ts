import { anyStep, type AnyStepKind } from '../../core/dsl/step-kind.js';
import { analyzeStep } from './analyze-step.js';
import { loadManifestStep } from './load-manifest-step.js';
import { mixStep } from './mix-step.js';

export { analyzeStep } from './analyze-step.js';
export { loadManifestStep } from './load-manifest-step.js';
export { mixStep } from './mix-step.js';
export { mixOptions, multiplicities } from './plan.js';
export { PHASE_PRESETS, PHASE_NAMES, allocate } from './presets.js';
export const MIX_STEPS: readonly AnyStepKind[] = [analyzeStep, loadManifestStep, mixStep].map(anyStep);
