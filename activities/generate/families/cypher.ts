import { builtinCypherChecker, type CypherChecker } from '../checks/cypher.js';
import { nonEmpty } from '../checks/json.js';
import type { Rng } from '../rng.js';
import type { Family } from '../types.js';
import { CYPHER_V1 } from './prompts/cypher.v1.js';
import { FIRST_NAMES } from './vocab.js';

/** Seed 000's Cypher coverage: basic 30%, relationships 25%, filtering 20%, aggregation 15%, complex 10%. */
export const CYPHER_CATEGORIES = { basic: 30, relationships: 25, filtering: 20, aggregation: 15, complex: 10 };

const LABELS = ['Person', 'User', 'Product', 'Company', 'Post', 'Comment', 'Movie', 'City'];
const RELS: Array<[string, string, string, string]> = [
  ['Person', 'KNOWS', 'Person', 'knows'], ['User', 'PURCHASED', 'Product', 'bought'], ['Person', 'WORKS_AT', 'Company', 'works at'],
  ['User', 'WROTE', 'Post', 'wrote'], ['Person', 'ACTED_IN', 'Movie', 'acted in'], ['Person', 'LIVES_IN', 'City', 'lives in'], ['User', 'FOLLOWS', 'User', 'follows'],
];
const STR_PROPS = ['name', 'email', 'title', 'status', 'country'];
const VALUES: Record<string, string[]> = { name: FIRST_NAMES, email: ['gmail', 'example.org', 'proton'], title: ['Engineer', 'Matrix', 'Launch'], status: ['Active', 'Premium', 'Banned'], country: ['Brazil', 'Japan', 'Kenya'] };
const NUM_PROPS = ['age', 'price', 'score', 'followers'];

type Case = [string, string];
type Maker = (rng: Rng) => Case;

const v = (l: string) => l.charAt(0).toLowerCase();
const plural = (l: string) => (l.endsWith('y') ? `${l.slice(0, -1)}ies` : `${l}s`);

