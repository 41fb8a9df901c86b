import { anyStep, type AnyStepKind } from '../../core/dsl/step-kind.js';
import { opsAuditStep } from './audit-step.js';
import { opsCorpusStep } from './corpus-step.js';
import { opsForgetStep } from './forget-step.js';
import { opsPiiScanStep } from './pii-scan-step.js';
import { opsRetentionStep } from './retention-step.js';

/**
 * The step kinds of seed 004's scheduled operations. The ops pipelines bring them (their `steps`),
 * so the built-in registry needs no entry for them.
 */
export const OPS_STEPS: readonly AnyStepKind[] = [opsPiiScanStep, opsCorpusStep, opsAuditStep, opsRetentionStep, opsForgetStep].map(anyStep);
export { opsPiiScanStep, opsCorpusStep, opsAuditStep, opsRetentionStep, opsForgetStep };
