import type { PromptTemplate } from '../../types.js';

/** Balanced text classification (version v1): one text for a given label. */
export const CLASSIFICATION_V1: PromptTemplate = {
  id: 'text_classification',
  version: 'v1',
  system: 'You generate training data for a text classifier. Reply with exactly one JSON object matching the reply schema.',
  user:
    'Example {{slot}}: write a realistic message ({{length}}) that belongs to the category "{{variant}}" of the label set [{{labels}}].\n' +
    'Reply fields: "input" (the message), "output" (exactly "{{variant}}").',
};
