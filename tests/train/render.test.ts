import { describe, expect, it } from '@jest/globals';
import { renderRecord } from '../../activities/train/render.js';

describe('training record rendering', () => {
  it('renders instruction records in seed 003 format, with and without input', () => {
    const r = renderRecord({ instruction: 'Classify', input: 'public docs', output: 'TLP:CLEAR' });
    expect(r).toEqual({ ok: true, example: { format: 'instruction', prompt: '### Instruction:\nClassify\n\n### Input:\npublic docs\n\n### Response:\n', response: 'TLP:CLEAR' } });
    const r2 = renderRecord({ instruction: 'Say hi', response: 'hi' });
    expect(r2.ok && r2.example.prompt).toBe('### Instruction:\nSay hi\n\n### Response:\n');
  });

  it('renders chat records up to the last assistant turn, which is the response', () => {
    const r = renderRecord({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Classify: customer database' },
        { role: 'assistant', content: 'TLP:RED' },
        { role: 'user', content: 'And public docs?' },
        { role: 'assistant', content: 'TLP:CLEAR' },
      ],
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.example.response).toBe('TLP:CLEAR');
    expect(r.example.prompt).toBe('Be brief.\n\n### Instruction:\nClassify: customer database\n\n### Response:\nTLP:RED\n\n### Instruction:\nAnd public docs?\n\n### Response:\n');
  });

  it('renders completion records as text only', () => {
    expect(renderRecord({ text: 'plain text' })).toEqual({ ok: true, example: { format: 'completion', prompt: '', response: 'plain text' } });
  });

  it('rejects what it cannot train on with stable reason codes', () => {
    expect(renderRecord({ question: 'x' })).toMatchObject({ ok: false, reason: 'train_unknown_format' });
    expect(renderRecord({ instruction: 'x', output: '  ' })).toMatchObject({ ok: false, reason: 'train_empty_response' });
    expect(renderRecord({ messages: [{ role: 'user', content: 'only a question' }] })).toMatchObject({ ok: false, reason: 'train_empty_response' });
    expect(renderRecord({ messages: [{ role: 'robot', content: 'x' }] })).toMatchObject({ ok: false, reason: 'train_bad_message', detail: expect.stringContaining('messages[0]') });
    expect(renderRecord({ text: '' })).toMatchObject({ ok: false, reason: 'train_empty_response' });
  });
});
