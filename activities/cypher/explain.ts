import neo4j, { type Driver } from 'neo4j-driver';
import { PipelineError } from '../../core/errors.js';

/**
 * Cypher validation against a live Neo4j: `EXPLAIN <query>` makes the server parse, check and plan
 * the query without running it (seed 000's validate_cypher). Errors (syntax, undefined variables,
 * unknown procedures, type errors) make a query invalid; notifications (unknown labels, deprecated
 * syntax, cartesian products) are warnings, unless a schema is given, in which case a label,
 * relationship type or property key outside it is an error too.
 */

export type CypherIssueCode =
  | 'cypher_empty'
  | 'cypher_syntax_error'
  | 'cypher_semantic_error'
  | 'cypher_unknown_procedure'
  | 'cypher_unknown_function'
  | 'cypher_unknown_label'
  | 'cypher_unknown_relationship_type'
  | 'cypher_unknown_property'
  | 'cypher_deprecated'
  | 'cypher_performance'
  | 'cypher_error'
  | 'cypher_warning';

export interface CypherIssue {
  code: CypherIssueCode;
  severity: 'error' | 'warning';
  message: string;
  /** Neo4j's status code (`Neo.ClientError.Statement.SyntaxError`) and GQL status, when it gave them. */
  neo4jCode?: string;
  gqlStatus?: string;
  /** The unknown label / type / key, for the unknown_* codes. */
  name?: string;
  /** 1-based position in the query as given (the EXPLAIN prefix taken off). */
  line?: number;
  column?: number;
  offset?: number;
}

export interface CypherValidation {
  valid: boolean;
  errors: CypherIssue[];
  warnings: CypherIssue[];
}

/**
 * What the queries may use. `'database'` takes the live database's own labels, types and keys as
 * the schema (an unknown one becomes an error); without a schema, unknown names are warnings.
 */
export type CypherSchema = { labels?: readonly string[]; relationshipTypes?: readonly string[]; propertyKeys?: readonly string[] } | 'database';

export interface ExplainOptions {
  schema?: CypherSchema;
  database?: string;
}

const PREFIX = 'EXPLAIN ';

/** Validates queries by EXPLAIN on one driver (one connection pool for a whole dataset). */
export class CypherExplainValidator {
  constructor(
    private readonly driver: Driver,
    private readonly options: ExplainOptions = {},
    private readonly ownsDriver = false,
  ) {}

  static connect(conn: { uri: string; user: string; password: string }, options: ExplainOptions = {}): CypherExplainValidator {
    return new CypherExplainValidator(neo4j.driver(conn.uri, neo4j.auth.basic(conn.user, conn.password), { disableLosslessIntegers: true }), options, true);
  }

  async validate(query: string, schema: CypherSchema | undefined = this.options.schema): Promise<CypherValidation> {
    const text = query.trim().replace(/^(EXPLAIN|PROFILE)\s+/i, '').replace(/;\s*$/, '');
    if (text.length === 0) return { valid: false, errors: [{ code: 'cypher_empty', severity: 'error', message: 'empty query' }], warnings: [] };
    const session = this.driver.session({ database: this.options.database });
    let notifications: Array<Record<string, unknown>>;
    try {
      const result = await session.run(PREFIX + text);
      notifications = result.summary.notifications as unknown as Array<Record<string, unknown>>;
    } catch (err) {
      const issue = errorIssue(err);
      return { valid: false, errors: [issue], warnings: [] };
    } finally {
      await session.close();
    }
    const errors: CypherIssue[] = [];
    const warnings: CypherIssue[] = [];
    for (const n of notifications) {
      const issue = notificationIssue(n);
      if (isOutsideSchema(issue, schema)) errors.push({ ...issue, severity: 'error' });
      else warnings.push(issue);
    }
    return { valid: errors.length === 0, errors, warnings };
  }

  async close(): Promise<void> {
    if (this.ownsDriver) await this.driver.close();
  }
}

function isOutsideSchema(issue: CypherIssue, schema: CypherSchema | undefined): boolean {
  if (!schema || !issue.name) return false;
  const list =
    issue.code === 'cypher_unknown_label'
      ? 'labels'
      : issue.code === 'cypher_unknown_relationship_type'
        ? 'relationshipTypes'
        : issue.code === 'cypher_unknown_property'
          ? 'propertyKeys'
          : undefined;
  if (!list) return false;
  // Neo4j only reports names missing from the database; `database` makes those errors outright.
  if (schema === 'database') return true;
  const allowed = schema[list];
  return allowed !== undefined && !allowed.includes(issue.name);
}

