import type { RecordMetadata } from '../../../schemas/records.js';
import type { TextView } from './text-view.js';

/** Metadata fields that seed 004's formula reads; the component applies when at least one is present. */
const SIGNALS = ['conversation_turns', 'user_satisfaction', 'action_taken', 'positive_outcome', 'coherence', 'empathy', 'underrepresented', 'unique_context'] as const;

/**
 * Seed 004's quality score: Engagement (3.0) + Outcome (3.0) + Content (2.0) + Diversity (2.0).
 *   engagement: response > 50 chars +1, conversation turns >= 3 +1, user satisfaction >= 8 +1
 *   outcome:    action taken +1.5, positive outcome reported +1.5
 *   content:    coherence >= 0.8 +1, empathy >= 0.7 +1
 *   diversity:  underrepresented scenario +1, unique context +1
 * Returns undefined when the record carries none of the signals.
 */
export function seed004Score(view: TextView, m: RecordMetadata | undefined): { score: number; parts: Record<string, number> } | undefined {
  if (!m || !SIGNALS.some((s) => m[s] !== undefined)) return undefined;
  const turns = view.turns ?? m.conversation_turns ?? 0;
  const engagement = (view.response.length > 50 ? 1 : 0) + (turns >= 3 ? 1 : 0) + ((m.user_satisfaction ?? 0) >= 8 ? 1 : 0);
  const outcome = (m.action_taken ? 1.5 : 0) + (m.positive_outcome ? 1.5 : 0);
  const content = ((m.coherence ?? 0) >= 0.8 ? 1 : 0) + ((m.empathy ?? 0) >= 0.7 ? 1 : 0);
  const diversity = (m.underrepresented ? 1 : 0) + (m.unique_context ? 1 : 0);
  return { score: engagement + outcome + content + diversity, parts: { engagement, outcome, content, diversity } };
}
