import type { Rng } from '../rng.js';
import { CITIES, FIRST_NAMES, INTERESTS, WORDS } from './vocab.js';

/**
 * Seed 001's schema_generate family for the `template` provider: the seed's five schema types
 * (package.json, tsconfig.json, .eslintrc.json, an OpenAPI 3.0 fragment, and a plain record), each
 * drawn as a *different schema* per example, as the seed's own examples vary it (`{name, version}`,
 * then `{name, version, dependencies}`): which optional fields a schema names, which of them it
 * requires, and which enum values it allows. The instance then varies its optional fields, enum
 * values and array lengths inside that schema (the seed's requirements).
 *
 * Why the schema varies: split keeps examples with the same prompt together, and a fixed schema is
 * a fixed prompt, so a whole schema type landed in test, unseen in training (json-expert's run of
 * 2026-12-04 scored schema validity 0 -> 0 on 13 tsconfig prompts, none in its training split).
 * Varied schemas spread every type over train and test and teach the model to read the schema.
 */

/** A schema fragment and a draw of a value valid under it. */
interface Typed {
  schema: Record<string, unknown>;
  draw: (rng: Rng) => unknown;
}
type FieldGen = (rng: Rng) => Typed;
interface Field {
  name: string;
  /** Always in the schema and always required (the type's identity: package.json's name). */
  always?: boolean;
  gen: FieldGen;
}

const some = <T>(rng: Rng, items: readonly T[], max: number): T[] => rng.sample(items, rng.int(0, Math.min(max, items.length)));
const semver = (rng: Rng): string => `${rng.int(0, 9)}.${rng.int(0, 20)}.${rng.int(0, 30)}`;

const text =
  (pool: readonly string[] | ((rng: Rng) => string), pattern?: string): FieldGen =>
  () => ({ schema: { type: 'string', ...(pattern ? { pattern } : {}) }, draw: (rng) => (typeof pool === 'function' ? pool(rng) : rng.pick(pool)) });
const bool: FieldGen = () => ({ schema: { type: 'boolean' }, draw: (rng) => rng.chance(0.5) });
const constant =
  (value: string): FieldGen =>
  () => ({ schema: { type: 'string', const: value }, draw: () => value });
/** An enum of two or more of `pool`'s values: the schema says which are allowed this time. */
const oneOf =
  (pool: readonly string[]): FieldGen =>
  (rng) => {
    const values = pool.filter(() => rng.chance(0.7));
    const allowed = values.length >= 2 ? values : pool.slice(0, 2);
    return { schema: { enum: allowed }, draw: (r) => r.pick(allowed) };
  };
const integer =
  (lo: number, hi: number): FieldGen =>
  (rng) => {
    const max = rng.chance(0.5) ? hi : rng.int(lo + 10, hi);
    return { schema: { type: 'integer', minimum: lo, maximum: max }, draw: (r) => r.int(lo, max) };
  };
/** An array of strings, sometimes bounded by `maxItems`, drawn empty, short or long. */
const strings =
  (pool: readonly string[], most: number): FieldGen =>
  (rng) => {
    const max = rng.chance(0.5) ? rng.int(1, most) : undefined;
    return { schema: { type: 'array', items: { type: 'string' }, ...(max ? { maxItems: max } : {}) }, draw: (r) => some(r, pool, max ?? most) };
  };
/** A map from some of `keys` to values of one schema (package.json's dependencies). */
const mapOf =
  (keys: readonly string[] | ((rng: Rng) => string[]), value: FieldGen): FieldGen =>
  (rng) => {
    const v = value(rng);
    return {
      schema: { type: 'object', additionalProperties: v.schema },
      draw: (r) => Object.fromEntries((typeof keys === 'function' ? keys(r) : some(r, keys, 4)).map((k) => [k, v.draw(r)])),
    };
  };
/**
 * An object naming its `always` fields and each other field with probability 0.65 (at least one),
 * requiring each optional one it names with probability 0.25; an instance has every required field
 * and each other named field with probability 0.6.
 */
const object =
  (fields: readonly Field[], closed = false): FieldGen =>
  (rng) => {
    let named = fields.filter((f) => f.always || rng.chance(0.65));
    if (named.length === 0) named = [rng.pick(fields)];
    const typed = named.map((f) => ({ name: f.name, required: f.always === true || rng.chance(0.25), t: f.gen(rng) }));
    const required = typed.filter((f) => f.required).map((f) => f.name);
    return {
      schema: {
        type: 'object',
        properties: Object.fromEntries(typed.map((f) => [f.name, f.t.schema])),
        ...(required.length ? { required } : {}),
        ...(closed ? { additionalProperties: false } : {}),
      },
      draw: (r) => Object.fromEntries(typed.filter((f) => f.required || r.chance(0.6)).map((f) => [f.name, f.t.draw(r)])),
    };
  };