/** Codes the server uses for a query it rejects; anything else (auth, outage) is not the query's fault. */
function errorIssue(err: unknown): CypherIssue {
  const code = String((err as { code?: unknown }).code ?? '');
  const message = err instanceof Error ? err.message : String(err);
  if (!code.startsWith('Neo.ClientError.Statement') && !code.startsWith('Neo.ClientError.Procedure') && !code.startsWith('Neo.ClientError.Schema')) {
    throw new PipelineError('EXTERNAL_SERVICE', `Cypher EXPLAIN could not run on Neo4j: ${message.split('\n')[0]}`, [], { cause: err });
  }
  const issueCode: CypherIssueCode = code.endsWith('SyntaxError')
    ? /not defined|already declared|type mismatch|expected/i.test(message) && !/Invalid input/i.test(message)
      ? 'cypher_semantic_error'
      : 'cypher_syntax_error'
    : code.includes('ProcedureNotFound')
      ? /function/i.test(message)
        ? 'cypher_unknown_function'
        : 'cypher_unknown_procedure'
      : code.endsWith('SemanticError') || code.endsWith('TypeError') || code.endsWith('ArgumentError')
        ? 'cypher_semantic_error'
        : 'cypher_error';
  const gql = (err as { gqlStatus?: unknown }).gqlStatus;
  return {
    code: issueCode,
    severity: 'error',
    message: message.split('\n')[0]!,
    neo4jCode: code,
    ...(typeof gql === 'string' ? { gqlStatus: gql } : {}),
    ...positionIn(message),
  };
}

function positionIn(message: string): Pick<CypherIssue, 'line' | 'column' | 'offset'> {
  const m = /line (\d+), column (\d+) \(offset: (\d+)\)/.exec(message);
  if (!m) return {};
  return fromServer(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** Positions from the server count the `EXPLAIN ` prefix on line 1; give them as in the user's query. */
function fromServer(line: number, column: number, offset: number): Pick<CypherIssue, 'line' | 'column' | 'offset'> {
  return { line, column: line === 1 ? Math.max(1, column - PREFIX.length) : column, offset: Math.max(0, offset - PREFIX.length) };
}

const UNKNOWN: Array<[RegExp, CypherIssueCode, RegExp[]]> = [
  [/UnknownLabelWarning/, 'cypher_unknown_label', [/missing label name is: ([^)]+)\)/, /label `([^`]+)`/]],
  [/UnknownRelationshipTypeWarning/, 'cypher_unknown_relationship_type', [/missing relationship type is: ([^)]+)\)/, /relationship type `([^`]+)`/]],
  [/UnknownPropertyKeyWarning/, 'cypher_unknown_property', [/missing property name is: ([^)]+)\)/, /property `([^`]+)`/]],
];

function notificationIssue(n: Record<string, unknown>): CypherIssue {
  const code = String(n.code ?? '');
  const description = String(n.description ?? n.title ?? '');
  const pos = n.position as { line?: number; column?: number; offset?: number } | undefined;
  const issue: CypherIssue = {
    code: 'cypher_warning',
    severity: 'warning',
    message: `${String(n.title ?? code)}${description && description !== n.title ? `: ${description}` : ''}`,
    neo4jCode: code,
    ...(pos?.line !== undefined && pos.column !== undefined ? fromServer(pos.line, pos.column, pos.offset ?? 0) : {}),
  };
  for (const [re, c, names] of UNKNOWN) {
    if (!re.test(code)) continue;
    issue.code = c;
    for (const nameRe of names) {
      const m = nameRe.exec(description);
      if (m) {
        issue.name = m[1]!.trim();
        break;
      }
    }
  }
  if (/Deprecat/i.test(code)) issue.code = 'cypher_deprecated';
  else if (/CartesianProduct|UnboundedVariableLength|EagerOperator|ExhaustiveShortestPath|DynamicProperty|NoApplicableIndex/.test(code)) issue.code = 'cypher_performance';
  return issue;
}
