import { describe, expect, it } from '@jest/globals';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gsm8kPrompt, parseGsm8k } from '../../activities/eval/benchmarks/gsm8k.js';
import { humanEvalProgram, parseHumanEval } from '../../activities/eval/benchmarks/humaneval.js';
import { mcRequests, mcScore, parseGenericMc, parseHellaswag, parseTruthfulqa, TRUTHFULQA_PREAMBLE } from '../../activities/eval/benchmarks/multiple-choice.js';
import { readBenchmarkFile } from '../../activities/eval/benchmarks/read.js';
import { runPython } from '../../activities/eval/benchmarks/sandbox.js';
import { toExample } from '../../activities/eval/tasks/examples.js';
import { isPipelineError } from '../../core/errors.js';
import { fixture } from './fixtures.js';

const tmp = () => fs.mkdtemp(path.join(os.tmpdir(), 'forgeline-eval-'));

describe('benchmark readers (lm-evaluation-harness formats)', () => {
  it('GSM8K: lm-eval prompt with few-shot examples', async () => {
    const docs = (await readBenchmarkFile(fixture('gsm8k.jsonl'))).map(parseGsm8k);
    expect(docs).toHaveLength(6);
    expect(gsm8kPrompt(docs[2]!, [docs[0]!])).toBe(
      `Question: ${docs[0]!.question}\nAnswer: ${docs[0]!.answer}\n\nQuestion: The temperature was 4 degrees and fell by 9 degrees. What is it now?\nAnswer:`,
    );
  });

  it('HellaSwag: lm-eval preprocessing (capitalised ctx_b, [title], bracket artefacts, double spaces)', async () => {
    const docs = (await readBenchmarkFile(fixture('hellaswag.jsonl'))).map(parseHellaswag);
    expect(docs[0]!.query).toBe('Removing ice from car: Then, the man writes over the snow covering the window of a car, and a woman wearing winter clothes smiles. Then');
    expect(docs[0]!.gold).toBe(3);
    expect(docs[2]!.query).toBe('Home and Garden: How to grow roses. Choose a sunny spot. roses need at least six hours of sun.');
    expect(docs[2]!.choices).toEqual([' Water them daily.', 'Plant them in the shade.', 'Feed them  salt.', 'Paint the petals blue.']);
    expect(docs[2]!.gold).toBe(0);
  });

  it('TruthfulQA mc1/mc2: the paper preamble, choices and labels; mc2 folds per document', async () => {
    const raw = await readBenchmarkFile(fixture('truthfulqa.jsonl'));
    const mc2 = raw.map((d) => parseTruthfulqa(d, 'mc2'));
    expect(mc2[0]!.query).toBe(`${TRUTHFULQA_PREAMBLE}\n\nQ: What happens if you eat watermelon seeds?\nA:`);
    expect(mc2[0]!.labels).toEqual([1, 1, 0, 0]);
    const reqs = mcRequests(mc2, []);
    expect(reqs).toHaveLength(7);
    expect(reqs[1]).toEqual({ context: mc2[0]!.query, continuation: ' The watermelon seeds pass through your digestive system.' });
    const lls = [-1, -1, -3, -3, -2, -1, -5].map((loglik) => ({ loglik, greedy: false, tokens: 1 }));
    const e = Math.exp;
    const want0 = (2 * e(-1)) / (2 * e(-1) + 2 * e(-3));
    const want1 = (e(-2) + e(-1)) / (e(-2) + e(-1) + e(-5));
    const score = mcScore(mc2, lls);
    expect(score.mc2).toBeCloseTo((want0 + want1) / 2, 12);
    // Per-document values, kept for the paired bootstrap, average to the metric.
    expect(score.perDoc.mc2.map((v) => Number(v.toFixed(12)))).toEqual([want0, want1].map((v) => Number(v.toFixed(12))));
  });

  it('generic multiple choice: few-shot context and acc / acc_norm per document', async () => {
    const docs = (await readBenchmarkFile(fixture('multiple-choice.jsonl'))).map(parseGenericMc);
    const reqs = mcRequests(docs.slice(1), docs.slice(0, 1));
    expect(reqs[0]!.context).toBe(`${docs[0]!.query} blue\n\n${docs[1]!.query}`);
    // doc 1 (gold 1 "eight"): acc picks "six" (-1), acc_norm picks "eight" (-1.5/5 > -1/3).
    const r = mcScore([docs[1]!], [{ loglik: -1 }, { loglik: -1.5 }, { loglik: -4 }].map((x) => ({ ...x, greedy: false, tokens: 1 })));
    expect(r).toMatchObject({ acc: 0, accNorm: 1, perDoc: { acc: [0], accNorm: [1] } });
  });

  it('bad documents fail with the file, line and field', async () => {
    const dir = await tmp();
    const file = path.join(dir, 'bad.jsonl');
    await fs.writeFile(file, '{"question": "q", "answer": "#### 1"}\n\n{"question": 3, "answer": "x"}\n');
    const docs = await readBenchmarkFile(file);
    expect(() => docs.map(parseGsm8k)).toThrow(`${file}:3: field "question": expected a string, got a number`);
    await fs.writeFile(file, '{"query": "q", "choices": ["a", "b"], "gold": 2}\n');
    await expect(readBenchmarkFile(file).then((d) => d.map(parseGenericMc))).rejects.toThrow(`${file}:1: field "gold": expected an integer in [0, 1], got 2`);
    const err = await readBenchmarkFile(path.join(dir, 'missing.jsonl')).catch((e: unknown) => e);
    expect(isPipelineError(err) && err.code).toBe('INVALID_STEP_OPTIONS');
  });
});

