import { describe, expect, it } from '@jest/globals';
import { classificationReport, matchLabel, OTHER_LABEL } from '../../activities/eval/metrics/classification.js';
import { cypherParse } from '../../activities/eval/metrics/cypher.js';
import { extractFlexible, extractStrict, gsm8kExactMatch, INVALID, scoreGsm8k } from '../../activities/eval/metrics/gsm8k.js';
import { jsonValid, SchemaChecker } from '../../activities/eval/metrics/json.js';
import { multipleChoiceAcc, truthfulqaMc2 } from '../../activities/eval/metrics/multiple-choice.js';
import { passAtK } from '../../activities/eval/metrics/pass-at-k.js';
import { corpusPerplexity } from '../../activities/eval/metrics/perplexity.js';
import { exactMatch, lcsLength, normalise, rougeL } from '../../activities/eval/metrics/text.js';

describe('GSM8K extraction (lm-evaluation-harness strict-match and flexible-extract)', () => {
  const ref = (n: string) => `Some reasoning.\n#### ${n}`;

  it('strict takes the first "#### n"; commas, a trailing period and case are ignored', () => {
    expect(extractStrict('so the answer is 1,550.\n#### 1,550.')).toBe('1,550.');
    expect(gsm8kExactMatch('1,550.', ref('1,550'))).toBe(1);
    expect(gsm8kExactMatch('1,550.', ref('1550'))).toBe(1);
    expect(extractStrict('#### 7\n#### 8')).toBe('7');
  });

  it('strict gives [invalid] without "####", and on a dollar sign the regex does not allow', () => {
    expect(extractStrict('The answer is 7')).toBe(INVALID);
    expect(extractStrict('#### $1,000')).toBe(INVALID);
    expect(scoreGsm8k('#### $1,000', ref('1000')).strict).toBe(0);
  });

  it('flexible takes the LAST number-like match, keeping $ and commas for the ignore rules', () => {
    expect(extractFlexible('#### $1,000')).toBe('$1,000');
    expect(scoreGsm8k('#### $1,000', ref('1000')).flexible).toBe(1);
    expect(extractFlexible('She pays $18.')).toBe('$18.');
    expect(gsm8kExactMatch('$18.', ref('18'))).toBe(1);
    expect(extractFlexible('3 apples and 4 pears make 7')).toBe('7');
    expect(extractFlexible('costs 5.')).toBe('5.');
    expect(gsm8kExactMatch('5.', ref('5'))).toBe(1);
    expect(extractFlexible('no digits here')).toBe(INVALID);
  });

  it('negative numbers keep their sign in both filters', () => {
    expect(extractStrict('#### -5')).toBe('-5');
    expect(extractFlexible('It is now -5 degrees')).toBe('-5');
    expect(scoreGsm8k('It is now -5 degrees', ref('-5'))).toMatchObject({ flexible: 1, strict: 0 });
    expect(gsm8kExactMatch('5', ref('-5'))).toBe(0);
  });

  it('a decimal is not the integer it starts with', () => {
    expect(gsm8kExactMatch('7.5', ref('7'))).toBe(0);
    expect(scoreGsm8k('4 + 3 = 7\n#### 7', ref('7'))).toEqual({ strict: 1, flexible: 1, strictAnswer: '7', flexibleAnswer: '7' });
  });
});

describe('exact match and ROUGE-L', () => {
  it('normalises as documented', () => {
    expect(normalise('  The Cat,  sat! ', 'squad')).toBe('cat sat');
    expect(exactMatch('The cat.', 'cat', 'squad')).toBe(1);
    expect(exactMatch('MATCH (n) RETURN n.', 'match (n)   return n', 'basic')).toBe(1);
    expect(exactMatch('MATCH (n) RETURN n', 'MATCH (n) RETURN m', 'basic')).toBe(0);
    expect(exactMatch('{"b":1,"a":[1,2]}', '{ "a": [1, 2], "b": 1 }', 'json')).toBe(1);
    expect(exactMatch('{"a":[2,1]}', '{"a":[1,2]}', 'json')).toBe(0);
    expect(exactMatch('x', 'X', 'none')).toBe(0);
  });

  it('ROUGE-L F1 against a hand-computed value', () => {
    // tokens: the cat sat on the mat / the cat is on the mat; LCS = the cat on the mat = 5.
    const r = rougeL('The cat sat on the mat.', 'the cat is on the mat');
    expect(r.precision).toBeCloseTo(5 / 6, 10);
    expect(r.recall).toBeCloseTo(5 / 6, 10);
    expect(r.f1).toBeCloseTo(5 / 6, 10);
    const s = rougeL('a b c d', 'a c');
    expect(s.precision).toBeCloseTo(0.5, 10);
    expect(s.recall).toBe(1);
    expect(s.f1).toBeCloseTo(2 / 3, 10);
    expect(rougeL('', 'a').f1).toBe(0);
    expect(lcsLength(['a', 'b', 'c', 'b', 'd', 'a', 'b'], ['b', 'd', 'c', 'a', 'b', 'a'])).toBe(4);
  });
});

