/**
 * Cypher syntax through Neo4j's own parser and semantic analysis (@neo4j-cypher/language-support,
 * the library behind Neo4j's VS Code extension and query tools). It is large (about 90 MB on disk,
 * a second to load) and slow (tens of milliseconds per query), so it loads only when a Cypher
 * record appears. Diagnostics about an unknown database schema (labels, parameters, procedures)
 * are ignored: there is no database here, only syntax and semantics count.
 */
type Lint = (query: string, schema: object, options?: object) => { diagnostics: { severity?: number; message: string }[] };

let lint: Lint | undefined;
let loading: Promise<Lint> | undefined;

async function load(): Promise<Lint> {
  loading ??= import('@neo4j-cypher/language-support').then((m) => (lint = m.lintCypherQuery as unknown as Lint));
  return loading;
}

const SCHEMA_ONLY = /is not defined|is not present in the database|not recognized|does not exist|Procedure|Function/i;

function check(l: Lint, query: string): string | undefined {
  const { diagnostics } = l(query, {}, { consoleCommandsEnabled: false });
  const errors = diagnostics.filter((d) => d.severity === 1 && !SCHEMA_ONLY.test(d.message));
  return errors.length ? errors[0]!.message.split('\n')[0] : undefined;
}

/** The first syntax error of a Cypher query, or undefined when it parses. */
export function cypherError(query: string): string | undefined | Promise<string | undefined> {
  if (lint) return check(lint, query);
  return load().then((l) => check(l, query));
}