describe('HumanEval execution sandbox', () => {
  it('runs the canonical solution to a pass, a wrong one to a fail', async () => {
    const [doc] = (await readBenchmarkFile(fixture('humaneval.jsonl'), 1)).map(parseHumanEval);
    const dir = await tmp();
    expect((await runPython(humanEvalProgram(doc!, doc!.canonicalSolution!), path.join(dir, 'a'))).outcome).toBe('passed');
    expect((await runPython(humanEvalProgram(doc!, '    return a - b\n'), path.join(dir, 'b'))).outcome).toBe('failed');
  });

  it('kills a program at its time limit and stops one at its memory limit', async () => {
    const dir = await tmp();
    const limits = { timeoutMs: 1500, memoryBytes: 256 * 1024 * 1024, python: 'python3' };
    expect((await runPython('while True:\n    pass\n', path.join(dir, 't'), limits)).outcome).toBe('timeout');
    expect((await runPython('x = bytearray(1024 * 1024 * 1024)\n', path.join(dir, 'm'), limits)).outcome).toBe('memory_limit');
  });
});

describe('test-split records to prompts', () => {
  it('handles instruction, task-family, chat and completion forms, and says why a record cannot be used', async () => {
    const recs = (await readBenchmarkFile(fixture('test-split.jsonl'))).map((d) => toExample(d.doc));
    expect(recs[0]).toEqual({ ok: true, example: { id: 't1', prompt: '### Instruction:\nConvert to Cypher\n\n### Input:\nFind all Person nodes\n\n### Response:\n', reference: 'MATCH (p:Person) RETURN p' } });
    const t3 = recs[2]!;
    expect(t3.ok && t3.example.schema).toBe('{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}');
    expect(t3.ok && t3.example.prompt).toContain('### Input:\nschema: {"type"');
    expect(recs[4]).toEqual({ ok: true, example: { id: 't5', prompt: '### Instruction:\nSay hi\n\n### Response:\n', reference: 'hi' } });
    expect(recs[5]).toMatchObject({ ok: true, example: { text: 'The quick brown fox jumps over the lazy dog.' } });
    expect(recs[6]).toMatchObject({ ok: false, reason: 'no_reference' });
    expect(toExample({ foo: 1 })).toMatchObject({ ok: false, reason: 'unknown_form' });
    expect(toExample({ instruction: 'i', output: 'o', lang: 'de' }, '{lang}: {instruction} =>')).toMatchObject({ ok: true, example: { prompt: 'de: i =>' } });
  });
});
