export { exactMatch, normalise, rougeL, canonicalJson, type Normalisation } from './text.js';
export { jsonValid, SchemaChecker } from './json.js';
export { CypherChecker, cypherParse } from './cypher.js';
export { classificationReport, matchLabel, OTHER_LABEL, type ClassificationReport } from './classification.js';
export { scoreGsm8k, extractStrict, extractFlexible, gsm8kExactMatch, INVALID } from './gsm8k.js';
export { multipleChoiceAcc, truthfulqaMc2, argmax, type ChoiceScore } from './multiple-choice.js';
export { corpusPerplexity, type RollingScore } from './perplexity.js';
export { passAtK } from './pass-at-k.js';
