import type { ChatTemplate } from '../../prompts/chat-template.js';
import { chatPrompt, instructionParts, instructionPrompt, userTurn } from '../../prompts/instruction-format.js';

/**
 * Turns a test-split record into a prompt and a reference, for every record form of the curation
 * stages: instruction (`instruction`, `input`, `output`), seed 001's task families (`task`, an
 * `input` object, `output`), chat (`messages`, the last assistant turn is the reference) and
 * completion (`text`, scored only by perplexity).
 */
export interface Example {
  /** Record id when the record has one (curation gives every kept record a content-hash id). */
  id?: string;
  prompt: string;
  reference: string;
  /** Seed 001's schema_generate tasks carry their JSON Schema in `input.schema`. */
  schema?: unknown;
  /** Completion records: the whole text, for perplexity only. */
  text?: string;
}

/** What separates a prompt from its answer: nothing after a newline-ended prompt, else a space (lm-eval's target delimiter). */
export function delimiter(prompt: string): string {
  return prompt === '' || /\s$/.test(prompt) ? '' : ' ';
}

export type ExampleResult = { ok: true; example: Example } | { ok: false; reason: 'no_reference' | 'unknown_form'; detail: string };

function render(template: string, fields: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => fields[k] ?? m);
}

/**
 * A custom prompt template may use `{instruction}`, `{input}` and any other top-level string field;
 * without one, prompts are seed 003's instruction format exactly as training renders it
 * (activities/prompts/instruction-format.ts), so that a model is asked the way it was taught.
 */
export function toExample(record: Record<string, unknown>, template?: string, chat?: ChatTemplate): ExampleResult {
  const id = typeof record.id === 'string' ? { id: record.id } : {};
  if (Array.isArray(record.messages)) {
    const msgs = record.messages as { role?: unknown; content?: unknown }[];
    const last = msgs.length - 1;
    const lastMsg = msgs[last];
    if (last < 1 || lastMsg?.role !== 'assistant' || typeof lastMsg.content !== 'string') {
      return { ok: false, reason: 'no_reference', detail: 'chat record does not end with an assistant message' };
    }
    const turns = msgs.slice(0, last).map((m) => ({ role: String(m.role), content: typeof m.content === 'string' ? m.content : JSON.stringify(m.content) }));
    return { ok: true, example: { ...id, prompt: chat ? chat.prompt(turns) : chatPrompt(turns), reference: lastMsg.content } };
  }
  if (typeof record.text === 'string' && record.output === undefined) {
    return { ok: true, example: { ...id, prompt: '', reference: '', text: record.text } };
  }
  const parts = instructionParts(record);
  if (!parts) return { ok: false, reason: 'unknown_form', detail: 'record has no instruction, messages or text' };
  if (parts.output === undefined) return { ok: false, reason: 'no_reference', detail: 'record has no output' };
  let prompt = chat ? chat.prompt([userTurn(parts.instruction, parts.input)]) : instructionPrompt(parts.instruction, parts.input);
  if (template !== undefined) {
    const fields: Record<string, string> = { instruction: parts.instruction, input: parts.input };
    for (const [k, v] of Object.entries(record)) if (typeof v === 'string' && !(k in fields)) fields[k] = v;
    prompt = render(template, fields);
  }
  const input = record.input;
  const schema = input && typeof input === 'object' ? (input as Record<string, unknown>).schema : undefined;
  return { ok: true, example: { ...id, prompt, reference: parts.output, ...(schema !== undefined ? { schema } : {}) } };
}
