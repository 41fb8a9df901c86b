import { describe, expect, it } from '@jest/globals';
import { builtinCypherChecker, neo4jCypherChecker } from '../../activities/generate/checks/cypher.js';
import { allFamilies } from '../../activities/generate/families/index.js';
import { apportion, planSlots } from '../../activities/generate/plan.js';
import { canonical } from '../../activities/generate/rng.js';
import { countBy, generate } from './helpers.js';

type Rec = Record<string, unknown> & { meta: { family: string; variant: string }; input: Record<string, string> & string };

describe('exact coverage (template provider)', () => {
  it('apportions counts that sum exactly, by largest remainder', () => {
    expect(apportion(1000, { basic: 30, relationships: 25, filtering: 20, aggregation: 15, complex: 10 })).toEqual({ basic: 300, relationships: 250, filtering: 200, aggregation: 150, complex: 100 });
    const odd = apportion(7, { a: 1, b: 1, c: 1 });
    expect(Object.values(odd).reduce((a, b) => a + b, 0)).toBe(7);
    expect(odd).toEqual({ a: 3, b: 2, c: 2 });
    expect(planSlots(333, { x: 2, y: 1 }, { x: { p: 1, q: 1 } }, 1).length).toBe(333);
  });

  it('generates seed 000 Cypher coverage exactly and every query parses', async () => {
    const run = await generate({ provider: 'template', preset: 'cypher', count: 1000, seed: 7 });
    expect(run.records).toHaveLength(1000);
    expect(run.rejects).toHaveLength(0);
    const recs = run.records as Rec[];
    expect(countBy(recs, (r) => r.meta.variant)).toEqual({ basic: 300, relationships: 250, filtering: 200, aggregation: 150, complex: 100 });
    expect(countBy(recs, (r) => String(r.category))).toEqual({ basic: 300, relationships: 250, filtering: 200, aggregation: 150, complex: 100 });
    for (const r of recs) expect(builtinCypherChecker.check(String(r.output))).toEqual({ ok: true });
    expect(new Set(recs.map((r) => r.id)).size).toBe(1000);
  });

  it("generates seed 000's TLP level distribution exactly, with reasoning", async () => {
    const run = await generate({ provider: 'template', preset: 'tlp', count: 200 });
    expect(countBy(run.records, (r) => String(r.output))).toEqual({ 'TLP:CLEAR': 50, 'TLP:GREEN': 40, 'TLP:AMBER': 60, 'TLP:AMBER+STRICT': 30, 'TLP:RED': 20 });
    for (const r of run.records) expect(String(r.reasoning).length).toBeGreaterThan(5);
  });

  it("generates seed 001's JSON family weights exactly and every example passes its checks", async () => {
    const run = await generate({ provider: 'template', preset: 'json-expert', count: 500, seed: 3 });
    const recs = run.records as Rec[];
    expect(run.records.length + run.rejects.length).toBe(500);
    expect(run.rejects).toHaveLength(0);
    expect(countBy(recs, (r) => String(r.task))).toEqual({ schema_generate: 200, json_repair: 100, text_to_json: 100, json_transform: 50, json_style_strict: 50 });
    const families = allFamilies();
    for (const r of recs) {
      expect(await families.get(r.meta.family)!.check(r, { labels: [], variant: r.meta.variant })).toBeUndefined();
    }
    // Each schema_generate example draws its own schema (seed 001's examples vary the schema): a
    // fixed schema per type is one prompt, which split keeps whole, so a type would land in test unseen.
    const schemas = recs.filter((r) => r.task === 'schema_generate').map((r) => r.input.schema);
    expect(new Set(schemas).size).toBeGreaterThan(150);
    for (const type of ['"version"', '"compilerOptions"', '"rules"', '"openapi"', '"address"']) expect(schemas.filter((s) => s.includes(type)).length).toBeGreaterThan(10);
    const repairs = recs.filter((r) => r.task === 'json_repair');
    expect(countBy(repairs, (r) => r.meta.variant)).toEqual({ sft: 50, dpo: 50 });
    for (const r of repairs) {
      expect(() => JSON.parse(r.input.broken_json)).toThrow();
      if (r.meta.variant === 'dpo') expect(r.chosen).not.toEqual(r.rejected);
      else expect(canonical(JSON.parse(String(r.output)))).toBe(r.output);
    }
  });

  it('balances text classification over a custom label set', async () => {
    const run = await generate({ provider: 'template', preset: 'text-classification', count: 100, labels: ['technical', 'sales'] });
    expect(countBy(run.records, (r) => String(r.output))).toEqual({ technical: 50, sales: 50 });
  });

  it('follows custom family and variant weights exactly', async () => {
    const run = await generate({ provider: 'template', count: 48, families: { tlp: 3, text_classification: 1 }, variants: { tlp: { 'TLP:RED': 1, 'TLP:CLEAR': 3 } } });
    const recs = run.records as Rec[];
    expect(run.rejects).toHaveLength(0);
    expect(countBy(recs, (r) => r.meta.family)).toEqual({ tlp: 36, text_classification: 12 });
    expect(countBy(recs.filter((r) => r.meta.family === 'tlp'), (r) => String(r.output))).toEqual({ 'TLP:RED': 9, 'TLP:CLEAR': 27 });
    expect(countBy(recs.filter((r) => r.meta.family === 'text_classification'), (r) => String(r.output))).toEqual({ technical: 3, business: 3, support: 3, sales: 3 });
    // A zero weight plans nothing for that variant; uneven splits still sum exactly (largest remainder).
    const odd = await generate({ provider: 'template', count: 10, families: { cypher: 1 }, variants: { cypher: { basic: 2, complex: 1, filtering: 0 } } });
    expect(countBy(odd.records as Rec[], (r) => r.meta.variant)).toEqual({ basic: 7, complex: 3 });
  });

  it('generates the code preset and every example passes its checks', async () => {
    const run = await generate({ provider: 'template', preset: 'code', count: 30, seed: 2 });
    const recs = run.records as Rec[];
    expect(recs).toHaveLength(30);
    expect(run.rejects).toHaveLength(0);
    expect(run.metadata).toMatchObject({ kept: 30, families: { code_generation: { planned: 30, kept: 30, retried: {}, rejected: {} } } });
    const code = allFamilies().get('code_generation')!;
    for (const r of recs) {
      expect(r).toMatchObject({ instruction: 'Write a Python function', language: 'python', meta: { family: 'code_generation', variant: 'python' } });
      expect(String(r.output)).toMatch(/^def \w+\(/);
      expect(await code.check(r, { labels: [], variant: 'python' })).toBeUndefined();
    }
    expect(new Set(recs.map((r) => r.input)).size).toBeGreaterThan(1);
  });

  it('is deterministic in the seed and differs across seeds', async () => {
    const a = await generate({ provider: 'template', preset: 'json-expert', count: 60, seed: 11 });
    const b = await generate({ provider: 'template', preset: 'json-expert', count: 60, seed: 11 });
    const c = await generate({ provider: 'template', preset: 'json-expert', count: 60, seed: 12 });
    expect(b.records).toEqual(a.records);
    expect(c.records).not.toEqual(a.records);
  });

  it('rejects unknown families and variants, and LLM-only families under the template provider, naming the field', async () => {
    await expect(generate({ provider: 'template', count: 5, families: { nope: 1 } })).rejects.toMatchObject({ code: 'INVALID_STEP_OPTIONS', issues: [expect.objectContaining({ path: 'options.families.nope' })] });
    await expect(generate({ provider: 'template', count: 5, preset: 'cypher', variants: { cypher: { basic: 1, fancy: 1 } } })).rejects.toMatchObject({ issues: [expect.objectContaining({ path: 'options.variants.cypher.fancy' })] });
    await expect(generate({ provider: 'template', count: 5, preset: 'self-instruct' })).rejects.toMatchObject({ code: 'INVALID_STEP_OPTIONS' });
    await expect(generate({ provider: 'template' })).rejects.toMatchObject({ code: 'INVALID_STEP_OPTIONS' });
  });
});

describe('checks', () => {
  it('the Cypher checker accepts seed 000 queries and rejects broken ones', () => {
    const good = [
      'MATCH (u:User {name: \'John\'}) RETURN u',
      'MATCH (n) WHERE id(n) = 123 RETURN n',
      "MATCH (a:Person {name: 'Alice'}), (b:Person {name: 'Bob'}) CREATE (a)-[:KNOWS]->(b)",
      "MATCH (p:Person {name: 'Alice'})-[:KNOWS]->()-[:KNOWS]->(fof) RETURN DISTINCT fof",
      'MATCH (u:User) RETURN u.country, count(u) as count',
      'MATCH (p:Person)-[r:KNOWS]->() RETURN p, count(r) as connections ORDER BY connections DESC LIMIT 1',
      "MATCH path = shortestPath((a:Person {name: 'Alice'})-[*]-(b:Person {name: 'Bob'})) RETURN path",
      'MATCH (u:User {id: 123})-[:PURCHASED]->(p:Product)<-[:PURCHASED]-(similar:User)-[:PURCHASED]->(rec:Product) WHERE NOT (u)-[:PURCHASED]->(rec) RETURN rec, count(*) as score ORDER BY score DESC LIMIT 10',
      "CREATE (p:Person {name: 'Alice', age: 30})",
    ];
    for (const q of good) expect([q, builtinCypherChecker.check(q)]).toEqual([q, { ok: true }]);
    const bad = ['MATCH (u:User RETURN u', 'MATCH (u:User) WHERE RETURN u', 'SELECT * FROM users', 'MATCH (u:User)', "MATCH (u {name: 'x) RETURN u", 'RETURN u MATCH (u) RETURN u', 'MATCH (a)-[:KNOWS->(b) RETURN b'];
    for (const q of bad) expect([q, builtinCypherChecker.check(q).ok]).toEqual([q, false]);
  });

  it("the template's Cypher also passes Neo4j's own parser (cypherParser: neo4j)", async () => {
    const run = await generate({ provider: 'template', preset: 'cypher', count: 60, seed: 5, cypherParser: 'neo4j' });
    expect(run.records).toHaveLength(60);
    expect((run.metadata as { families: { cypher: { retried: object } } }).families.cypher.retried).toEqual({});
    expect(await neo4jCypherChecker.check('MATCH (u:User RETURN u')).toMatchObject({ ok: false });
  });

  it('each family check names a stable reason code', async () => {
    const f = allFamilies();
    const ctx = { labels: ['a', 'b'], variant: 'a' };
    const repair = f.get('json_repair')!;
    expect((await repair.check({ input: { broken_json: '{"a":1}' }, output: '{"a":1}' }, ctx))?.reason).toBe('repair_input_not_broken');
    expect((await repair.check({ input: { broken_json: '{"a":1,}' }, output: '{"a":1' }, ctx))?.reason).toBe('output_not_json');
    expect((await repair.check({ input: { broken_json: '{"a":1,}' }, chosen: '{"a":1}', rejected: '{ "a" : 1 }' }, ctx))?.reason).toBe('dpo_identical');
    expect(await repair.check({ input: { broken_json: '{"a":1,}' }, chosen: '{"a":1}', rejected: '{"a":1,}' }, ctx)).toBeUndefined();
    const schema = f.get('schema_generate')!;
    expect((await schema.check({ input: { schema: '{"type":"object","properties":{"a":{"type":"integer"}}}' }, output: '{"a":"x"}' }, ctx))?.reason).toBe('output_schema_mismatch');
    expect((await schema.check({ input: { schema: '{"type":"nope"}' }, output: '{}' }, ctx))?.reason).toBe('schema_invalid');
    const style = f.get('json_style_strict')!;
    expect((await style.check({ input: { json: '{"b":1,"a":2}' }, output: '{"b":1,"a":2}' }, ctx))?.reason).toBe('style_not_normalized');
    expect((await style.check({ input: { json: '{"b":1,"a":2}' }, output: '{"a":3,"b":1}' }, ctx))?.reason).toBe('style_data_changed');
    expect((await f.get('cypher')!.check({ input: 'x', output: 'MATCH (n RETURN n' }, ctx))?.reason).toBe('cypher_parse_error');
    expect((await f.get('text_classification')!.check({ input: 'hello', output: 'c' }, ctx))?.reason).toBe('label_not_in_set');
    expect((await f.get('tlp')!.check({ input: 'x', output: 'TLP:PURPLE', reasoning: 'r' }, { labels: [], variant: 'TLP:RED' }))?.reason).toBe('label_not_in_set');
    expect((await f.get('code_generation')!.check({ input: 'x', output: 'def f(:\n  return (1', language: 'python' }, ctx))?.reason).toBe('code_invalid');
  });
});
