import { configuredPiiKey, usesEncrypt } from './encrypt.js';
import { applyFindings, RecordReplacer } from './operators.js';
import { piiOptionsSchema, type PiiOperator, type PiiOptions } from './options.js';
import { createScanner } from './scan.js';
import type { PiiType } from './types.js';

const DEFAULT_SALT = 'forgeline-pii-v1';

/** The key for hash and pseudonym: the option, else $FORGELINE_PII_SALT, else a fixed project salt. */
export function saltOf(options: Pick<PiiOptions, 'salt'>): string {
  return options.salt ?? process.env.FORGELINE_PII_SALT ?? DEFAULT_SALT;
}

/**
 * Scrubs free text that is no record (a rejected line, an error detail) with the pii options'
 * detectors and operators. `drop` cannot drop a line that is already set aside, so it replaces:
 * the value must never be kept.
 */
export function createTextScrubber(rawOptions: unknown): (text: string) => string {
  const options = piiOptionsSchema.parse(rawOptions);
  const scanner = createScanner(options);
  const salt = saltOf(options);
  const key = usesEncrypt(options) ? configuredPiiKey() : undefined;
  const types = new Set<PiiType>(options.types);
  const opFor = (t: PiiType): PiiOperator => {
    const op = options.operators[t] ?? options.operator;
    return op === 'drop' ? 'replace' : op;
  };
  return (text) => {
    const found = scanner.scan(text, types);
    return found.length === 0 ? text : applyFindings(text, found, opFor, new RecordReplacer(salt, new Map(), key));
  };
}
