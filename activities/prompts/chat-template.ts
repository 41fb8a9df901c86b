import { Template } from '@huggingface/jinja';
import { PipelineError } from '../../core/errors.js';
import { plainValue, readGguf } from '../../native/gguf-writer.js';

export interface ChatTurn {
  role: string;
  content: string;
}

/**
 * A model's own chat template (GGUF `tokenizer.chat_template`, Jinja), rendered with
 * @huggingface/jinja, the renderer transformers.js and node-llama-cpp use, with the variables that
 * transformers' `apply_chat_template` passes (`messages`, `add_generation_prompt`, `bos_token`,
 * `eos_token`). Training and evaluation both render prompts through it, so a real model is taught
 * and asked in the format it was instruction-tuned on (SmolLM2: ChatML).
 */
export interface ChatTemplate {
  source: string;
  eosToken: string;
  /** The turns, then the header of the assistant's answer (`add_generation_prompt`). */
  prompt(turns: readonly ChatTurn[]): string;
}

export function compileChatTemplate(source: string, bosToken: string, eosToken: string): ChatTemplate {
  const template = new Template(source);
  return {
    source,
    eosToken,
    prompt: (turns) => template.render({ messages: turns, add_generation_prompt: true, bos_token: bosToken, eos_token: eosToken }),
  };
}

/** The GGUF's chat template, or undefined when the file carries none. */
export async function chatTemplateOf(ggufFile: string): Promise<ChatTemplate | undefined> {
  const parsed = await readGguf(ggufFile);
  const source = plainValue(parsed.metadata.get('tokenizer.chat_template'));
  if (typeof source !== 'string' || source === '') return undefined;
  const tokens = plainValue(parsed.metadata.get('tokenizer.ggml.tokens')) as string[] | undefined;
  const token = (key: string): string => {
    const id = plainValue(parsed.metadata.get(key));
    return typeof id === 'number' || typeof id === 'bigint' ? (tokens?.[Number(id)] ?? '') : '';
  };
  return compileChatTemplate(source, token('tokenizer.ggml.bos_token_id'), token('tokenizer.ggml.eos_token_id'));
}

/** The GGUF's chat template for a step option that asks for it; a model without one is an error naming the option. */
export async function requireChatTemplate(ggufFile: string, step: string, optionPath: string): Promise<ChatTemplate> {
  const chat = await chatTemplateOf(ggufFile);
  if (!chat) {
    throw new PipelineError('INVALID_STEP_OPTIONS', `${step}: ${optionPath} is chat-template but the model ${ggufFile} has no tokenizer.chat_template`, [
      { path: optionPath, message: 'the model has no chat template' },
    ]);
  }
  return chat;
}
