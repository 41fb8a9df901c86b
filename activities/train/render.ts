/**
 * Turns training records into text. Three record shapes are accepted (seed 003's dataset formats):
 *   instruction: `{instruction, input?, output}` (also `response` for `output`)
 *   chat:        `{messages: [{role: system|user|assistant, content}]}`
 *   completion:  `{text}`
 * Each renders to a `prompt` and a `response`; backends that can mask the prompt from the loss do so
 * (`hf`), the others train on both (`llamacpp`: llama.cpp's training API has no label mask).
 * The template is seed 003's instruction format, the same one the tiny model's chat template uses.
 */
export interface RenderedExample {
  prompt: string;
  response: string;
  format: 'instruction' | 'chat' | 'completion';
}

export type RenderResult = { ok: true; example: RenderedExample } | { ok: false; reason: RenderRejectReason; detail: string };

/** Stable reason codes for records the trainer cannot use. */
export type RenderRejectReason = 'train_unknown_format' | 'train_empty_response' | 'train_bad_message';

const SECTION = {
  instruction: '### Instruction:\n',
  input: '### Input:\n',
  response: '### Response:\n',
} as const;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Seed 001's task-family form `{task, input: {instruction, ...}, output}`: the instruction comes from
 * `input.instruction`, the other input fields become `key: value` lines, a non-string output is
 * JSON. The evaluation step builds its prompts the same way (activities/eval/tasks/examples.ts).
 */
function taskForm(record: Record<string, unknown>): { instruction: string; input: string; output: string | undefined } | undefined {
  const input = record.input;
  if (typeof record.instruction === 'string' || !input || typeof input !== 'object' || Array.isArray(input)) return undefined;
  const fields = input as Record<string, unknown>;
  if (typeof fields.instruction !== 'string') return undefined;
  const lines = Object.entries(fields)
    .filter(([k]) => k !== 'instruction')
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('\n');
  const out = record.output;
  return { instruction: fields.instruction, input: lines, output: typeof out === 'string' ? out : out === undefined || out === null ? undefined : JSON.stringify(out) };
}

export function renderRecord(record: Record<string, unknown>): RenderResult {
  const task = taskForm(record);
  const instruction = str(record.instruction) ?? task?.instruction;
  if (instruction !== undefined) {
    const output = str(record.output) ?? str(record.response) ?? task?.output;
    if (!output || output.trim() === '') return { ok: false, reason: 'train_empty_response', detail: 'output is empty or missing' };
    const input = task ? task.input : str(record.input);
    const prompt = `${SECTION.instruction}${instruction}\n\n${input ? `${SECTION.input}${input}\n\n` : ''}${SECTION.response}`;
    return { ok: true, example: { prompt, response: output, format: 'instruction' } };
  }
  if (Array.isArray(record.messages)) {
    const messages = record.messages as unknown[];
    let prompt = '';
    let response = '';
    // Everything up to the last assistant turn is prompt; the last assistant turn is the response.
    let lastAssistant = -1;
    for (const [i, m] of messages.entries()) {
      const role = m && typeof m === 'object' ? str((m as Record<string, unknown>).role) : undefined;
      const content = m && typeof m === 'object' ? str((m as Record<string, unknown>).content) : undefined;
      if (!role || content === undefined || !['system', 'user', 'assistant'].includes(role)) {
        return { ok: false, reason: 'train_bad_message', detail: `messages[${i}] needs role system|user|assistant and string content` };
      }
      if (role === 'assistant') lastAssistant = i;
    }
    if (lastAssistant < 0) return { ok: false, reason: 'train_empty_response', detail: 'no assistant message' };
    for (const [i, m] of (messages as { role: string; content: string }[]).entries()) {
      if (i > lastAssistant) break;
      if (i === lastAssistant) response = m.content;
      else if (m.role === 'system') prompt += `${m.content}\n\n`;
      else if (m.role === 'user') prompt += `${SECTION.instruction}${m.content}\n\n`;
      else prompt += `${SECTION.response}${m.content}\n\n`;
    }
    if (response.trim() === '') return { ok: false, reason: 'train_empty_response', detail: 'the last assistant message is empty' };
    return { ok: true, example: { prompt: `${prompt}${SECTION.response}`, response, format: 'chat' } };
  }
  const text = str(record.text);
  if (text !== undefined) {
    if (text.trim() === '') return { ok: false, reason: 'train_empty_response', detail: 'text is empty' };
    return { ok: true, example: { prompt: '', response: text, format: 'completion' } };
  }
  return { ok: false, reason: 'train_unknown_format', detail: 'expected instruction+output, messages, or text' };
}
