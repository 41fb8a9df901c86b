import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import path from 'node:path';
import neo4j, { type Driver } from 'neo4j-driver';
import { CypherExplainValidator, explainValidatorFor } from '../../activities/cypher/index.js';
import { evaluateStep } from '../../activities/eval/evaluate-step.js';
import { CypherChecker } from '../../activities/eval/metrics/cypher.js';
import { evaluateOptions } from '../../activities/eval/options.js';
import { scoreOptionsSchema } from '../../activities/curation/score/options.js';
import { loadConfig } from '../../core/config.js';
import { anyStep } from '../../core/dsl/step-kind.js';
import { createLogger } from '../../core/log.js';
import { runStepOnFiles } from '../../core/stage/run-on-files.js';
import { startNeo4j, type TestNeo4j } from '../support/neo4j.js';
import { curated, runStage, tempDir, writeLines } from '../curation/support/stage.js';

let db: TestNeo4j;
let driver: Driver;
let validator: CypherExplainValidator;

beforeAll(async () => {
  db = await startNeo4j();
  console.log(`neo4j harness: database up in ${db.startedMs} ms, JVM to Bolt in ${db.wallMs} ms`);
  driver = neo4j.driver(db.uri, neo4j.auth.basic(db.user, db.password));
  validator = new CypherExplainValidator(driver);
});

afterAll(async () => {
  await driver?.close();
  await db?.stop();
});

// Seed 000's Cypher training examples: each must plan on a real server.
const VALID = [
  "MATCH (u:User {name: 'John'}) RETURN u",
  "CREATE (p:Person {name: 'Alice', age: 30})",
  'MATCH (n) WHERE id(n) = 123 RETURN n',
  "MATCH (a:Person {name: 'Alice'}), (b:Person {name: 'Bob'}) CREATE (a)-[:KNOWS]->(b)",
  "MATCH (p:Person {name: 'Alice'})-[:KNOWS]->()-[:KNOWS]->(fof) RETURN DISTINCT fof",
  'MATCH (u:User) RETURN u.country, count(u) as count',
  'MATCH (p:Person)-[r:KNOWS]->() RETURN p, count(r) as connections ORDER BY connections DESC LIMIT 1',
  "MATCH path = shortestPath((a:Person {name: 'Alice'})-[*]-(b:Person {name: 'Bob'})) RETURN path",
  'MATCH (u:User {id: $id})-[:PURCHASED]->(p:Product)<-[:PURCHASED]-(s:User)-[:PURCHASED]->(rec:Product) WHERE NOT (u)-[:PURCHASED]->(rec) RETURN rec, count(*) as score ORDER BY score DESC LIMIT 10',
];

