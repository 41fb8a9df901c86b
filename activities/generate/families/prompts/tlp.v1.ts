import type { PromptTemplate } from '../../types.js';

/** Seed 000's TLP classification (version v1), with a `reasoning` field. */
export const TLP_V1: PromptTemplate = {
  id: 'tlp',
  version: 'v1',
  system:
    'You generate training data for classifying data sensitivity with the Traffic Light Protocol (TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT, TLP:RED). ' +
    'Reply with exactly one JSON object matching the reply schema.',
  user:
    'Example {{slot}}: describe a realistic piece of information ({{topic}}) whose correct level is {{variant}}.\n' +
    'Reply fields: "input" (a short description of the information), "output" (exactly "{{variant}}"), "reasoning" (one sentence: why this level).',
};