const TYPES: Record<string, FieldGen> = {
  'package.json (npm package)': object(
    [
      { name: 'name', always: true, gen: text((rng) => `${rng.pick(WORDS)}-${rng.pick(WORDS)}`, '^[a-z][a-z0-9-]*$') },
      { name: 'version', always: true, gen: text(semver, '^\\d+\\.\\d+\\.\\d+$') },
      { name: 'private', gen: bool },
      { name: 'license', gen: oneOf(['MIT', 'Apache-2.0', 'ISC', 'BSD-3-Clause']) },
      { name: 'keywords', gen: strings(INTERESTS.map((i) => i.toLowerCase()), 4) },
      { name: 'dependencies', gen: mapOf(['zod', 'pino', 'ajv', 'koffi', 'neo4j-driver'], text((rng) => `^${semver(rng)}`)) },
    ],
    true,
  ),
  'tsconfig.json (TypeScript config)': object([
    {
      name: 'compilerOptions',
      always: true,
      gen: object(
        [
          { name: 'target', gen: oneOf(['ES2020', 'ES2022', 'ESNext']) },
          { name: 'module', gen: oneOf(['CommonJS', 'NodeNext', 'ESNext']) },
          { name: 'strict', gen: bool },
          { name: 'outDir', gen: text(['dist', 'build', 'out']) },
          { name: 'rootDir', gen: text(['src', 'lib', '.']) },
          { name: 'sourceMap', gen: bool },
        ],
        true,
      ),
    },
    { name: 'include', gen: strings(['src', 'tests', 'scripts', 'bench'], 3) },
    { name: 'exclude', gen: strings(['node_modules', 'dist', 'coverage'], 2) },
  ]),
  '.eslintrc.json (ESLint config)': object([
    { name: 'rules', always: true, gen: mapOf(['no-console', 'eqeqeq', 'semi', 'quotes', 'no-unused-vars', 'curly'], oneOf(['off', 'warn', 'error'])) },
    { name: 'root', gen: bool },
    { name: 'extends', gen: strings(['eslint:recommended', 'prettier', 'plugin:import/errors'], 2) },
    { name: 'env', gen: object([{ name: 'node', gen: bool }, { name: 'browser', gen: bool }, { name: 'es2022', gen: bool }], true) },
  ]),
  'OpenAPI 3.0 fragment (API spec)': object([
    { name: 'openapi', always: true, gen: constant('3.0.3') },
    {
      name: 'info',
      always: true,
      gen: object([
        { name: 'title', always: true, gen: text((rng) => `${rng.pick(WORDS)} API`) },
        { name: 'version', always: true, gen: text(semver) },
        { name: 'description', gen: text((rng) => `Manages ${rng.pick(WORDS)}s`) },
      ]),
    },
    {
      name: 'paths',
      always: true,
      gen: mapOf(
        (rng) => some(rng, WORDS, 3).map((w) => `/${w}s`),
        () => ({ schema: { type: 'object' }, draw: (rng) => ({ get: { summary: `List ${rng.pick(WORDS)}s` } }) }),
      ),
    },
  ]),
  'person record': object([
    { name: 'name', always: true, gen: text(FIRST_NAMES) },
    { name: 'age', gen: integer(0, 130) },
    { name: 'tags', gen: strings(INTERESTS, 5) },
    { name: 'email', gen: text((rng) => `${rng.pick(FIRST_NAMES).toLowerCase()}@example.com`, '^[^@]+@[^@]+$') },
    {
      name: 'address',
      gen: object([
        { name: 'city', always: true, gen: text(CITIES.map((c) => c[0])) },
        { name: 'country', gen: text(CITIES.map((c) => c[1])) },
      ]),
    },
  ]),
};

/** The seed's schema type names (the `anthropic` and `local` providers' prompt variable). */
export const SCHEMA_TYPES: readonly string[] = Object.keys(TYPES);

/** One schema of the named type, and one instance valid under it. */
export function schemaCase(rng: Rng, type: string): { schema: Record<string, unknown>; instance: unknown } {
  const typed = TYPES[type]!(rng);
  return { schema: typed.schema, instance: typed.draw(rng) };
}
