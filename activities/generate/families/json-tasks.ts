import type { Rng } from '../rng.js';
import { canonical } from '../rng.js';
import { CITIES, CURRENCIES, EVENT_TYPES, FIRST_NAMES, INTERESTS, isoDate, LOG_LEVELS, LOG_MESSAGES, numberWords, PRODUCTS, randomObject, SEVERITIES } from './vocab.js';

/** The deterministic generators behind seed 001's JSON families (the `template` provider). */

// ---- json_repair: error injection ----
export const ERROR_KINDS = ['trailing_comma', 'missing_comma', 'missing_quote', 'wrong_bracket', 'malformed_escape', 'missing_closing_bracket'] as const;
type ErrorKind = (typeof ERROR_KINDS)[number];

function inject(text: string, kind: ErrorKind): string | undefined {
  switch (kind) {
    case 'trailing_comma': {
      const i = text.lastIndexOf('}');
      return i > 1 ? `${text.slice(0, i)},${text.slice(i)}` : undefined;
    }
    case 'missing_comma': {
      const m = /,\s*"/.exec(text);
      return m ? text.slice(0, m.index) + text.slice(m.index + 1) : undefined;
    }
    case 'missing_quote': {
      const m = /:\s*"([A-Za-z][A-Za-z ]*)"/.exec(text);
      return m ? text.slice(0, m.index) + `: ${m[1]!}` + text.slice(m.index + m[0].length) : undefined;
    }
    case 'wrong_bracket': {
      const i = text.indexOf('{');
      return i >= 0 ? `${text.slice(0, i)}[${text.slice(i + 1)}` : undefined;
    }
    case 'malformed_escape': {
      const m = /"([A-Za-z][A-Za-z ]*)"(\s*[,}])/.exec(text);
      return m ? text.slice(0, m.index) + `"${m[1]!}\\"` + m[2]! + text.slice(m.index + m[0].length) : undefined;
    }
    case 'missing_closing_bracket': {
      const i = text.lastIndexOf(']') > text.length - 4 ? text.lastIndexOf(']') : text.lastIndexOf('}');
      return i > 0 ? text.slice(0, i) + text.slice(i + 1) : undefined;
    }
  }
}

export const DIFFICULTY: Record<string, number> = { easy: 20, medium: 15, hard: 5 };

/** A document, the broken text, and a partial fix (one error left; equal to `broken` for a single error). */
export function repairCase(rng: Rng, difficulty: string): { doc: unknown; broken: string; partial: string; kinds: ErrorKind[] } {
  const doc = randomObject(rng, difficulty === 'hard' ? 0 : 1);
  if (difficulty === 'hard') (doc as Record<string, unknown>).note = rng.pick(['café ☕', 'naïve résumé', 'Zürich – 東京', 'emoji 🚀 ok']);
  const errors = difficulty === 'easy' ? 1 : difficulty === 'medium' ? rng.int(2, 3) : rng.int(3, 4);
  let text = rng.chance(0.5) ? JSON.stringify(doc) : JSON.stringify(doc, null, 1);
  let partial: string | undefined;
  const kinds: ErrorKind[] = [];
  for (const kind of rng.shuffle([...ERROR_KINDS])) {
    if (kinds.length >= errors) break;
    const next = inject(text, kind);
    if (next === undefined) continue;
    if (kinds.length === errors - 1 && kinds.length > 0) partial = text;
    text = next;
    kinds.push(kind);
  }
  if (kinds.length === 0) {
    text = inject(text, 'trailing_comma')!;
    kinds.push('trailing_comma');
  }
  return { doc, broken: text, partial: partial ?? text, kinds };
}

// ---- text_to_json ----
export const TEXT_DOMAINS = ['person', 'product', 'event', 'location', 'log'] as const;
export const TEXT_VARIATIONS = ['different word order', 'numbers as words', 'dates in another format', 'a missing field', 'extra irrelevant text'];