const MAKERS: Record<keyof typeof CYPHER_CATEGORIES, Maker[]> = {
  basic: [
    (r) => { const l = r.pick(LABELS); return [`${r.pick(['Find all', 'Get all', 'Show me all'])} ${l} nodes`, `MATCH (${v(l)}:${l}) RETURN ${v(l)}`]; },
    (r) => { const l = r.pick(LABELS); const p = r.pick(STR_PROPS); const val = r.pick(VALUES[p]!); return [`Find ${l} where ${p} is ${val}`, `MATCH (${v(l)}:${l} {${p}: '${val}'}) RETURN ${v(l)}`]; },
    (r) => { const id = r.int(1, 9999); return [`Find node with id ${id}`, `MATCH (n) WHERE id(n) = ${id} RETURN n`]; },
    (r) => { const l = r.pick(LABELS); return [`${r.pick(['Count all', 'How many'])} ${plural(l)}${r.chance(0.5) ? ' are there' : ''}`, `MATCH (${v(l)}:${l}) RETURN count(${v(l)}) AS total`]; },
    (r) => { const n = r.pick(FIRST_NAMES); const a = r.int(18, 80); return [`Create a person named ${n} with age ${a}`, `CREATE (p:Person {name: '${n}', age: ${a}})`]; },
    (r) => { const l = r.pick(LABELS); const k = r.int(2, 50); return [`Show ${k} ${plural(l)}`, `MATCH (${v(l)}:${l}) RETURN ${v(l)} LIMIT ${k}`]; },
    (r) => { const n = r.pick(FIRST_NAMES); return [`Delete the user named ${n} and all their relationships`, `MATCH (u:User {name: '${n}'}) DETACH DELETE u`]; },
    (r) => { const n = r.pick(FIRST_NAMES); const s = r.pick(VALUES.status!); return [`Set the status of user ${n} to ${s}`, `MATCH (u:User {name: '${n}'}) SET u.status = '${s}' RETURN u`]; },
  ],
  relationships: [
    (r) => { const [a, t, b, verb] = r.pick(RELS); const n = r.pick(FIRST_NAMES); return [`Find what ${n} ${verb}`, `MATCH (a:${a} {name: '${n}'})-[:${t}]->(x:${b}) RETURN x`]; },
    (r) => { const n1 = r.pick(FIRST_NAMES); const n2 = r.pick(FIRST_NAMES.filter((x) => x !== n1)); return [`Create friendship from ${n1} to ${n2}`, `MATCH (a:Person {name: '${n1}'}), (b:Person {name: '${n2}'}) CREATE (a)-[:KNOWS]->(b)`]; },
    (r) => { const n = r.pick(FIRST_NAMES); return [`Find friends of friends of ${n}`, `MATCH (p:Person {name: '${n}'})-[:KNOWS]->()-[:KNOWS]->(fof) WHERE fof <> p RETURN DISTINCT fof`]; },
    (r) => { const [a, t, b, verb] = r.pick(RELS); return [`List every ${a} that ${verb} some ${b}, with the ${b}`, `MATCH (a:${a})-[:${t}]->(b:${b}) RETURN a, b`]; },
    (r) => { const [a, t, b] = r.pick(RELS); const n = r.pick(FIRST_NAMES); return [`Who is connected to ${n} by ${t} in either direction`, `MATCH (x:${a} {name: '${n}'})-[:${t}]-(other:${b}) RETURN other`]; },
    (r) => { const n = r.pick(FIRST_NAMES); const d = r.int(2, 4); return [`Find people within ${d} hops of ${n}`, `MATCH (p:Person {name: '${n}'})-[:KNOWS*1..${d}]-(q:Person) RETURN DISTINCT q`]; },
    (r) => { const n = r.pick(FIRST_NAMES); const c = r.pick(['Acme', 'Globex', 'Initech']); return [`Record that ${n} works at ${c}`, `MERGE (p:Person {name: '${n}'}) MERGE (c:Company {name: '${c}'}) MERGE (p)-[:WORKS_AT]->(c)`]; },
  ],
  filtering: [
    (r) => { const l = r.pick(['User', 'Person']); const a = r.int(18, 65); const op = r.pick([['older than', '>'], ['younger than', '<'], ['at least', '>=']]); return [`Find ${plural(l).toLowerCase()} ${op[0]} ${a}`, `MATCH (u:${l}) WHERE u.age ${op[1]} ${a} RETURN u`]; },
    (r) => { const ch = r.pick(['A', 'B', 'M', 'S']); return [`Find people whose name starts with ${ch}`, `MATCH (p:Person) WHERE p.name STARTS WITH '${ch}' RETURN p`]; },
    (r) => { const dom = r.pick(VALUES.email!); return [`Find users with email containing ${dom}`, `MATCH (u:User) WHERE u.email CONTAINS '${dom}' RETURN u`]; },
    (r) => { const lo = r.int(5, 50); const hi = lo + r.int(10, 200); return [`Products priced between ${lo} and ${hi}`, `MATCH (p:Product) WHERE p.price >= ${lo} AND p.price <= ${hi} RETURN p ORDER BY p.price`]; },
    (r) => { const l = r.pick(LABELS); const p = r.pick(STR_PROPS); return [`${plural(l)} that have no ${p}`, `MATCH (n:${l}) WHERE n.${p} IS NULL RETURN n`]; },
    (r) => { const cs = r.sample(VALUES.country!, 2); return [`Users from ${cs.join(' or ')}`, `MATCH (u:User) WHERE u.country IN ['${cs.join("', '")}'] RETURN u`]; },
    (r) => { const s = r.pick(VALUES.status!); return [`Users whose status is not ${s}`, `MATCH (u:User) WHERE NOT u.status = '${s}' RETURN u.name, u.status`]; },
  ],
  aggregation: [
    (r) => { const p = r.pick(['country', 'status']); return [`Count users by ${p}`, `MATCH (u:User) RETURN u.${p}, count(u) AS count`]; },
    (r) => { const p = r.pick(NUM_PROPS); const f = r.pick([['average', 'avg'], ['maximum', 'max'], ['minimum', 'min'], ['total', 'sum']]); return [`Find the ${f[0]} ${p} of products`, `MATCH (p:Product) RETURN ${f[1]}(p.${p}) AS ${f[0]}_${p}`]; },
    (r) => { const k = r.int(1, 10); return [`Find the ${k === 1 ? 'person' : `${k} people`} with the most connections`, `MATCH (p:Person)-[r:KNOWS]->() RETURN p, count(r) AS connections ORDER BY connections DESC LIMIT ${k}`]; },
    (r) => { const [a, t, b] = r.pick(RELS); return [`For each ${b}, how many ${plural(a)} point to it with ${t}`, `MATCH (a:${a})-[:${t}]->(b:${b}) RETURN b, count(a) AS n ORDER BY n DESC`]; },
    () => [`Collect the names of each company's employees`, `MATCH (p:Person)-[:WORKS_AT]->(c:Company) RETURN c.name, collect(p.name) AS employees`],
    (r) => { const m = r.int(2, 20); return [`Users who bought more than ${m} products`, `MATCH (u:User)-[:PURCHASED]->(p:Product) WITH u, count(p) AS bought WHERE bought > ${m} RETURN u.name, bought`]; },
  ],
  complex: [
    (r) => { const [n1, n2] = r.sample(FIRST_NAMES, 2); return [`Find shortest path from ${n1} to ${n2}`, `MATCH path = shortestPath((a:Person {name: '${n1}'})-[*]-(b:Person {name: '${n2}'})) RETURN path`]; },
    (r) => { const id = r.int(1, 999); const k = r.int(3, 20); return [`Recommend ${k} products for user ${id} based on similar users`, `MATCH (u:User {id: ${id}})-[:PURCHASED]->(p:Product)<-[:PURCHASED]-(similar:User)-[:PURCHASED]->(rec:Product) WHERE NOT (u)-[:PURCHASED]->(rec) RETURN rec, count(*) AS score ORDER BY score DESC LIMIT ${k}`]; },
    (r) => { const n = r.pick(FIRST_NAMES); return [`Suggest people ${n} may know, ranked by mutual friends`, `MATCH (me:Person {name: '${n}'})-[:KNOWS]->(f)-[:KNOWS]->(s:Person) WHERE s <> me AND NOT (me)-[:KNOWS]->(s) RETURN s.name, count(f) AS mutual ORDER BY mutual DESC LIMIT 10`]; },
    () => [`Label each user as adult or minor`, `MATCH (u:User) RETURN u.name, CASE WHEN u.age >= 18 THEN 'adult' ELSE 'minor' END AS group`],
    (r) => { const c = r.pick(['Acme', 'Globex', 'Initech']); return [`Employees of ${c} and, if any, the city they live in`, `MATCH (p:Person)-[:WORKS_AT]->(:Company {name: '${c}'}) OPTIONAL MATCH (p)-[:LIVES_IN]->(city:City) RETURN p.name, city.name`]; },
    () => [`Create a Tag node for each distinct interest of every person`, `MATCH (p:Person) UNWIND p.interests AS interest MERGE (t:Tag {name: interest}) MERGE (p)-[:INTERESTED_IN]->(t)`],
  ],
};

