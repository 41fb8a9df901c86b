import type { concatStep } from './basic/concat-step.js';
import type { fieldStatsStep } from './basic/field-stats-step.js';
import type { filterLengthStep } from './basic/filter-length-step.js';
import type { mapTextStep } from './basic/map-text-step.js';
import type { readJsonlStep } from './basic/read-jsonl-step.js';
import type { datasetReportStep } from './curation/dataset-report-step.js';
import type { piiStep } from './curation/pii/pii-step.js';
import type { scoreStep } from './curation/score/score-step.js';
import type { validateStep } from './curation/validate/validate-step.js';
import type { dedupStep } from './dedup/dedup-step.js';
import type { evaluateStep } from './eval/evaluate-step.js';
import type { parityStep } from './eval/parity-step.js';
import type { promoteStep } from './eval/promote-step.js';
import type { approvalStep } from './gate/approval-step.js';
import type { newDataGateStep } from './gate/new-data-gate-step.js';
import type { generateStep } from './generate/generate-step.js';
import type { analyzeStep } from './mix/analyze-step.js';
import type { loadManifestStep } from './mix/load-manifest-step.js';
import type { mixStep } from './mix/mix-step.js';
import type { loadModelStep } from './models/load-model-step.js';
import type { quantizeStep } from './models/quantize-step.js';
import type { tinyModelStep } from './models/tiny-model-step.js';
import type { reportStep } from './report/report-step.js';
import type { shardStep } from './shards/shard-step.js';
import type { splitStep } from './split/split-step.js';
import type { trainStep } from './train/train-step.js';

/**
 * The built-in step kinds by name, as types, so that `p.step(id, kind, options)` in a pipeline is
 * checked by tsc: the kind's name, its option names and values, and the outputs `out()` names.
 * Type-only imports: a pipeline that compiles against this map loads no step code. The names are
 * the kinds' `kind` fields, and tests/core/typed-pipeline.test.ts holds this map and
 * BUILTIN_STEPS (activities/registry.ts) to the same set.
 */
declare module '../core/dsl/pipeline.js' {
  interface BuiltinStepKinds {
    'read-jsonl': typeof readJsonlStep;
    'map-text': typeof mapTextStep;
    'filter-length': typeof filterLengthStep;
    concat: typeof concatStep;
    'field-stats': typeof fieldStatsStep;
    validate: typeof validateStep;
    pii: typeof piiStep;
    score: typeof scoreStep;
    'dataset-report': typeof datasetReportStep;
    dedup: typeof dedupStep;
    shard: typeof shardStep;
    split: typeof splitStep;
    analyze: typeof analyzeStep;
    'load-manifest': typeof loadManifestStep;
    mix: typeof mixStep;
    'new-data-gate': typeof newDataGateStep;
    approval: typeof approvalStep;
    'tiny-model': typeof tinyModelStep;
    'load-model': typeof loadModelStep;
    quantize: typeof quantizeStep;
    train: typeof trainStep;
    generate: typeof generateStep;
    evaluate: typeof evaluateStep;
    parity: typeof parityStep;
    promote: typeof promoteStep;
    report: typeof reportStep;
  }
}
