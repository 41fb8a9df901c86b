import type { ForgelineConfig } from '../../../core/config.js';

/**
 * Cypher validity: Neo4j's own parser (@neo4j-cypher/language-support, the one the Neo4j tools use)
 * offline; with a Neo4j configured (`NEO4J_URI`), also `EXPLAIN` on the live server, which plans the
 * query without running it. Syntax and semantic errors (severity 1) fail; warnings do not.
 */
export type CypherVerdict = { valid: true } | { valid: false; reason: 'cypher_syntax' | 'cypher_explain'; detail: string };

type Lint = (query: string, schema: object, featureFlags: boolean) => { diagnostics: { severity?: number; message: string }[] };
let lint: Lint | undefined;

async function linter(): Promise<Lint> {
  // Loaded lazily: the parser takes about a second to initialise and most evaluations never need it.
  lint ??= (await import('@neo4j-cypher/language-support')).lintCypherQuery as unknown as Lint;
  return lint;
}

export async function cypherParse(query: string): Promise<CypherVerdict> {
  const text = query.trim();
  if (text.length === 0) return { valid: false, reason: 'cypher_syntax', detail: 'empty query' };
  const { diagnostics } = (await linter())(text, {}, false);
  const error = diagnostics.find((d) => d.severity === 1);
  return error ? { valid: false, reason: 'cypher_syntax', detail: error.message } : { valid: true };
}

/** Parser first; EXPLAIN on the live server only for queries that parse. Close it when done. */
export class CypherChecker {
  private driver: import('neo4j-driver').Driver | undefined;

  constructor(private readonly neo4j: ForgelineConfig['neo4j']) {}

  async check(query: string): Promise<CypherVerdict> {
    const parsed = await cypherParse(query);
    if (!parsed.valid || !this.neo4j) return parsed;
    const neo = await import('neo4j-driver');
    this.driver ??= neo.default.driver(this.neo4j.uri, neo.default.auth.basic(this.neo4j.user, this.neo4j.password));
    const session = this.driver.session();
    try {
      await session.run(`EXPLAIN ${query.trim()}`);
      return { valid: true };
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      // Only a statement the server rejects counts against the model; a dead server is an outage.
      if (code.startsWith('Neo.ClientError.Statement')) return { valid: false, reason: 'cypher_explain', detail: (err as Error).message.split('\n')[0]! };
      throw err;
    } finally {
      await session.close();
    }
  }

  async close(): Promise<void> {
    await this.driver?.close();
  }
}