describe('Cypher validation by EXPLAIN on a live Neo4j', () => {
  it.each(VALID)('accepts %s', async (query) => {
    const v = await validator.validate(query);
    expect(v.errors).toEqual([]);
    expect(v.valid).toBe(true);
  });

  it('never executes what it validates', async () => {
    await validator.validate("CREATE (:Probe {name: 'x'})");
    const res = await driver.executeQuery('MATCH (n) RETURN count(n) AS c');
    expect(Number(res.records[0]!.get('c'))).toBe(0);
  });

  it('reports a syntax error with its position in the query as given', async () => {
    const v = await validator.validate('MATCH (p:Person RETURN p');
    expect(v.valid).toBe(false);
    expect(v.errors).toEqual([
      expect.objectContaining({ code: 'cypher_syntax_error', severity: 'error', neo4jCode: 'Neo.ClientError.Statement.SyntaxError', line: 1, column: 17, offset: 16 }),
    ]);
    expect(v.errors[0]!.message).toMatch(/Invalid input 'RETURN'/);
  });

  it('reports semantic errors, unknown functions and unknown procedures', async () => {
    const undefinedVar = await validator.validate('MATCH (a)-[:KNOWS]->(b) RETURN c');
    expect(undefinedVar.errors[0]).toEqual(expect.objectContaining({ code: 'cypher_semantic_error', column: 32 }));
    expect(undefinedVar.errors[0]!.message).toMatch(/Variable `c` not defined/);
    const fn = await validator.validate('MATCH (n) RETURN nosuch.fn(n)');
    expect(fn.valid).toBe(false);
    expect(fn.errors[0]!.code).toMatch(/cypher_unknown_function|cypher_syntax_error|cypher_semantic_error/);
    const proc = await validator.validate('CALL nosuch.proc()');
    expect(proc.valid).toBe(false);
    expect(proc.errors[0]!.code).toBe('cypher_unknown_procedure');
    const empty = await validator.validate('   ');
    expect(empty).toEqual({ valid: false, errors: [expect.objectContaining({ code: 'cypher_empty' })], warnings: [] });
  });

  it('keeps unknown labels as warnings without a schema', async () => {
    const v = await validator.validate('MATCH (p:Persn)-[:KNOWZ]->(q) RETURN p.nmae');
    expect(v.valid).toBe(true);
    expect(v.errors).toEqual([]);
    const codes = v.warnings.map((w) => `${w.code}:${w.name}`).sort();
    expect(codes).toEqual(['cypher_unknown_label:Persn', 'cypher_unknown_property:nmae', 'cypher_unknown_relationship_type:KNOWZ']);
    expect(v.warnings.find((w) => w.code === 'cypher_unknown_label')).toEqual(expect.objectContaining({ line: 1, column: 10 }));
  });

  it('turns names outside a given schema into errors, and keeps the rest as warnings', async () => {
    const schema = { labels: ['Person'], relationshipTypes: ['KNOWS'], propertyKeys: ['name'] };
    const ok = await validator.validate('MATCH (p:Person)-[:KNOWS]->(q:Person) RETURN q.name', schema);
    expect(ok.valid).toBe(true);
    expect(ok.warnings.length).toBeGreaterThan(0); // the empty database still knows none of them
    const bad = await validator.validate('MATCH (p:Persn)-[:KNOWS]->(q:Person) RETURN q.nmae', schema);
    expect(bad.valid).toBe(false);
    expect(bad.errors.map((e) => `${e.code}:${e.name}`).sort()).toEqual(['cypher_unknown_label:Persn', 'cypher_unknown_property:nmae']);
  });

  it("uses the database's own names as the schema when asked", async () => {
    await driver.executeQuery("CREATE (:Movie {title: 'x'})");
    try {
      const strict = new CypherExplainValidator(driver, { schema: 'database' });
      expect((await strict.validate('MATCH (m:Movie) RETURN m.title')).valid).toBe(true);
      const v = await strict.validate('MATCH (m:Film) RETURN m.title');
      expect(v.valid).toBe(false);
      expect(v.errors[0]).toEqual(expect.objectContaining({ code: 'cypher_unknown_label', name: 'Film' }));
    } finally {
      await db.clear();
    }
  });

  it('is built from the config when NEO4J_URI is set, and absent otherwise', async () => {
    expect(explainValidatorFor(loadConfig({}))).toBeUndefined();
    const v = explainValidatorFor(loadConfig({ NEO4J_URI: db.uri, NEO4J_USER: db.user, NEO4J_PASSWORD: db.password }))!;
    try {
      expect((await v.validate('EXPLAIN MATCH (n) RETURN n;')).valid).toBe(true);
    } finally {
      await v.close();
    }
  });

  it('treats an unreachable server as an outage, not as an invalid query', async () => {
    const v = CypherExplainValidator.connect({ uri: 'bolt://127.0.0.1:1', user: 'neo4j', password: 'x' });
    try {
      await expect(v.validate('MATCH (n) RETURN n')).rejects.toThrow(/could not run on Neo4j/);
    } finally {
      await v.close();
    }
  });

  it("is what evaluation's cypher_valid metric uses: the parser offline, EXPLAIN on top when configured", async () => {
    // Parses (the offline check cannot know which functions exist) but the server cannot plan it.
    const unknownFunction = 'MATCH (n:Person) RETURN nosuch.fn(n.name)';
    const offline = new CypherChecker(loadConfig({}));
    const live = new CypherChecker(loadConfig({ NEO4J_URI: db.uri, NEO4J_USER: db.user, NEO4J_PASSWORD: db.password }));
    try {
      expect(offline.live).toBe(false);
      expect(await offline.check(unknownFunction)).toEqual({ valid: true });
      expect(live.live).toBe(true);
      expect(await live.check(unknownFunction)).toEqual({ valid: false, reason: 'cypher_explain', detail: expect.stringMatching(/^cypher_\w+: .*nosuch\.fn/) });
      // Valid, and the warnings (labels and keys the empty database does not know) are kept.
      expect(await live.check("MATCH (u:User {name: 'John'}) RETURN u")).toEqual({ valid: true, warnings: expect.arrayContaining(['cypher_unknown_label:User']) });
      // A syntax error is caught by the parser before any round trip.
      expect(await live.check('MATCH (p:Person RETURN p')).toEqual({ valid: false, reason: 'cypher_syntax', detail: expect.any(String) });
    } finally {
      await offline.close();
      await live.close();
    }
  });
});

