import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { canonicalise, canonicalLine, recordId } from '../../activities/curation/normalize.js';
import { createValidator } from '../../activities/curation/validate/validator.js';
import { canonicalJson } from '../../core/cache/canonical.js';
import { hasOnlyPlainStrings } from '../../core/json/stringify.js';
import type { RecordFormat } from '../../schemas/records.js';

describe('validate normalises strings whatever way the text is written', () => {
  it('gives the same id and text for a raw non-ASCII character, its \\u escape, and a decomposed form; CRLF becomes LF', () => {
    const v = createValidator({}, { source: 'in.jsonl' });
    const kept = (line: string) => {
      const r = v.process({ line: 1, bytes: Buffer.from(line) });
      if (!('keep' in r)) throw new Error(`rejected: ${JSON.stringify(r)}`);
      return JSON.parse(r.keep as string) as { id: string; output: string };
    };
    const raw = kept('{"instruction":"Say it","output":"Caf\u00e9\\r\\nbar"}');
    const escaped = kept('{"instruction":"Say it","output":"Caf\\u00e9\\r\\nbar"}');
    const decomposed = kept('{"instruction":"Say it","output":"Cafe\\u0301\\r\\nbar"}');
    const plainAscii = kept('{"instruction":"Say it","output":"Cafe bar"}');
    expect(raw.output).toBe('Café\nbar');
    expect(escaped).toEqual(raw);
    expect(decomposed).toEqual(raw);
    expect(plainAscii.output).toBe('Cafe bar');
    expect(plainAscii.id).not.toBe(raw.id);
  });
});

describe('the canonical line', () => {
  const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
  /** The id's definition, written out: sha256 over the format and JSON.stringify of the sorted content fields. */
  const referenceId = (format: string, r: Record<string, unknown>) => {
    const keys = Object.keys(r).filter((k) => !['metadata', 'id', 'provenance', 'format'].includes(k) && r[k] !== undefined).sort();
    return sha256(`${format}\n${JSON.stringify(keys.map((k) => [k, typeof r[k] === 'string' ? r[k] : [canonicalJson(r[k])]]))}`).slice(0, 16);
  };
  const strings = ['plain', 'a "quote"', 'back\\slash', 'tab\tand\nnewline', 'caf\u00e9 😀', '\u2028', 'x'];

  it('is JSON.stringify of the canonical record, with the id its definition gives, for plain and escaped text', () => {
    const records: Array<[RecordFormat, Record<string, unknown>]> = [];
    for (const a of strings) {
      for (const b of strings) {
        records.push(['instruction', { instruction: a, input: b, output: `${a}${b}`, extra: { [b]: [a, 1, null] }, metadata: { category: b } }]);
        records.push(['chat', { messages: [{ role: 'user', content: a }, { role: 'assistant', content: b, name: a }] }]);
        records.push(['task', { task: a, input: { [a]: b, list: [b, 2.5] }, output: b }]);
      }
    }
    for (const [format, r] of records) {
      const line = JSON.stringify(r);
      const plain = hasOnlyPlainStrings(Buffer.from(line));
      for (const source of ['in.jsonl', 'odd "name".jsonl']) {
        const got = canonicalLine(format, r, source, 7, plain);
        expect(got).toBe(JSON.stringify(canonicalise(format, r, source, 7)));
        expect((JSON.parse(got) as { id: string }).id).toBe(referenceId(format, r));
        expect(recordId(format, r, plain)).toBe(referenceId(format, r));
      }
    }
  });
});
