import { describe, expect, it } from '@jest/globals';
import { evaluateOptions } from '../../activities/eval/options.js';
import { toExample } from '../../activities/eval/tasks/examples.js';
import { renderRecord } from '../../activities/train/render.js';

/** One record of each form that both training and evaluation accept. */
const RECORDS: Record<string, Record<string, unknown>> = {
  instruction: { instruction: 'Classify the TLP level.', input: 'Share with partners only.', output: 'AMBER' },
  'instruction without input': { instruction: 'Name a colour.', output: 'blue' },
  'instruction with an object input': { instruction: 'Fix it.', input: { json: '{a:1}' }, output: { a: 1 } },
  'task family': { task: 'schema_generate', input: { instruction: 'Write a schema.', fields: ['a', 'b'], strict: true }, output: { type: 'object' } },
  chat: {
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello.' },
      { role: 'user', content: 'Count to 3' },
      { role: 'assistant', content: '1 2 3' },
    ],
  },
};

describe('a model is evaluated with the prompt it was trained on', () => {
  for (const [form, record] of Object.entries(RECORDS)) {
    it(`${form}: the same prompt, and the training response is the evaluation reference`, () => {
      const trained = renderRecord(record);
      const evaluated = toExample(record);
      if (!trained.ok || !evaluated.ok) throw new Error(`${form}: not accepted by both`);
      expect(evaluated.example.prompt).toBe(trained.example.prompt);
      expect(evaluated.example.reference).toBe(trained.example.response);
      expect(trained.example.prompt.endsWith('### Response:\n')).toBe(true);
    });
  }

  it('writes the task-family input as key: value lines and a JSON output as JSON', () => {
    const r = renderRecord(RECORDS['task family']!);
    if (!r.ok) throw new Error('rejected');
    expect(r.example.prompt).toBe('### Instruction:\nWrite a schema.\n\n### Input:\nfields: ["a","b"]\nstrict: true\n\n### Response:\n');
    expect(r.example.response).toBe('{"type":"object"}');
  });

  // Issue 19, defect 4: seed 000's pro tip trains on the `reasoning` field, which was dropped.
  it("trains on seed 000's reasoning after the label, and evaluation's stop sequence still ends the answer at the label", () => {
    const record = { instruction: 'Classify TLP', input: 'Customer email addresses', output: 'TLP:AMBER', reasoning: 'PII requiring limited distribution' };
    const plain = renderRecord(record);
    const withReasoning = renderRecord(record, undefined, 'reasoning');
    const evaluated = toExample(record);
    if (!plain.ok || !withReasoning.ok || !evaluated.ok) throw new Error('rejected');
    expect(plain.example.response).toBe('TLP:AMBER');
    expect(withReasoning.example).toMatchObject({ prompt: plain.example.prompt, response: 'TLP:AMBER\n\nPII requiring limited distribution', reasoning: true });
    // A model that learned the response generates it; evaluation cuts the generation at its first stop sequence.
    const { stop } = evaluateOptions.parse({ test: {} }).test!;
    const cut = Math.min(...stop.map((s) => withReasoning.example.response.indexOf(s)).filter((i) => i >= 0));
    expect(withReasoning.example.response.slice(0, cut)).toBe(evaluated.example.reference);
    // A record without the field trains as before.
    const bare = renderRecord({ instruction: 'Classify TLP', input: 'x', output: 'TLP:RED' }, undefined, 'reasoning');
    expect(bare.ok && bare.example).toMatchObject({ response: 'TLP:RED' });
    expect(bare.ok && bare.example.reasoning).toBeUndefined();
  });
});
