import type { ForgelineConfig } from '../../core/config.js';
import { CypherExplainValidator, type ExplainOptions } from './explain.js';

export { CypherExplainValidator } from './explain.js';
export { cypherError } from './parse.js';
export { cypherSchemaOption } from './schema-option.js';
export type { CypherIssue, CypherIssueCode, CypherSchema, CypherValidation, ExplainOptions } from './explain.js';

/**
 * The live validator when `NEO4J_URI` is set, else undefined (callers then rely on the offline
 * parser alone). Stages and evaluation share it: one driver per validator, closed with `close()`.
 */
export function explainValidatorFor(config: Pick<ForgelineConfig, 'neo4j'>, options: ExplainOptions = {}): CypherExplainValidator | undefined {
  return config.neo4j ? CypherExplainValidator.connect(config.neo4j, options) : undefined;
}
