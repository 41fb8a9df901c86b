import { describe, expect, it } from '@jest/globals';
import { createGate } from '../../activities/curation/pii/gate.js';
import { piiOptionsSchema } from '../../activities/curation/pii/options.js';
import { createDetectors, createScanner } from '../../activities/curation/pii/scan.js';
import type { Detector, Need } from '../../activities/curation/pii/types.js';
import { readLabelled } from '../support/pii-labelled.js';
import { rng } from '../support/rng.js';

/** What a detector finds on its own, without the gate (its quick test first, as the scanner runs it). */
const ungated = (d: Detector, text: string) => (d.quick && !d.quick(text) ? [] : d.find(text));

/**
 * Texts the gate rules out though `find` alone would find something in them. Three more, which the
 * detectors' former pre-checks also missed, are now searched: they are in CLOSED_GAPS.
 */
const KNOWN_GAPS = [
  { type: 'date_of_birth', text: 'née  le 14/03/1987' }, // two spaces: the cue is "née le"
];
const CLOSED_GAPS = [
  { type: 'bank_account', text: 'sort code 20-00-00' }, // no three digits in a row
  { type: 'passport', text: 'Su pasaporte X1234567' }, // "pasaporte", "paspoort" hold no "pass"
  { type: 'workplace', text: 'my position at Contoso' }, // "position at", "shift at", "role at", "career at"
];

const needing = (needs: Need | Need[]): Detector => ({ type: 'email', needs, find: () => [] });
const opens = (needs: Need | Need[], text: string) => createGate([needing(needs)])(text) === 1;

