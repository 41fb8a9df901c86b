import type { ChatTemplate } from '../prompts/chat-template.js';
import { chatPrompt, instructionParts, instructionPrompt, userTurn } from '../prompts/instruction-format.js';

/**
 * Turns training records into text. Three record shapes are accepted (seed 003's dataset formats):
 *   instruction: `{instruction, input?, output}` (also `response` for `output`), and seed 001's
 *                task families `{task, input: {instruction, ...}, output}`
 *   chat:        `{messages: [{role: system|user|assistant, content}]}`
 *   completion:  `{text}`
 * Each renders to a `prompt` and a `response`; backends that can mask the prompt from the loss do so
 * (`hf`), the others train on both (`llamacpp`: llama.cpp's training API has no label mask).
 * The text itself comes from activities/prompts/instruction-format.ts, which evaluation shares, or,
 * given the base model's chat template, from that template (the format a real instruct model knows).
 */

export interface RenderedExample {
  prompt: string;
  response: string;
  /** Preference pairs (seed 001's json_repair DPO records): the answer to train away from. */
  rejected?: string;
  format: 'instruction' | 'chat' | 'completion' | 'preference';
  /** Set when the response carries the record's reasoning after its answer. */
  reasoning?: boolean;
}

export type RenderResult = { ok: true; example: RenderedExample } | { ok: false; reason: RenderRejectReason; detail: string };

/** Stable reason codes for records the trainer cannot use. */
export type RenderRejectReason = 'train_unknown_format' | 'train_empty_response' | 'train_bad_message';

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * `reasoningField`: an instruction record's field (seed 000's `reasoning`) whose text follows the
 * output after a blank line. The answer comes first, so evaluation, which stops generating at a
 * blank line, reads the same label a record without reasoning would give.
 */
export function renderRecord(record: Record<string, unknown>, chat?: ChatTemplate, reasoningField?: string): RenderResult {
  if ('chosen' in record || 'rejected' in record) return renderPreference(record, chat);
  const parts = instructionParts(record);
  if (parts) {
    if (!parts.output || parts.output.trim() === '') return { ok: false, reason: 'train_empty_response', detail: 'output is empty or missing' };
    const prompt = chat ? chat.prompt([userTurn(parts.instruction, parts.input)]) : instructionPrompt(parts.instruction, parts.input);
    const reasoning = reasoningField ? str(record[reasoningField])?.trim() : undefined;
    const response = reasoning ? `${parts.output}\n\n${reasoning}` : parts.output;
    return { ok: true, example: { prompt, response, format: 'instruction', ...(reasoning ? { reasoning: true } : {}) } };
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
    const before = turns.slice(0, lastAssistant);
    return { ok: true, example: { prompt: chat ? chat.prompt(before) : chatPrompt(before), response, format: 'chat' } };
  }
  const text = str(record.text);
  if (text !== undefined) {
    if (text.trim() === '') return { ok: false, reason: 'train_empty_response', detail: 'text is empty' };
    return { ok: true, example: { prompt: '', response: text, format: 'completion' } };
  }
  return { ok: false, reason: 'train_unknown_format', detail: 'expected instruction+output, messages, or text' };
}

/**
 * `{prompt | instruction | task input, chosen, rejected}`: a DPO pair. The prompt renders as an
 * instruction record's would; `chosen` is the response and `rejected` rides along.
 */
function renderPreference(record: Record<string, unknown>, chat?: ChatTemplate): RenderResult {
  const chosen = str(record.chosen);
  const rejected = str(record.rejected);
  if (!chosen?.trim() || !rejected?.trim()) return { ok: false, reason: 'train_empty_response', detail: 'a preference pair needs non-empty string chosen and rejected' };
  const parts = instructionParts(record);
  const instruction = parts?.instruction ?? str(record.prompt);
  if (instruction === undefined) return { ok: false, reason: 'train_unknown_format', detail: 'a preference pair needs a prompt or an instruction' };
  const input = parts?.input ?? '';
  const prompt = chat ? chat.prompt([userTurn(instruction, input)]) : instructionPrompt(instruction, input);
  return { ok: true, example: { prompt, response: chosen, rejected, format: 'preference' } };
}
