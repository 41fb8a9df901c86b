/**
 * Seed 003's instruction format, the one way Forgeline turns a record into prompt text. Training
 * (activities/train/render.ts) and evaluation (activities/eval/tasks/examples.ts) both build prompts
 * here, and the tiny model's chat template spells the same sections: a model must be asked exactly
 * the way it was taught, so this is the single source of that text.
 */
export const SECTION = {
  instruction: '### Instruction:\n',
  input: '### Input:\n',
  response: '### Response:\n',
} as const;

/** `### Instruction:` block, an optional `### Input:` block, then the `### Response:` header. */
export function instructionPrompt(instruction: string, input: string | undefined): string {
  return `${SECTION.instruction}${instruction}\n\n${input ? `${SECTION.input}${input}\n\n` : ''}${SECTION.response}`;
}

/**
 * Chat turns before the answer: system text as is, user turns as instructions, assistant turns as
 * responses; ends with the `### Response:` header the answer follows.
 */
export function chatPrompt(turns: readonly { role: string; content: string }[]): string {
  let prompt = '';
  for (const m of turns) {
    if (m.role === 'system') prompt += `${m.content}\n\n`;
    else if (m.role === 'assistant') prompt += `${SECTION.response}${m.content}\n\n`;
    else prompt += `${SECTION.instruction}${m.content}\n\n`;
  }
  return `${prompt}${SECTION.response}`;
}

/**
 * An instruction record as the one user turn of a chat, for models asked through their own chat
 * template (chat-template.ts): the instruction, then its input after a blank line.
 */
export function userTurn(instruction: string, input: string | undefined): { role: 'user'; content: string } {
  return { role: 'user', content: input ? `${instruction}\n\n${input}` : instruction };
}

/** Seed 001's task-family input object as text: every field but the instruction, one `key: value` line each. */
export function taskInputText(input: Record<string, unknown>): string {
  return Object.entries(input)
    .filter(([k]) => k !== 'instruction')
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('\n');
}

/** A record's answer as text: strings as they are, anything else (seed 001's JSON outputs) as JSON. */
export function outputText(output: unknown): string | undefined {
  if (typeof output === 'string') return output;
  if (output === undefined || output === null) return undefined;
  return JSON.stringify(output);
}

/** The parts of an instruction-style record, from either seed 003's form or seed 001's task families. */
export interface InstructionParts {
  instruction: string;
  /** Input as text ('' when there is none). */
  input: string;
  /** The answer as text; undefined when the record has none. */
  output: string | undefined;
}

/**
 * `{instruction, input?, output}` (also `response` for `output`) or seed 001's `{task, input:
 * {instruction, ...}, output}`; undefined for records of another form (chat, completion).
 */
export function instructionParts(record: Record<string, unknown>): InstructionParts | undefined {
  const input = record.input;
  const inputObject = input && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>) : undefined;
  const instruction = typeof record.instruction === 'string' ? record.instruction : typeof inputObject?.instruction === 'string' ? inputObject.instruction : undefined;
  if (instruction === undefined) return undefined;
  const inputText = input === undefined || input === null ? '' : typeof input === 'string' ? input : inputObject ? taskInputText(inputObject) : JSON.stringify(input);
  return { instruction, input: inputText, output: outputText(record.output ?? record.response) };
}