describe('pii gate', () => {
  it('never closes on a detector that finds something: every detector, gated and ungated, over the labelled set', async () => {
    const lines = await readLabelled();
    const texts = lines.flatMap((l) => [l.text, ...l.entities.map((e) => e.value), ...l.decoys]);
    // Case changes reach the case-insensitive cues; the non-ASCII ones (né le, Führerschein) fold as a regex's `i` flag does.
    texts.push(...texts.map((t) => t.toUpperCase()), ...texts.map((t) => t.toLowerCase()));
    texts.push('Elle est NÉE LE 14/03/1987 à Lyon.', 'FÜHRERSCHEIN Nr. B072RRE2I55', 'D.O.B. 1987-03-14', '', ...KNOWN_GAPS.map((g) => g.text), ...CLOSED_GAPS.map((g) => g.text));
    for (const highEntropy of [true, false]) {
      const detectors = createDetectors(piiOptionsSchema.parse({ highEntropy }));
      const gate = createGate(detectors);
      let closed = 0;
      const found = new Set<string>();
      const missed: { type: string; text: string }[] = [];
      for (const text of texts) {
        const open = gate(text);
        detectors.forEach((d, i) => {
          const all = ungated(d, text);
          if (all.length > 0) found.add(d.type);
          if ((open & (1 << i)) !== 0) return;
          closed++;
          if (all.length > 0) missed.push({ type: d.type, text });
        });
      }
      expect(missed).toEqual(KNOWN_GAPS);
      // Not vacuous: the set has findings of every type, and the gate closes on most detector-text pairs.
      expect(found.size).toBe(detectors.length);
      expect(closed).toBeGreaterThan((texts.length * detectors.length) / 2);
    }
  });

  it('the scanner finds what the former pre-checks missed: a passport after "pasaporte", a sort code 20-00-00, a workplace after "position at"', () => {
    const options = piiOptionsSchema.parse({});
    const scanner = createScanner(options);
    const types = new Set(options.types);
    for (const gap of CLOSED_GAPS) expect(scanner.scan(gap.text, types).map((f) => f.type)).toContain(gap.type);
  });

  it('finds cue words as a case-insensitive regex does, across overlaps and non-ASCII case pairs', () => {
    const cues = ['employ', 'employee', 'ne le', 'née le', 'a/c', 'S.A.', 'Führerschein', 'ag', 'gh', 'sk-ant-'];
    const alphabet = ['e', 'm', 'p', 'l', 'o', 'y', 'E', 'n', 'é', 'É', ' ', 'a', '/', 'c', 'S', '.', 'A', 'F', 'ü', 'Ü', 'h', 'r', 's', 'ſ', 'K', 'k', 'g', 'G', '-', 't', 'ı', 'İ'];
    const regexes = cues.map((c) => new RegExp(c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'), 'i'));
    const gate = createGate(cues.map((c) => needing({ cues: [c] })));
    const r = rng(11);
    const wrong: [string, string][] = [];
    let matched = 0;
    for (let t = 0; t < 20000; t++) {
      let text = '';
      // Mostly pieces of the cues themselves, in either case, so that matches and near misses are common.
      while (text.length < 40) {
        const cue = cues[Math.floor(r() * cues.length)]!;
        const piece = r() < 0.5 ? cue.slice(0, 1 + Math.floor(r() * cue.length)) : alphabet[Math.floor(r() * alphabet.length)]!;
        text += r() < 0.3 ? piece.toUpperCase() : piece;
      }
      const open = gate(text);
      regexes.forEach((re, i) => {
        const expected = re.test(text);
        if (expected) matched++;
        if (((open & (1 << i)) !== 0) !== expected) wrong.push([cues[i]!, text]);
      });
    }
    expect(wrong).toEqual([]);
    expect(matched).toBeGreaterThan(20000); // about one cue in ten matches: both answers are well exercised
  });

  it('counts digits, measures runs and sees characters as the needs say', () => {
    expect(opens({ digits: 3 }, 'a1b2c3')).toBe(true);
    expect(opens({ digits: 4 }, 'a1b2c3')).toBe(false);
    expect(opens({ digitRun: 4 }, '123 4567')).toBe(true);
    expect(opens({ digitRun: 4 }, '123 456 789')).toBe(false);
    expect(opens({ digitRun: 3 }, '٣٤٥ 12')).toBe(false); // \d is ASCII only
    for (const n of [31, 32, 33, 64, 65]) {
      for (const at of [0, 1, 7, 31]) {
        const text = `${'x '.repeat(at)}${'aB9+/_=-'.repeat(9).slice(0, n)} tail`;
        expect([n, at, opens({ tokenRun: 32 }, text)]).toEqual([n, at, n >= 32]);
        expect([n, at, opens({ alnumRun: 26 }, text)]).toEqual([n, at, false]); // '+' breaks the letters every 3 characters
      }
    }
    expect(opens({ alnumRun: 26 }, `(${'1BoNaRBtGxF9nyCxTsTbXGjaHnvTCTDUTN'.slice(0, 26)})`)).toBe(true);
    expect(opens({ whitespace: true }, '2025-11-12T10:00:00Z')).toBe(false);
    for (const space of [' ', '\t', '\n', '\u00a0', '\u3000', '\ufeff']) expect(opens({ whitespace: true }, `a${space}b`)).toBe(true);
    expect(opens({ chars: ':-' }, 'a-b')).toBe(true);
    expect(opens({ chars: ':' }, 'a-b')).toBe(false);
    expect(opens({ upperLower: true }, 'ABC def')).toBe(false);
    expect(opens({ upperLower: true }, 'ABC Def')).toBe(true);
    expect(opens({ upperLower: true }, 'Éa')).toBe(false); // ASCII letters only, as [A-Z][a-z]
    // All of a need's fields must hold; any one of a list of needs will do.
    expect(opens({ cues: ['passport'], digits: 1 }, 'passport pending')).toBe(false);
    expect(opens({ cues: ['passport'], digits: 1 }, 'PASSPORT X1234567')).toBe(true);
    expect(opens([{ cues: ['user'], digits: 1 }, { cues: ['user'], chars: '@' }], 'user @jsmith')).toBe(true);
    expect(opens([{ cues: ['user'], digits: 1 }, { cues: ['user'], chars: '@' }], 'the user asked')).toBe(false);
  });

  it('keeps runs apart when one look rules several out, and answers texts alike in their counts by their own runs', () => {
    // A token run of 32 and a letter-and-digit run of 26 share one first look (a token run of 26).
    const gate = createGate([needing({ tokenRun: 32 }), needing({ alnumRun: 26 }), needing({ digitRun: 3 }), needing({ upperLower: true })]);
    const alnum26 = 'aB3'.repeat(9).slice(0, 26);
    expect(gate(`x ${alnum26} y`)).toBe(0b0010);
    expect(gate(`x ${alnum26}+/=_-+ y`)).toBe(0b0011);
    expect(gate(`x ${'+/'.repeat(16)} y`)).toBe(0b0001);
    expect(gate(`x ${'+/'.repeat(13)} y`)).toBe(0b0000);
    // The same letters, digits and flags, so the same settled counts: the runs and the capital decide.
    expect(gate('ab 12 3 Cd')).toBe(0b1000);
    expect(gate('ab 1 23 cD')).toBe(0b0000);
    expect(gate('ab 123 cD')).toBe(0b0100);
    expect(gate('ab 12 3 Cd')).toBe(0b1000);
  });

  it('opens a detector without needs on every text, and gives each detector its own bit', () => {
    const gate = createGate([{ type: 'person', find: () => [] }, needing({ chars: '@' }), needing({ digits: 1 })]);
    expect(gate('')).toBe(0b001);
    expect(gate('a@b')).toBe(0b011);
    expect(gate('a@b 1')).toBe(0b111);
  });
});