const HINTS: Record<string, string> = {
  basic: 'find all nodes of a label, find by property or id, count, create, set, delete, limit',
  relationships: 'traverse, create or merge relationships, friends of friends, variable-length paths',
  filtering: 'WHERE with comparisons, STARTS WITH, CONTAINS, IN, IS NULL, ranges',
  aggregation: 'count, avg, sum, min, max, collect, grouping, ORDER BY with LIMIT, WITH',
  complex: 'shortestPath, recommendations, pattern predicates, OPTIONAL MATCH, CASE, UNWIND',
};

export function cypherFamily(checker: CypherChecker = builtinCypherChecker): Family {
  return {
    name: 'cypher',
    description: 'natural language to Cypher (seed 000 coverage)',
    variants: CYPHER_CATEGORIES,
    prompt: CYPHER_V1,
    replySchema: () => ({ type: 'object', properties: { input: { type: 'string' }, output: { type: 'string' } }, required: ['input', 'output'], additionalProperties: false }),
    vars: (slot, rng) => ({ slot: String(slot.index), variant: slot.variant, categoryHint: HINTS[slot.variant] ?? slot.variant, labels: rng.sample(LABELS, 3).join(', ') }),
    build: (r, slot) => ({ instruction: 'Convert to Cypher', input: String(r.input ?? ''), output: String(r.output ?? '').trim(), category: slot.variant }),
    async check(ex) {
      const empty = nonEmpty(ex, ['input', 'output']);
      if (empty) return empty;
      const verdict = await checker.check(ex.output as string);
      return verdict.ok ? undefined : { reason: 'cypher_parse_error', detail: verdict.error };
    },
    template(slot, rng) {
      const makers = MAKERS[slot.variant as keyof typeof MAKERS];
      if (!makers) throw new Error(`unknown Cypher category ${slot.variant}`);
      const [input, output] = rng.pick(makers)(rng);
      return { input, output };
    },
    noveltyText: (ex) => `${String(ex.input ?? '')} ${String(ex.output ?? '')}`,
  };
}
