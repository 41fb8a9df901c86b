import { describe, expect, it } from '@jest/globals';
import { createValidator } from '../../activities/curation/validate/validator.js';

describe('validate normalises strings whatever way the text is written', () => {
  it('gives the same id and text for a raw non-ASCII character, its \\u escape, and a decomposed form; CRLF becomes LF', () => {
    const v = createValidator({}, { source: 'in.jsonl' });
    const kept = (line: string) => {
      const r = v.process({ line: 1, bytes: Buffer.from(line) });
      if (!('kept' in r) || r instanceof Promise) throw new Error(`rejected: ${JSON.stringify(r)}`);
      return JSON.parse(r.kept) as { id: string; output: string };
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
