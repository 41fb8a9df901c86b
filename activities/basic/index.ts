import { anyStep, type AnyStepKind } from '../../core/dsl/step-kind.js';
import { concatStep } from './concat.js';
import { fieldStatsStep } from './field-stats.js';
import { filterLengthStep } from './filter-length.js';
import { mapTextStep } from './map-text.js';
import { readJsonlStep } from './read-jsonl.js';

export const BASIC_STEPS: readonly AnyStepKind[] = [readJsonlStep, mapTextStep, filterLengthStep, concatStep, fieldStatsStep].map(anyStep);
