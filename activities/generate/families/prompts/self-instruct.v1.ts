import type { PromptTemplate } from '../../types.js';

/** Self-Instruct expansion (Wang et al., 2023) (version v1): new tasks in the style of seed examples. */
export const SELF_INSTRUCT_V1: PromptTemplate = {
  id: 'self_instruct',
  version: 'v1',
  system:
    'You expand a training set in the Self-Instruct style: given a few seed tasks, write ONE new task that is different from all of them ' +
    '(new topic or new kind of request, not a paraphrase), with a correct answer. Reply with exactly one JSON object matching the reply schema.',
  user: 'Seed tasks:\n{{seeds}}\n\nWrite new task number {{slot}}.\nReply fields: "instruction", "input" (may be empty), "output".',
};
