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

/**
 * Seed 003's instruction format exactly as the training step renders it (activities/train/render.ts
 * and the tiny model's chat template), so that a model is asked the way it was taught.
 * `{instruction}`, `{input}` and any other top-level string field can be used in a custom template.
 */
export const DEFAULT_TEMPLATE = '### Instruction:\n{instruction}\n\n### Input:\n{input}\n\n### Response:\n';
export const DEFAULT_TEMPLATE_NO_INPUT = '### Instruction:\n{instruction}\n\n### Response:\n';

/** What separates a prompt from its answer: nothing after a newline-ended prompt, else a space (lm-eval's target delimiter). */
export function delimiter(prompt: string): string {
  return prompt === '' || /\s$/.test(prompt) ? '' : ' ';
}

export type ExampleResult = { ok: true; example: Example } | { ok: false; reason: 'no_reference' | 'unknown_form'; detail: string };

function render(template: string, fields: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => fields[k] ?? m);
}

function inputText(input: unknown): string {
  if (input === undefined || input === null) return '';
  if (typeof input === 'string') return input;
  if (typeof input === 'object') {
    // Task-family inputs: every field but the instruction, one `key: value` line each.
    return Object.entries(input as Record<string, unknown>)
      .filter(([k]) => k !== 'instruction')
      .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join('\n');
  }
  return JSON.stringify(input);
}

function outputText(output: unknown): string | undefined {
  if (typeof output === 'string') return output;
  if (output === undefined || output === null) return undefined;
  return JSON.stringify(output);
}

export function toExample(record: Record<string, unknown>, template?: string): ExampleResult {
  const id = typeof record.id === 'string' ? { id: record.id } : {};
  if (Array.isArray(record.messages)) {
    const msgs = record.messages as { role?: unknown; content?: unknown }[];
    const last = msgs.length - 1;
    const lastMsg = msgs[last];
    if (last < 1 || lastMsg?.role !== 'assistant' || typeof lastMsg.content !== 'string') {
      return { ok: false, reason: 'no_reference', detail: 'chat record does not end with an assistant message' };
    }
    // The training renderer's chat form: system text, user turns as instructions, assistant turns as responses.
    let prompt = '';
    for (const m of msgs.slice(0, last)) {
      const content = typeof m.content === 'string' ? m.content : JSON.stringify(m.content);
      if (m.role === 'system') prompt += `${content}\n\n`;
      else if (m.role === 'assistant') prompt += `### Response:\n${content}\n\n`;
      else prompt += `### Instruction:\n${content}\n\n`;
    }
    return { ok: true, example: { ...id, prompt: `${prompt}### Response:\n`, reference: lastMsg.content } };
  }
  if (typeof record.text === 'string' && record.output === undefined) {
    return { ok: true, example: { ...id, prompt: '', reference: '', text: record.text } };
  }
  const input = record.input;
  const instruction =
    typeof record.instruction === 'string'
      ? record.instruction
      : input && typeof input === 'object' && typeof (input as Record<string, unknown>).instruction === 'string'
        ? ((input as Record<string, unknown>).instruction as string)
        : undefined;
  const reference = outputText(record.output ?? record.response);
  if (instruction === undefined) return { ok: false, reason: 'unknown_form', detail: 'record has no instruction, messages or text' };
  if (reference === undefined) return { ok: false, reason: 'no_reference', detail: 'record has no output' };
  const inText = inputText(input);
  const fields: Record<string, string> = { instruction, input: inText };
  for (const [k, v] of Object.entries(record)) if (typeof v === 'string' && !(k in fields)) fields[k] = v;
  const tpl = template ?? (inText ? DEFAULT_TEMPLATE : DEFAULT_TEMPLATE_NO_INPUT);
  const schema = input && typeof input === 'object' ? (input as Record<string, unknown>).schema : undefined;
  return { ok: true, example: { ...id, prompt: render(tpl, fields), reference, ...(schema !== undefined ? { schema } : {}) } };
}