describe("evaluation's cypher_valid with a schema", () => {
  it('fails queries that use names outside the schema, and keeps the warnings of the others', async () => {
    const config = loadConfig({ NEO4J_URI: db.uri, NEO4J_USER: db.user, NEO4J_PASSWORD: db.password });
    const schema = { labels: ['Person'], relationshipTypes: ['KNOWS'], propertyKeys: ['name'] };
    // The option as a pipeline gives it, through the evaluate step's own schema.
    const options = evaluateOptions.parse({ test: { metrics: ['cypher_valid'], cypherSchema: schema } });
    const checker = new CypherChecker(config, options.test!.cypherSchema);
    try {
      const inside = await checker.check('MATCH (p:Person)-[:KNOWS]->(q:Person) RETURN q.name');
      expect(inside).toEqual({ valid: true, warnings: expect.arrayContaining(['cypher_unknown_label:Person', 'cypher_unknown_relationship_type:KNOWS']) });
      const outside = await checker.check('MATCH (p:Persn)-[:KNOWS]->(q) RETURN q.name');
      expect(outside).toEqual({ valid: false, reason: 'cypher_explain', detail: expect.stringMatching(/^cypher_unknown_label: /), warnings: expect.any(Array) });
    } finally {
      await checker.close();
    }
    // Without a schema the same query is valid, with its unknown label as a warning.
    const plain = new CypherChecker(config);
    try {
      expect(await plain.check('MATCH (p:Persn)-[:KNOWS]->(q) RETURN q.name')).toEqual({ valid: true, warnings: expect.arrayContaining(['cypher_unknown_label:Persn']) });
    } finally {
      await plain.close();
    }
  });
  it('fails the evaluate step, before any model is loaded, when test.cypherSchema has no Neo4j', async () => {
    // A full run cannot show the schema at work: a tiny random model writes no Cypher that parses.
    const home = await tempDir();
    const test = await writeLines(path.join(home, 'test.jsonl'), [{ instruction: 'People', input: '', output: 'MATCH (p:Person) RETURN p' }]);
    const notAModel = await writeLines(path.join(home, 'tuned.gguf'), ['not a model']);
    const run = runStepOnFiles(
      anyStep(evaluateStep),
      { inputs: { tuned: notAModel, test }, config: { test: { metrics: ['cypher_valid'], cypherSchema: { labels: ['Person'] } } } },
      loadConfig({ FORGELINE_HOME: home }),
      createLogger({ level: 'warn' }),
    );
    await expect(run).rejects.toMatchObject({
      code: 'CONFIG',
      retryable: false,
      message: expect.stringMatching(/test\.cypherSchema is checked by EXPLAIN on a Neo4j: set NEO4J_URI/),
      issues: [{ path: 'options.test.cypherSchema', message: 'NEO4J_URI is not set' }],
    });
  });
});

