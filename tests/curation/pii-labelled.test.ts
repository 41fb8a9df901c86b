import { describe, expect, it } from '@jest/globals';
import { piiOptionsSchema } from '../../activities/curation/pii/options.js';
import { createScanner } from '../../activities/curation/pii/scan.js';
import { PII_TYPES } from '../../activities/curation/pii/types.js';
import { forgelineTypesOf, readLabelled, scoreFindings } from '../support/pii-labelled.js';

/**
 * Recall per entity type and decoy retention on the labelled set (tests/fixtures/pii/labelled.jsonl,
 * 360 lines of seed-004-style prose with planted entities and decoys: code, Cypher, order numbers
 * failing Luhn, versions, log dates). The floors sit at the figures published in docs/stages/pii.md
 * (rounded down); person names outside the dictionary without a cue are the known gap.
 */
const FLOOR: Record<string, number> = { person: 0.85 };
const DECOY_FLOOR = 0.95;

describe('pii labelled set', () => {
  it('finds every planted type with its recall floor and keeps >= 95% of the decoys', async () => {
    const lines = await readLabelled();
    expect(lines.length).toBeGreaterThanOrEqual(300);
    const scanner = createScanner(piiOptionsSchema.parse({}));
    const all = new Set(PII_TYPES);
    const score = scoreFindings(lines, lines.map((l) => scanner.scan(l.text, all)), forgelineTypesOf);
    // Every type of issue 19 and seed 004's checklist is planted at least 20 times.
    for (const t of ['passport', 'drivers_license', 'itin', 'bank_account', 'crypto_wallet', 'url_credentials', 'date_of_birth', 'street_address', 'workplace', 'account_id', 'phone']) {
      expect(score.recall[t]?.total ?? 0).toBeGreaterThanOrEqual(20);
    }
    const recall = Object.fromEntries(Object.entries(score.recall).map(([t, r]) => [t, r.found / r.total]));
    const below = Object.entries(recall).filter(([t, r]) => r < (FLOOR[t] ?? 1));
    expect(below).toEqual([]);
    expect(score.decoys.total).toBeGreaterThanOrEqual(300);
    expect(score.decoys.kept / score.decoys.total).toBeGreaterThanOrEqual(DECOY_FLOOR);
  });
});
