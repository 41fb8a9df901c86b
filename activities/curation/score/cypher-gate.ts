import { loadConfig, type ForgelineConfig } from '../../../core/config.js';
import { PipelineError } from '../../../core/errors.js';
import type { CypherExplainValidator } from '../../cypher/explain.js';
import { cypherError } from '../../cypher/parse.js';
import { bump, type Counters } from '../../../core/stage/stage.js';
import type { ScoreOptions } from './options.js';
import type { GateFailure } from './validators.js';

export interface CypherGate {
  check(query: string): GateFailure | undefined | Promise<GateFailure | undefined>;
  close(): Promise<void>;
}

const syntax = (e: string | undefined): GateFailure | undefined => (e ? { code: 'cypher_syntax', detail: e.slice(0, 160) } : undefined);

/** Which check the gate runs: EXPLAIN on a live Neo4j, the offline parser, or none. */
export function cypherCheckMode(o: ScoreOptions['cypher'], config: Pick<ForgelineConfig, 'neo4j'>): 'explain' | 'parser' | 'off' {
  if (!o.enabled) return 'off';
  if (o.explain === true || (o.explain === 'auto' && config.neo4j)) return 'explain';
  return 'parser';
}

/**
 * The score stage's Cypher gate: Neo4j's parser offline, and EXPLAIN on the Neo4j of `NEO4J_URI`
 * for the queries that parse whenever one is configured (`cypher.explain: auto`, seed 000's
 * validation; activities/cypher, shared with evaluation). Errors reject the record
 * (`cypher_explain`); warnings (unknown labels outside no schema, deprecations) go to `warnings` by
 * code. The connection comes from the environment, as the worker's own config does, so that no
 * password travels in step options to worker threads. `checks` counts the queries per check that
 * ran (`explain` or `parser`), so a report says which one judged them.
 */
export async function createCypherGate(o: ScoreOptions['cypher'], warnings: Counters, checks: Counters, config: Pick<ForgelineConfig, 'neo4j'> = loadConfig()): Promise<CypherGate> {
  const mode = cypherCheckMode(o, config);
  if (mode !== 'explain') {
    return {
      check(query) {
        bump(checks, 'parser');
        const e = cypherError(query);
        return e instanceof Promise ? e.then(syntax) : syntax(e);
      },
      close: async () => undefined,
    };
  }
  if (!config.neo4j) {
    throw new PipelineError('CONFIG', 'score: cypher.explain needs a Neo4j: set NEO4J_URI (and NEO4J_USER / NEO4J_PASSWORD) on the worker', [
      { path: 'options.cypher.explain', message: 'NEO4J_URI is not set' },
    ]);
  }
  const { explainValidatorFor } = await import('../../cypher/index.js');
  const explain: CypherExplainValidator = explainValidatorFor(config, o.schema ? { schema: o.schema } : {})!;
  return {
    async check(query) {
      bump(checks, 'explain');
      const parsed = syntax(await cypherError(query));
      if (parsed) return parsed;
      // A server that cannot be reached throws EXTERNAL_SERVICE: an outage fails the step, it rejects no record.
      const v = await explain.validate(query);
      for (const w of v.warnings) bump(warnings, w.code);
      const e = v.errors[0];
      return e ? { code: 'cypher_explain', detail: `${e.code}${e.name ? ` (${e.name})` : ''}: ${e.message}`.slice(0, 160) } : undefined;
    },
    close: () => explain.close(),
  };
}
