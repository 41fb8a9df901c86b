import { anyStep, type AnyStepKind } from '../../core/dsl/step-kind.js';
import { concatStep } from './concat-step.js';
import { fieldStatsStep } from './field-stats-step.js';
import { filterLengthStep } from './filter-length-step.js';
import { mapTextStep } from './map-text-step.js';
import { readJsonlStep } from './read-jsonl-step.js';

export const BASIC_STEPS: readonly AnyStepKind[] = [readJsonlStep, mapTextStep, filterLengthStep, concatStep, fieldStatsStep].map(anyStep);