export function textToJsonCase(rng: Rng, domain: string): { fields: string; text: string; output: unknown } {
  const noise = rng.chance(0.3) ? ` ${rng.pick(['By the way, it rained all day.', 'Nothing else to report.', 'Sent from my phone.'])}` : '';
  switch (domain) {
    case 'person': {
      const name = rng.pick(FIRST_NAMES);
      const age = rng.int(18, 79);
      const tags = rng.sample(INTERESTS, rng.int(1, 3));
      const ageText = rng.chance(0.4) ? numberWords(age) : String(age);
      const text = rng.chance(0.5) ? `${name} is ${ageText} years old and likes ${tags.join(' and ')}.` : `Into ${tags.join(', ')}, ${name} turned ${ageText} this year.`;
      return { fields: '{name:string, age:int, tags:string[]}', text: text + noise, output: { age, name, tags } };
    }
    case 'product': {
      const [product, category] = rng.pick(PRODUCTS);
      const price = rng.int(5, 2500) + rng.int(0, 99) / 100;
      const currency = rng.pick(CURRENCIES);
      const text = rng.chance(0.5) ? `${product} costs ${price.toFixed(2)} ${currency} in the ${category} section.` : `In ${category}: ${currency} ${price.toFixed(2)} for a ${product}.`;
      return { fields: '{product:string, price:float, currency:string, category:string}', text: text + noise, output: { category, currency, price, product } };
    }
    case 'event': {
      const type = rng.pick(EVENT_TYPES);
      const severity = rng.pick(SEVERITIES);
      const ts = isoDate(rng);
      const when = rng.chance(0.5) ? ts : new Date(ts).toUTCString();
      const text = `At ${when} the monitor raised ${type.replace(/_/g, ' ')} with ${severity} severity.`;
      return { fields: '{type:string, timestamp:string (ISO 8601), severity:string}', text: text + noise, output: { severity, timestamp: ts, type } };
    }
    case 'location': {
      const [city, country, lat, lon] = rng.pick(CITIES);
      const withCoords = rng.chance(0.6);
      const text = withCoords ? `Meet me in ${city}, ${country} (lat ${lat}, lon ${lon}).` : `The office moved to ${city} in ${country}; coordinates unknown.`;
      return { fields: '{city:string, country:string, coordinates:{lat:float, lon:float}|null}', text: text + noise, output: { city, coordinates: withCoords ? { lat, lon } : null, country } };
    }
    default: {
      const level = rng.pick(LOG_LEVELS);
      const message = rng.pick(LOG_MESSAGES);
      const ts = isoDate(rng);
      return { fields: '{level:string, message:string, timestamp:string}', text: `${ts} [${level}] ${message}` + noise, output: { level, message, timestamp: ts } };
    }
  }
}

// ---- json_transform ----
export const TRANSFORMS = ['rename keys', 'filter fields', 'type casting', 'case normalization', 'flatten nested', 'group by property'] as const;

const camel = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

export function transformCase(rng: Rng, transform: string): { rules: string; json: unknown; output: unknown } {
  const name = rng.pick(FIRST_NAMES);
  const age = rng.int(18, 80);
  const [city, country] = rng.pick(CITIES);
  switch (transform) {
    case 'rename keys': {
      const to = rng.pick(['fullName', 'displayName', 'personName']);
      return { rules: `rename 'name' to '${to}'`, json: { age, city, name }, output: { age, city, [to]: name } };
    }
    case 'filter fields': {
      const keep = rng.sample(['name', 'age', 'city', 'country'], 2).sort();
      const src: Record<string, unknown> = { age, city, country, name };
      return { rules: `keep only ${keep.map((k) => `'${k}'`).join(' and ')}`, json: src, output: Object.fromEntries(keep.map((k) => [k, src[k]])) };
    }
    case 'type casting': {
      const id = rng.int(1, 99999);
      const price = rng.int(1, 500) + 0.5;
      return { rules: `cast 'id' to an integer and 'price' to a number`, json: { id: String(id), name, price: String(price) }, output: { id, name, price } };
    }
    case 'case normalization': {
      const src = { FirstName: name, HomeCity: city, YearsActive: rng.int(1, 30) };
      return { rules: 'convert every key to camelCase', json: src, output: Object.fromEntries(Object.entries(src).map(([k, v]) => [camel(k), v])) };
    }
    case 'flatten nested': {
      const id = rng.int(1, 999);
      return { rules: `flatten 'user' into top-level keys prefixed with 'user'`, json: { id, user: { age, name } }, output: { id, userAge: age, userName: name } };
    }
    default: {
      const items = Array.from({ length: rng.int(3, 5) }, () => ({ name: rng.pick(FIRST_NAMES), team: rng.pick(['red', 'blue', 'green']) }));
      const groups: Record<string, string[]> = {};
      for (const it of items) (groups[it.team] ??= []).push(it.name);
      return { rules: `group the items' names by 'team'`, json: { items }, output: groups };
    }
  }
}

// ---- json_style_strict ----
export const STYLES = ['pretty-printed with indentation', 'random key order', 'extra whitespace', 'different number formats'] as const;

export function messyJson(rng: Rng, value: unknown, style: string, depth = 0): string {
  const pad = style === 'pretty-printed with indentation' ? '\n' + ' '.repeat((depth + 1) * 2) : '';
  const end = style === 'pretty-printed with indentation' ? '\n' + ' '.repeat(depth * 2) : '';
  const sp = style === 'extra whitespace' ? '  ' : ' ';
  if (Array.isArray(value)) return `[${value.map((v) => pad + messyJson(rng, v, style, depth + 1)).join(`,${sp}`)}${value.length ? end : ''}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    const ordered = style === 'random key order' ? rng.shuffle(entries) : entries.reverse();
    return `{${sp}${ordered.map(([k, v]) => `${pad}${JSON.stringify(k)}${sp}:${sp}${messyJson(rng, v, style, depth + 1)}`).join(`,${sp}`)}${end}${sp}}`;
  }
  if (typeof value === 'number' && style === 'different number formats' && Number.isInteger(value)) return rng.chance(0.5) ? `${value}.0` : `${value}e0`;
  return JSON.stringify(value);
}

export { canonical };
