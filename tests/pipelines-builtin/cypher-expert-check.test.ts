import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs/promises';
import path from 'node:path';
import { BUILTIN_STEPS } from '../../activities/registry.js';
import type { ArtifactRef } from '../../core/artifacts/ref.js';
import { loadConfig } from '../../core/config.js';
import { compilePipeline } from '../../core/dsl/compile.js';
import { createLogger } from '../../core/log.js';
import { runStepOnFiles } from '../../core/stage/run-on-files.js';
import cypherExpert from '../../pipelines/cypher-expert.js';
import { tempDir, writeLines } from '../curation/support/stage.js';
import { startNeo4j, type TestNeo4j } from '../support/neo4j.js';
import { REPO_ROOT } from '../support/paths.js';

/**
 * Issue 19, defect 2: cypher-expert's Cypher check fires on the records the pipeline produces. The
 * steps run on files with the options the pipeline's own plan gives them: generate (template,
 * top-level `category`), the expert examples (`metadata.category: basic`, ...), validate, score.
 * Before, score checked only task `text_to_cypher` or category `cypher`, so nothing was checked.
 */
const SCHEMA = 'Schema: (:Person {name, born})-[:ACTED_IN {roles}]->(:Movie {title, released}), (:Person)-[:DIRECTED]->(:Movie)';
const BAD = [
  // A syntax error: the parser catches it, offline or not.
  { instruction: 'Find the people.', input: SCHEMA, output: 'MATCH (p:Person RETURN p', metadata: { category: 'basic', source: 'expert_curated' } },
  // Parses, but Neo4j has no such function: only EXPLAIN on a live database catches it.
  { instruction: 'Names, transformed.', input: SCHEMA, output: 'MATCH (p:Person) RETURN nosuch.fn(p.name)', metadata: { category: 'filtering', source: 'expert_curated' } },
];
const NEO4J_VARS = ['NEO4J_URI', 'NEO4J_USER', 'NEO4J_PASSWORD'] as const;
const saved = Object.fromEntries(NEO4J_VARS.map((k) => [k, process.env[k]]));
const kinds = new Map(BUILTIN_STEPS.map((k) => [k.kind, k]));

afterEach(() => {
  for (const k of NEO4J_VARS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

interface Chain {
  generated: Record<string, unknown>[];
  metadata: Record<string, unknown>;
  rejects: { line: number; reason: string; detail: string; record: { output: string } }[];
}

/** generate -> (expert examples + the bad ones) -> validate -> score, each with the plan's options. */
async function runChain(): Promise<Chain> {
  const home = await tempDir('forgeline-cypher-expert-');
  const experts = (await fs.readFile(path.join(REPO_ROOT, 'data/cypher-expert/seed-examples.jsonl'), 'utf8')).split('\n').filter((l) => l.trim());
  const seedFile = await writeLines(path.join(home, 'seed-examples.jsonl'), [...experts, ...BAD.map((b) => JSON.stringify(b))]);
  const plan = compilePipeline(cypherExpert, { examples: 15, seedExamples: seedFile }, (k) => kinds.get(k));
  const config = loadConfig({ ...process.env, FORGELINE_HOME: home });
  const log = createLogger({ level: 'warn' });
  const stepRun = async (id: string, inputs: Record<string, string>) => {
    const s = plan.steps.find((x) => x.id === id)!;
    const r = await runStepOnFiles(kinds.get(s.kind)!, { inputs, config: s.options }, config, log);
    const out = r.outputs as Record<string, ArtifactRef>;
    const text = async (o: string) => fs.readFile(await r.store.localPath(out[o]!), 'utf8');
    return { metadata: r.metadata ?? {}, text };
  };
  const generated = await stepRun('generate', {});
  const experts2 = await stepRun('seed-examples', {});
  const all = path.join(home, 'combined.jsonl');
  await fs.writeFile(all, (await experts2.text('records')) + (await generated.text('records')));
  const valid = await stepRun('validate', { records: all });
  const validFile = path.join(home, 'valid.jsonl');
  await fs.writeFile(validFile, await valid.text('records'));
  const scored = await stepRun('score', { records: validFile });
  const lines = (t: string) => t.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as never);
  return { generated: lines(await generated.text('records')), metadata: scored.metadata, rejects: lines(await scored.text('rejects')) };
}

describe("cypher-expert's Cypher check", () => {
  it('checks every record offline with the parser when no Neo4j is configured, and rejects the syntax error by reason', async () => {
    for (const k of NEO4J_VARS) delete process.env[k];
    const run = await runChain();
    // The generator writes the seed's buckets as a top-level category, not `cypher`.
    expect(new Set(run.generated.map((r) => r.category))).toEqual(new Set(['basic', 'relationships', 'filtering', 'aggregation', 'complex']));
    const total = run.metadata.total as number;
    expect(run.metadata.cypherChecks).toEqual({ parser: total });
    expect(run.metadata.dropped).toEqual({ cypher_syntax: 1 });
    expect(run.metadata.gates).toEqual({ cypher_syntax: 1 });
    expect(run.metadata.cypherWarnings).toBeUndefined();
    expect(run.rejects.map((r) => [r.reason, r.record.output])).toEqual([['cypher_syntax', BAD[0]!.output]]);
  }, 180_000);

  describe('with a Neo4j configured', () => {
    let db: TestNeo4j;
    beforeAll(async () => {
      db = await startNeo4j();
    }, 180_000);
    afterAll(async () => {
      await db?.stop();
    });

    it('runs EXPLAIN by default (seed 000) and also rejects what only a database can refuse', async () => {
      Object.assign(process.env, db.env);
      const run = await runChain();
      const total = run.metadata.total as number;
      // One query never reaches the server: the parser refused it first.
      expect(run.metadata.cypherChecks).toEqual({ explain: total });
      expect(run.metadata.dropped).toEqual({ cypher_syntax: 1, cypher_explain: 1 });
      expect(run.rejects.map((r) => [r.reason, r.record.output])).toEqual([
        ['cypher_syntax', BAD[0]!.output],
        ['cypher_explain', BAD[1]!.output],
      ]);
      expect(run.rejects[1]!.detail).toMatch(/nosuch\.fn/);
      expect(run.metadata.kept).toBe(total - 2);
    }, 240_000);
  });
});