describe("the score stage's Cypher gate with EXPLAIN", () => {
  const ROWS = [
    { task: 'text_to_cypher', input: { question: 'Friends of people' }, output: 'MATCH (p:Person)-[:KNOWS]->(q:Person) RETURN q.name' }, // 1 kept, with warnings
    { task: 'text_to_cypher', input: { question: 'Friends of people' }, output: 'MATCH (p:Persn)-[:KNOWS]->(q:Person) RETURN q.name' }, // 2 outside the schema
    { task: 'text_to_cypher', input: { question: 'Names' }, output: 'MATCH (n:Person) RETURN nosuch.fn(n.name)' }, // 3 parses, cannot be planned
    { task: 'text_to_cypher', input: { question: 'People' }, output: 'MATCH (n:Person RETURN n' }, // 4 syntax (the parser, no round trip)
  ];
  const cypher = { explain: true, schema: { labels: ['Person'], relationshipTypes: ['KNOWS'], propertyKeys: ['name'] } };
  const saved = { ...process.env };

  afterEach(() => {
    for (const k of ['NEO4J_URI', 'NEO4J_USER', 'NEO4J_PASSWORD']) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it('rejects what Neo4j cannot plan or what leaves the schema, and counts the warnings', async () => {
    Object.assign(process.env, db.env);
    const home = await tempDir();
    const input = await curated(home, 'cypher', ROWS, home);
    const run = await runStage('score', input, { threshold: 0, cypher }, home);
    const removed = await run.records<{ line: number; reason: string; detail: string }>('rejects');
    expect(removed.map((r) => [r.line, r.reason])).toEqual([
      [2, 'cypher_explain'],
      [3, 'cypher_explain'],
      [4, 'cypher_syntax'],
    ]);
    expect(removed[0]!.detail).toMatch(/^cypher_unknown_label \(Persn\): /);
    expect(run.metadata).toMatchObject({ kept: 1, gates: { cypher_explain: 2, cypher_syntax: 1 } });
    expect(run.metadata.cypherWarnings).toMatchObject({ cypher_unknown_label: expect.any(Number), cypher_unknown_relationship_type: expect.any(Number) });
  });

  it('runs in worker threads, which read NEO4J_URI from the environment, and merges their warning counters', async () => {
    Object.assign(process.env, db.env);
    const home = await tempDir();
    // Records over the runner's 512 KiB batch size go one to a batch, so the two threads both get
    // work (each batch goes to the worker with the fewest in flight).
    const context = 'Graph databases store data as nodes and relationships. '.repeat(10_000);
    const rows = Array.from({ length: 6 }, (_, i) => ({ ...ROWS[i % 3]!, input: { question: `${i} ${ROWS[i % 3]!.input.question}`, context } }));
    const input = await curated(home, 'cypher-threads', rows, home);
    const two = await runStage('score', input, { threshold: 0, cypher, threads: 2 }, home);
    const removed = await two.records<{ line: number; reason: string; detail: string }>('rejects');
    // Lines 2 and 5 leave the schema, 3 and 6 name a function Neo4j does not know, 1 and 4 plan.
    expect(removed.map((r) => [r.line, r.reason])).toEqual([2, 3, 5, 6].map((l) => [l, 'cypher_explain']));
    expect(removed.find((r) => r.line === 3)!.detail).toMatch(/nosuch\.fn/);
    expect((await two.records<{ provenance: { line: number } }>('records')).map((r) => r.provenance.line)).toEqual([1, 4]);
    expect(two.metadata).toMatchObject({ total: 6, kept: 2, gates: { cypher_explain: 4 } });
    // The same input in-process: the threads' counters add up to the same totals.
    const one = await runStage('score', input, { threshold: 0, cypher, threads: 1 }, home);
    const warnings = one.metadata.cypherWarnings as Record<string, number>;
    expect(warnings.cypher_unknown_relationship_type).toBeGreaterThanOrEqual(2);
    expect(two.metadata.cypherWarnings).toEqual(warnings);
    expect(two.metadata.gates).toEqual(one.metadata.gates);
  });

  it('needs a Neo4j when asked for EXPLAIN, and a schema only with EXPLAIN', async () => {
    for (const k of ['NEO4J_URI', 'NEO4J_USER', 'NEO4J_PASSWORD']) delete process.env[k];
    const home = await tempDir();
    const input = await curated(home, 'cypher', ROWS.slice(0, 1), home);
    await expect(runStage('score', input, { cypher }, home)).rejects.toThrow(/cypher\.explain needs a Neo4j: set NEO4J_URI/);
    expect(scoreOptionsSchema.safeParse({ cypher: { schema: 'database' } }).success).toBe(false);
    expect(scoreOptionsSchema.safeParse({ cypher: { explain: true, schema: 'database' } }).success).toBe(true);
  });
});
