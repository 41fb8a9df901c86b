import { describe, expect, it } from '@jest/globals';
import { renderRecord } from '../../activities/train/render.js';
import { compileChatTemplate } from '../../activities/prompts/chat-template.js';

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

describe('preference pairs (seed 001 json_repair DPO records)', () => {
  it('render to the prompt, the chosen answer as response and the rejected answer beside it', () => {
    const r = renderRecord({ task: 'json_repair', input: { instruction: 'Fix this JSON.', broken_json: '{"a":1,}' }, chosen: '{"a":1}', rejected: '{"a":1,}' });
    expect(r).toEqual({
      ok: true,
      example: { prompt: '### Instruction:\nFix this JSON.\n\n### Input:\nbroken_json: {"a":1,}\n\n### Response:\n', response: '{"a":1}', rejected: '{"a":1,}', format: 'preference' },
    });
    expect(renderRecord({ prompt: 'Say yes', chosen: 'yes', rejected: 'no' })).toMatchObject({ ok: true, example: { response: 'yes', rejected: 'no', format: 'preference' } });
  });

  it('are rejected with a reason when a side is empty or there is no prompt', () => {
    expect(renderRecord({ prompt: 'Say yes', chosen: 'yes', rejected: '' })).toMatchObject({ ok: false, reason: 'train_empty_response' });
    expect(renderRecord({ chosen: 'yes', rejected: 'no' })).toMatchObject({ ok: false, reason: 'train_unknown_format' });
  });

  it('render in a chat template when one is given', () => {
    const chat = compileChatTemplate("{% for m in messages %}<{{ m['role'] }}>{{ m['content'] }}{% endfor %}{% if add_generation_prompt %}<assistant>{% endif %}", '<s>', '</s>');
    expect(renderRecord({ prompt: 'Say yes', chosen: 'yes', rejected: 'no' }, chat)).toMatchObject({ ok: true, example: { prompt: '<user>Say yes<assistant>' } });
  });
});
