/**
 * Seed 004's checklist (004_1bb05a38aa2272e7.txt line 289): "Names replaced with [User],
 * [Partner]". Which name is which comes from the text's cues, never from the order of appearance:
 * in "my partner Sam said hi to Alex" Sam is the partner and Alex is neither. A person without a
 * cue gets a neutral placeholder numbered in order of appearance within the record ([Person 1],
 * [Person 2]), so that the same name reads the same everywhere in a record and different names
 * stay apart.
 */
export type PersonRole = '[User]' | '[Partner]';

/** One person finding in one text of a record. */
export interface PersonMention {
  text: string;
  start: number;
  end: number;
}

const PARTNER_WORDS = String.raw`(?:partner|wife|husband|boyfriend|girlfriend|fianc[eé]e?|spouse|significant other|other half|ex)`;
/** "my partner Sam", "our spouse, Sam" */
const PARTNER_BEFORE = new RegExp(String.raw`\b(?:my|our)\s+${PARTNER_WORDS}\s*,?\s*$`, 'i');
/** "Sam, my partner", "Sam (my wife)", "Sam is my husband" */
const PARTNER_AFTER = new RegExp(String.raw`^\s*(?:,|\(|\bis|\bwas)\s*(?:my|our)\s+${PARTNER_WORDS}\b`, 'i');
/** "my name is Sam", "I'm Sam", "call me Sam" */
const USER_BEFORE = /\b(?:my name is|my name's|i am|i'm|im|call me|i go by)\s+$/i;

/** The key a person's mentions share: the first name, case-folded ("Sarah Johnson" and "Sarah"). */
export function personKey(value: string): string {
  return value.trim().split(/\s+/)[0]!.toLowerCase();
}

/** The role a single mention's surroundings give it, if any. */
function cueOf(m: PersonMention): PersonRole | undefined {
  const before = m.text.slice(Math.max(0, m.start - 40), m.start);
  const after = m.text.slice(m.end, m.end + 40);
  if (PARTNER_BEFORE.test(before) || PARTNER_AFTER.test(after)) return '[Partner]';
  if (USER_BEFORE.test(before)) return '[User]';
  return undefined;
}

/**
 * Roles for the people of one record, by key: a person takes the role its first cued mention
 * gives (anywhere in the record: a cue in the answer names a person of the question too).
 */
export function personRoles(mentions: readonly PersonMention[]): Map<string, PersonRole> {
  const roles = new Map<string, PersonRole>();
  for (const m of mentions) {
    const key = personKey(m.text.slice(m.start, m.end));
    if (roles.has(key)) continue;
    const role = cueOf(m);
    if (role) roles.set(key, role);
  }
  return roles;
}
