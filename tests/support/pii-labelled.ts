import fs from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from './paths.js';

/**
 * The PII labelled set (tests/fixtures/pii/labelled.jsonl, made by make-labelled.mjs beside it) and
 * its scoring, shared by tests/curation/pii-labelled.test.ts and `npm run bench -- pii-peer`, so
 * Forgeline and Presidio are scored by the same rule.
 */
export const LABELLED_FILE = path.join(REPO_ROOT, 'tests/fixtures/pii/labelled.jsonl');

export interface LabelledLine {
  id: string;
  text: string;
  entities: { type: string; value: string }[];
  decoys: string[];
}

/** A tool's finding: a type of its own vocabulary and UTF-16 offsets into the text. */
export interface Span {
  type: string;
  start: number;
  end: number;
}

/** Label type -> the Forgeline detector types that count for it. */
export const FORGELINE_TYPES: Record<string, string[]> = {
  url_credentials: ['secret'],
};

/**
 * Label type -> Presidio's entity types (presidio-analyzer's predefined recognizers and its spaCy
 * NER mapping). A label with no list has no Presidio counterpart: workplace names (Presidio's
 * default configuration drops spaCy's ORG), user ids, MAC addresses and vendor secrets.
 */
export const PRESIDIO_TYPES: Record<string, string[]> = {
  email: ['EMAIL_ADDRESS'],
  phone: ['PHONE_NUMBER'],
  credit_card: ['CREDIT_CARD'],
  iban: ['IBAN_CODE'],
  ssn: ['US_SSN'],
  itin: ['US_ITIN'],
  ipv4: ['IP_ADDRESS'],
  ipv6: ['IP_ADDRESS'],
  mac_address: ['MAC_ADDRESS'],
  street_address: ['LOCATION'],
  person: ['PERSON'],
  secret: [],
  url_credentials: ['URL'],
  passport: ['US_PASSPORT', 'UK_PASSPORT'],
  drivers_license: ['US_DRIVER_LICENSE', 'UK_DRIVING_LICENCE'],
  bank_account: ['US_BANK_NUMBER', 'UK_SORT_CODE'],
  crypto_wallet: ['CRYPTO'],
  date_of_birth: ['DATE_TIME'],
  workplace: ['ORGANIZATION', 'ORG'],
  account_id: [],
};

export async function readLabelled(file = LABELLED_FILE): Promise<LabelledLine[]> {
  const text = await fs.readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l, i) => {
      const line = JSON.parse(l) as LabelledLine;
      for (const e of line.entities) if (!line.text.includes(e.value)) throw new Error(`${file}:${i + 1} entities: "${e.type}" value is not in the text`);
      for (const d of line.decoys) if (!line.text.includes(d)) throw new Error(`${file}:${i + 1} decoys: a decoy is not in the text`);
      return line;
    });
}

export interface Score {
  /**
   * Per label type: entities planted, entities whose every letter and digit a finding of a matching
   * type covers (`found`), and entities that such a finding at least touches (`touched`: a tool that
   * tags the city of an address but not the street).
   */
  recall: Record<string, { found: number; touched: number; total: number }>;
  /** Decoys that no finding of any type touches; `lostTo`: the finding types that touched the others. */
  decoys: { kept: number; total: number; lostTo: Record<string, number> };
}

function occurrences(text: string, value: string): [number, number][] {
  const out: [number, number][] = [];
  for (let i = text.indexOf(value); i >= 0; i = text.indexOf(value, i + 1)) out.push([i, i + value.length]);
  return out;
}

/**
 * Scores one tool's findings. An entity counts as found only when every letter and digit of it
 * (each place it occurs outside a decoy) lies inside findings of a type mapped to its label: a
 * half-masked address still leaks. A decoy is kept when no finding overlaps it.
 */
export function scoreFindings(lines: readonly LabelledLine[], findings: readonly (readonly Span[])[], typesOf: (label: string) => readonly string[]): Score {
  const recall: Score['recall'] = {};
  const decoys: Score['decoys'] = { kept: 0, total: 0, lostTo: {} };
  lines.forEach((line, i) => {
    const spans = findings[i] ?? [];
    const decoySpans = line.decoys.flatMap((d) => occurrences(line.text, d));
    for (const e of line.entities) {
      const accepted = new Set(typesOf(e.type));
      const r = (recall[e.type] ??= { found: 0, touched: 0, total: 0 });
      r.total++;
      const places = occurrences(line.text, e.value).filter(([s, t]) => !decoySpans.some(([ds, dt]) => s >= ds && t <= dt));
      const covered = places.every(([s, t]) => {
        for (let c = s; c < t; c++) {
          if (!/[\p{L}\p{N}]/u.test(line.text[c]!)) continue;
          if (!spans.some((f) => accepted.has(f.type) && f.start <= c && c < f.end)) return false;
        }
        return true;
      });
      if (covered) r.found++;
      if (places.some(([s, t]) => spans.some((f) => accepted.has(f.type) && f.start < t && f.end > s))) r.touched++;
    }
    for (const [s, t] of decoySpans) {
      decoys.total++;
      const touching = new Set(spans.filter((f) => f.start < t && f.end > s).map((f) => f.type));
      if (touching.size === 0) decoys.kept++;
      for (const type of touching) decoys.lostTo[type] = (decoys.lostTo[type] ?? 0) + 1;
    }
  });
  return { recall, decoys };
}

export const forgelineTypesOf = (label: string): string[] => FORGELINE_TYPES[label] ?? [label];
export const presidioTypesOf = (label: string): string[] => PRESIDIO_TYPES[label] ?? [];
