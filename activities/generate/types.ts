import type { Rng } from './rng.js';

/** A JSON Schema object (the subset ajv, Claude's structured outputs and llama.cpp grammars share). */
export type JsonSchema = Record<string, unknown>;

/** One planned example: its place in the plan never changes, so ids and outputs are deterministic. */
export interface Slot {
  index: number;
  family: string;
  variant: string;
}

/** A prompt template file: versioned, so that a changed prompt changes the step's cache key. */
export interface PromptTemplate {
  id: string;
  version: string;
  system: string;
  /** `{{name}}` placeholders are filled from the slot's variables. */
  user: string;
}

/** Stable reason codes for an example that failed its checks (they appear in stats and rejects). */
export type CheckReason =
  | 'reply_not_json'
  | 'reply_schema_mismatch'
  | 'output_not_json'
  | 'output_schema_mismatch'
  | 'schema_invalid'
  | 'repair_input_not_broken'
  | 'style_not_normalized'
  | 'style_data_changed'
  | 'cypher_parse_error'
  | 'dpo_identical'
  | 'label_not_in_set'
  | 'code_invalid'
  | 'empty_field'
  | 'not_novel';

export interface Problem {
  reason: CheckReason;
  detail: string;
}

/** What a check may consult beside the record. */
export interface CheckContext {
  labels: readonly string[];
  /** The variant the example was asked for (a label, a level, a category). */
  variant: string;
}

export type Example = Record<string, unknown>;

/** Variables for the prompt and the seeds a self-instruct prompt shows. */
export interface PromptVars {
  [name: string]: string;
}

/** A task family: how to ask for an example, what a reply looks like, how to build and check it. */
export interface Family {
  name: string;
  description: string;
  /** Variants inside the family and their default weights (exact coverage is planned over them). */
  variants: Record<string, number>;
  prompt: PromptTemplate;
  /** A variant with its own template (DPO pairs); defaults to `prompt`. */
  promptFor?(variant: string): PromptTemplate;
  /** The reply a provider must return for one example (Claude structured output, llama.cpp grammar). */
  replySchema(variant: string, labels: readonly string[]): JsonSchema;
  /** Prompt variables for a slot (a domain, a difficulty): deterministic in the slot's seed. */
  vars(slot: Slot, rng: Rng, labels: readonly string[]): PromptVars;
  /** The example record built from a (schema-valid) reply. */
  build(reply: Record<string, unknown>, slot: Slot): Example;
  /** Family-specific checks; undefined when the example may be kept. */
  check(example: Example, ctx: CheckContext): Problem | undefined | Promise<Problem | undefined>;
  /** The `template` provider: a deterministic reply for a slot. Absent where only an LLM can write the example. */
  template?(slot: Slot, rng: Rng, labels: readonly string[]): Record<string, unknown>;
  /** The field whose text the novelty filter compares. */
  noveltyText?(example: Example): string;
}
