import { nonEmpty } from '../checks/json.js';
import type { Family } from '../types.js';
import { CLASSIFICATION_V1 } from './prompts/classification.v1.js';
import { TLP_V1 } from './prompts/tlp.v1.js';
import { CITIES, FIRST_NAMES, PRODUCTS, WORDS } from './vocab.js';

/** Seed 000's TLP level distribution: CLEAR 25, GREEN 20, AMBER 30, AMBER+STRICT 15, RED 10. */
export const TLP_LEVELS = { 'TLP:CLEAR': 25, 'TLP:GREEN': 20, 'TLP:AMBER': 30, 'TLP:AMBER+STRICT': 15, 'TLP:RED': 10 };

const TLP_CASES: Record<string, { items: string[]; reasons: string[] }> = {
  'TLP:CLEAR': {
    items: ['Public API documentation for the {w} service', 'Press release announcing the {w} launch', 'Published blog post about {w} best practices', 'Open-source README for the {w} library', 'Public status page entry for {w}'],
    reasons: ['Intended for public consumption', 'Already published with no restriction on sharing', 'Contains no sensitive information and is meant for everyone'],
  },
  'TLP:GREEN': {
    items: ['Community advisory about phishing targeting {w} users', 'Partner newsletter on the {w} integration roadmap', 'Indicators shared with the industry ISAC about {w}', 'Draft blog post about {w} before publication'],
    reasons: ['May be shared within the community but not publicly', 'Useful to peers and partners, not for public channels', 'Internal until published, then TLP:CLEAR'],
  },
  'TLP:AMBER': {
    items: ['Customer email addresses exported from {w}', 'Internal incident report about the {w} outage', 'Employee directory with phone numbers for {c}', 'Support tickets mentioning {n} and their account', 'Internal sales pipeline for {w}'],
    reasons: ['PII requiring limited distribution', 'Internal data shared only with those who need to know', 'Customer information that must stay inside the organisation and its clients'],
  },
  'TLP:AMBER+STRICT': {
    items: ['Unpatched vulnerability in the production {w} system', 'Forensic findings on the {w} breach for the response team', 'Details of an active attack on the {c} office network', 'Pen-test report for {w} addressed to the CISO'],
    reasons: ['Critical security issue, named recipients only', 'Restricted to the organisation itself, not its clients', 'Disclosure beyond the response team would enable attacks'],
  },
  'TLP:RED': {
    items: ['CEO salary information', 'Board minutes on the planned acquisition of {w}', 'Encryption master keys for {w}', 'Identity of the informant in the {w} investigation', 'Credentials of the {c} domain administrators'],
    reasons: ['Highly confidential, must not leave the meeting or named recipients', 'Exposure would cause severe, irreversible harm', 'For the eyes of the named participants only'],
  },
};

const fill = (s: string, rng: { pick<T>(a: readonly T[]): T }) =>
  s.replace('{w}', rng.pick(WORDS)).replace('{c}', rng.pick(CITIES)[0]).replace('{n}', rng.pick(FIRST_NAMES));

const labelled = (props: Record<string, unknown>, required: string[]) => ({ type: 'object', properties: props, required, additionalProperties: false });

export const tlpFamily: Family = {
  name: 'tlp',
  description: 'Traffic Light Protocol classification with reasoning (seed 000)',
  variants: TLP_LEVELS,
  prompt: TLP_V1,
  replySchema: () => labelled({ input: { type: 'string', maxLength: 200 }, output: { enum: Object.keys(TLP_LEVELS) }, reasoning: { type: 'string', maxLength: 200 } }, ['input', 'output', 'reasoning']),
  vars: (slot, rng) => ({ slot: String(slot.index), variant: slot.variant, topic: rng.pick(['finance', 'security', 'HR', 'engineering', 'marketing', 'legal']) }),
  build: (r) => ({ instruction: 'Classify TLP', input: String(r.input ?? ''), output: String(r.output ?? ''), reasoning: String(r.reasoning ?? '') }),
  check(ex, ctx) {
    const empty = nonEmpty(ex, ['input', 'reasoning']);
    if (empty) return empty;
    if (!(String(ex.output) in TLP_LEVELS)) return { reason: 'label_not_in_set', detail: `output ${JSON.stringify(ex.output)} is not a TLP level` };
    // Another level than the one asked for would skew the planned distribution.
    if (ex.output !== ctx.variant) return { reason: 'label_not_in_set', detail: `asked for ${ctx.variant}, got ${String(ex.output)}` };
    return undefined;
  },
  template(slot, rng) {
    const c = TLP_CASES[slot.variant]!;
    return { input: fill(rng.pick(c.items), rng), output: slot.variant, reasoning: rng.pick(c.reasons) };
  },
  noveltyText: (ex) => String(ex.input ?? ''),
};

const CLASS_TEXTS: Record<string, string[]> = {
  technical: ['The {w} build fails with a segmentation fault after upgrading the compiler.', 'How do I configure TLS for the {w} API gateway?', 'Memory usage of the {w} worker grows until it is killed.'],
  business: ['Can we review the Q{q} budget for the {w} project?', 'The board wants a forecast for {w} revenue next year.', 'Please send the signed contract with {c} by Friday.'],
  support: ['I cannot log in to my {w} account since this morning.', 'My order of a {p} arrived damaged, what now?', 'How do I reset the password for {n}?'],
  sales: ['We would like a quote for 50 licences of {w}.', 'Is there a discount for annual {w} plans?', 'Our team in {c} wants a demo of {w} next week.'],
};

export const DEFAULT_LABELS = Object.keys(CLASS_TEXTS);

/** Balanced text classification over a configurable label set (equal counts per label). */
export const textClassification: Family = {
  name: 'text_classification',
  description: 'balanced text classification over a label set',
  // The engine replaces these with the configured labels, one equal weight each.
  variants: Object.fromEntries(DEFAULT_LABELS.map((l) => [l, 1])),
  prompt: CLASSIFICATION_V1,
  replySchema: (_variant, labels) => labelled({ input: { type: 'string', maxLength: 400 }, output: { enum: [...labels] } }, ['input', 'output']),
  vars: (slot, rng, labels) => ({ slot: String(slot.index), variant: slot.variant, labels: labels.join(', '), length: rng.pick(['one sentence', 'two sentences', 'a short paragraph']) }),
  build: (r) => ({ instruction: 'Classify this text', input: String(r.input ?? ''), output: String(r.output ?? '') }),
  check(ex, ctx) {
    const empty = nonEmpty(ex, ['input']);
    if (empty) return empty;
    if (!ctx.labels.includes(String(ex.output))) return { reason: 'label_not_in_set', detail: `output ${JSON.stringify(ex.output)} is not in the label set` };
    if (ex.output !== ctx.variant) return { reason: 'label_not_in_set', detail: `asked for ${ctx.variant}, got ${String(ex.output)}` };
    return undefined;
  },
  template(slot, rng) {
    const texts = CLASS_TEXTS[slot.variant];
    if (!texts) throw new Error(`the template provider has no texts for label "${slot.variant}"`);
    const text = rng
      .pick(texts)
      .replace('{w}', rng.pick(WORDS))
      .replace('{c}', rng.pick(CITIES)[0])
      .replace('{n}', rng.pick(FIRST_NAMES))
      .replace('{p}', rng.pick(PRODUCTS)[0])
      .replace('{q}', String(rng.int(1, 4)));
    return { input: text, output: slot.variant };
  },
  noveltyText: (ex) => String(ex.input ?? ''),
};
