import type { PromptTemplate } from '../../types.js';

/** Seed 000's code generation (version v1): a task and a correct, idiomatic function. */
export const CODE_V1: PromptTemplate = {
  id: 'code_generation',
  version: 'v1',
  system:
    'You generate training data for a code assistant. Code is syntactically correct, follows the language conventions, handles errors where the task needs it, and comments only complex logic. ' +
    'Reply with exactly one JSON object matching the reply schema.',
  user: 'Example {{slot}}: a {{variant}} task about {{topic}}.\nReply fields: "input" (the task in one sentence), "output" (the {{variant}} function only).',
};
