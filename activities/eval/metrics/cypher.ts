import type { ForgelineConfig } from '../../../core/config.js';
import { explainValidatorFor } from '../../cypher/index.js';
import type { CypherExplainValidator, CypherSchema } from '../../cypher/explain.js';
import { cypherError } from '../../cypher/parse.js';

/**
 * Cypher validity, with the same validators as the curation stages (activities/cypher): Neo4j's own
 * parser offline; with a Neo4j configured (`NEO4J_URI`), also `EXPLAIN` on the live server, which
 * plans the query without running it. Errors fail; warnings (unknown labels, deprecations) do not,
 * and are kept as `code` or `code:name` (`cypher_unknown_label:Persn`). With a schema, a label,
 * relationship type or property key outside it is an error.
 */
export type CypherVerdict =
  | { valid: true; warnings?: string[] }
  | { valid: false; reason: 'cypher_syntax' | 'cypher_explain'; detail: string; warnings?: string[] };

export async function cypherParse(query: string): Promise<CypherVerdict> {
  if (query.trim().length === 0) return { valid: false, reason: 'cypher_syntax', detail: 'empty query' };
  const error = await cypherError(query.trim());
  return error === undefined ? { valid: true } : { valid: false, reason: 'cypher_syntax', detail: error };
}

/** Parser first; EXPLAIN on the live server only for queries that parse. Close it when done. */
export class CypherChecker {
  private explain: CypherExplainValidator | undefined;
  private connected = false;

  constructor(
    private readonly config: Pick<ForgelineConfig, 'neo4j'>,
    private readonly schema?: CypherSchema,
  ) {}

  /** True when queries that parse are also planned by a live Neo4j. */
  get live(): boolean {
    return this.config.neo4j !== undefined;
  }

  async check(query: string): Promise<CypherVerdict> {
    const parsed = await cypherParse(query);
    if (!parsed.valid || !this.live) return parsed;
    if (!this.connected) {
      this.explain = explainValidatorFor(this.config, this.schema ? { schema: this.schema } : {});
      this.connected = true;
    }
    // A dead server throws EXTERNAL_SERVICE from the validator: an outage, not the model's fault.
    const v = await this.explain!.validate(query);
    const warnings = v.warnings.length > 0 ? { warnings: v.warnings.map((w) => (w.name ? `${w.code}:${w.name}` : w.code)) } : {};
    return v.valid ? { valid: true, ...warnings } : { valid: false, reason: 'cypher_explain', detail: `${v.errors[0]!.code}: ${v.errors[0]!.message}`, ...warnings };
  }

  async close(): Promise<void> {
    await this.explain?.close();
  }
}