describe('JSON and Cypher validity', () => {
  it('JSON valid and schema valid (ajv)', () => {
    expect(jsonValid(' {"a": 1} ')).toBe(1);
    expect(jsonValid('{"a": 1,}')).toBe(0);
    const c = new SchemaChecker();
    const schema = '{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}';
    expect(c.check('{"name":"x"}', schema)).toEqual({ valid: true });
    expect(c.check('{"name":3}', schema)).toMatchObject({ valid: false, reason: 'schema_mismatch' });
    expect(c.check('{}', JSON.parse(schema) as object)).toMatchObject({ valid: false, reason: 'schema_mismatch' });
    expect(c.check('nope', schema)).toMatchObject({ valid: false, reason: 'not_json' });
    expect(c.check('{}', '{"type": 12}')).toMatchObject({ valid: false, reason: 'bad_schema' });
  });

  it('Cypher through Neo4j\'s parser: valid, syntax error, undefined variable', async () => {
    expect(await cypherParse("MATCH (a:Person {name: 'Alice'})-[:KNOWS]->(f) RETURN f")).toEqual({ valid: true });
    expect(await cypherParse('MATCH (n:Person RETURN n')).toMatchObject({ valid: false, reason: 'cypher_syntax' });
    expect(await cypherParse('MATCH (n) RETURN m')).toMatchObject({ valid: false, reason: 'cypher_syntax' });
    expect(await cypherParse('')).toMatchObject({ valid: false });
  });
});

describe('classification', () => {
  it('accuracy, macro-F1 and the confusion matrix against hand-computed values', () => {
    const pairs = [
      { reference: 'A', prediction: 'A' },
      { reference: 'A', prediction: 'A' },
      { reference: 'A', prediction: 'B' },
      { reference: 'B', prediction: 'B' },
      { reference: 'B', prediction: OTHER_LABEL },
      { reference: 'C', prediction: 'C' },
    ];
    const r = classificationReport(pairs, ['A', 'B', 'C']);
    expect(r.accuracy).toBeCloseTo(4 / 6, 10);
    // A: P 1, R 2/3, F1 0.8. B: P 1/2, R 1/2, F1 0.5. C: 1. macro = 2.3 / 3.
    expect(r.perClass.A!.f1).toBeCloseTo(0.8, 10);
    expect(r.perClass.B!.f1).toBeCloseTo(0.5, 10);
    expect(r.macroF1).toBeCloseTo(2.3 / 3, 10);
    expect(r.columns).toEqual(['A', 'B', 'C', OTHER_LABEL]);
    expect(r.matrix).toEqual([
      [2, 1, 0, 0],
      [0, 1, 0, 1],
      [0, 0, 1, 0],
    ]);
  });

  it('maps free text to a label by whole word, first occurrence', () => {
    const labels = ['TLP:CLEAR', 'TLP:GREEN', 'TLP:AMBER', 'TLP:AMBER+STRICT', 'TLP:RED'];
    expect(matchLabel(' tlp:red ', labels)).toBe('TLP:RED');
    expect(matchLabel('This is TLP:AMBER, because partners only', labels)).toBe('TLP:AMBER');
    expect(matchLabel('TLP:AMBER+STRICT applies', labels)).toBe('TLP:AMBER+STRICT');
    expect(matchLabel('TLP:REDACTED', labels)).toBe(OTHER_LABEL);
  });
});

describe('log-likelihood metrics', () => {
  it('acc uses the raw log-likelihood, acc_norm divides by the choice length in characters', () => {
    const choices = [
      { text: 'no', loglik: -2 }, // -1.0 per char
      { text: 'absolutely yes', loglik: -3 }, // -0.214 per char
    ];
    expect(multipleChoiceAcc(choices, 1)).toEqual({ acc: 0, accNorm: 1, pred: 0, predNorm: 1 });
    expect(multipleChoiceAcc(choices, 0)).toMatchObject({ acc: 1, accNorm: 0 });
  });

  it('TruthfulQA mc2 is the probability mass on the true answers', () => {
    const p = [Math.exp(-1), Math.exp(-2), Math.exp(-1.5)];
    expect(truthfulqaMc2([-1, -2, -1.5], [1, 1, 0])).toBeCloseTo((p[0]! + p[1]!) / (p[0]! + p[1]! + p[2]!), 12);
    // Very long answers: no underflow to NaN.
    expect(truthfulqaMc2([-2000, -2001], [1, 0])).toBeCloseTo(1 / (1 + Math.exp(-1)), 12);
  });

  it('perplexity and bits per byte are token- and byte-weighted over the corpus', () => {
    const r = corpusPerplexity([
      { loglik: -10, tokens: 5, bytes: 20 },
      { loglik: -2, tokens: 1, bytes: 4 },
    ]);
    expect(r.perplexity).toBeCloseTo(Math.exp(2), 12);
    expect(r.bitsPerByte).toBeCloseTo(12 / (24 * Math.LN2), 12);
  });

  it('pass@k (Chen et al. 2021) against hand-computed values', () => {
    expect(passAtK(10, 3, 1)).toBeCloseTo(0.3, 12);
    expect(passAtK(10, 3, 2)).toBeCloseTo(1 - 21 / 45, 12);
    expect(passAtK(5, 0, 1)).toBe(0);
    expect(passAtK(5, 5, 3)).toBe(1);
  });
});
