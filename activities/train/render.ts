import { chatPrompt, instructionParts, instructionPrompt } from '../prompts/instruction-format.js';

/**
 * Turns training records into text. Three record shapes are accepted (seed 003's dataset formats):
 *   instruction: `{instruction, input?, output}` (also `response` for `output`), and seed 001's
 *                task families `{task, input: {instruction, ...}, output}`
 *   chat:        `{messages: [{role: system|user|assistant, content}]}`
 *   completion:  `{text}`
 * Each renders to a `prompt` and a `response`; backends that can mask the prompt from the loss do so
 * (`hf`), the others train on both (`llamacpp`: llama.cpp's training API has no label mask).
 * The text itself comes from activities/prompts/instruction-format.ts, which evaluation shares.
 */

export interface RenderedExample {
  prompt: string;
  response: string;
  format: 'instruction' | 'chat' | 'completion';
}

export type RenderResult = { ok: true; example: RenderedExample } | { ok: false; reason: RenderRejectReason; detail: string };

/** Stable reason codes for records the trainer cannot use. */
export type RenderRejectReason = 'train_unknown_format' | 'train_empty_response' | 'train_bad_message';

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function renderRecord(record: Record<string, unknown>): RenderResult {
  const parts = instructionParts(record);
  if (parts) {
    if (!parts.output || parts.output.trim() === '') return { ok: false, reason: 'train_empty_response', detail: 'output is empty or missing' };
    return { ok: true, example: { prompt: instructionPrompt(parts.instruction, parts.input), response: parts.output, format: 'instruction' } };
  }
  if (Array.isArray(record.messages)) {
    const messages = record.messages as unknown[];
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
    const turns = messages as { role: string; content: string }[];
    const response = turns[lastAssistant]!.content;
    if (response.trim() === '') return { ok: false, reason: 'train_empty_response', detail: 'the last assistant message is empty' };
    return { ok: true, example: { prompt: chatPrompt(turns.slice(0, lastAssistant)), response, format: 'chat' } };
  }
  const text = str(record.text);
  if (text !== undefined) {
    if (text.trim() === '') return { ok: false, reason: 'train_empty_response', detail: 'text is empty' };
    return { ok: true, example: { prompt: '', response: text, format: 'completion' } };
  }
  return { ok: false, reason: 'train_unknown_format', detail: 'expected instruction+output, messages, or text' };
}
