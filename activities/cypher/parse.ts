import { createRequire } from 'node:module';

/**
 * Cypher syntax through Neo4j's own parser and semantic analysis (@neo4j-cypher/language-support,
 * the library behind Neo4j's VS Code extension and query tools). It is large (about 90 MB on disk,
 * a second to load) and slow (tens of milliseconds per query), so it loads only when a Cypher
 * record appears. Diagnostics about an unknown database schema (labels, parameters, procedures)
 * are ignored: there is no database here, only syntax and semantics count.
 *
 * Pinned to 2.0.0-next.20, the last release whose declared engines include Node 20 (later ones ask
 * for Node >= 22.15 or >= 24.11). Its ES module build imports files without extensions, which Node's
 * ESM loader refuses, so the CommonJS build is loaded instead; its `lintCypherQuery` returns the
 * diagnostics array itself and takes `consoleCommandsEnabled` as a plain third argument.
 */
type Lint = (query: string, schema: object, consoleCommandsEnabled?: boolean) => { severity?: number; message: string }[];

const require = createRequire(import.meta.url);
let lint: Lint | undefined;

function load(): Lint {
  lint ??= (require('@neo4j-cypher/language-support') as { lintCypherQuery: Lint }).lintCypherQuery;
  return lint;
}

const SCHEMA_ONLY = /is not defined|is not present in the database|not recognized|does not exist|Procedure|Function/i;

function check(l: Lint, query: string): string | undefined {
  const errors = l(query, {}, false).filter((d) => d.severity === 1 && !SCHEMA_ONLY.test(d.message));
  return errors.length ? errors[0]!.message.split('\n')[0] : undefined;
}

/**
 * The first syntax error of a Cypher query, or undefined when it parses. The first call loads the
 * parser (synchronously: a CommonJS require), so it answers through a promise, letting callers that
 * loop over records treat the slow first call like any other awaited one.
 */
export function cypherError(query: string): string | undefined | Promise<string | undefined> {
  if (lint) return check(lint, query);
  return Promise.resolve().then(() => check(load(), query));
}
