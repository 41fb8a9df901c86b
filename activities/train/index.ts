import { anyStep, type AnyStepKind } from '../../core/dsl/step-kind.js';
import { trainStep } from './train-step.js';

export { renderRecord, type RenderedExample } from './render.js';
export type { Trainer, TrainJob, TrainHooks, TrainOutcome, BackendName } from './trainer.js';

export const TRAIN_STEPS: readonly AnyStepKind[] = [trainStep].map(anyStep);
