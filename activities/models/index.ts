import { anyStep, type AnyStepKind } from '../../core/dsl/step-kind.js';
import { loadModelStep } from './load-model-step.js';
import { quantizeStep } from './quantize-step.js';
import { tinyModelStep } from './tiny-model-step.js';

export { buildTinyModel, TINY_MODEL_DEFAULTS, type TinyModelOptions, type TinyModelInfo } from './tiny-model.js';
export { quantizeFile, f16Bytes, stampMetadata, QUANT_TYPES, type QuantType, type ModelCard } from './quantize.js';
export { probeModel, type ProbeResult } from './probe.js';

export const MODEL_STEPS: readonly AnyStepKind[] = [tinyModelStep, loadModelStep, quantizeStep].map(anyStep);
