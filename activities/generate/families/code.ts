import { nonEmpty } from '../checks/json.js';
import type { Example, Family, Problem } from '../types.js';
import { CODE_V1 } from './prompts/code.v1.js';
import { SELF_INSTRUCT_V1 } from './prompts/self-instruct.v1.js';

/** Brackets balance outside strings and comments: a cheap syntax screen that needs no interpreter. */
export function bracketsBalance(code: string): boolean {
  const stack: string[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  let quote: string | undefined;
  for (let i = 0; i < code.length; i++) {
    const c = code[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '#' || (c === '/' && code[i + 1] === '/')) {
      while (i < code.length && code[i] !== '\n') i++;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if ('([{'.includes(c)) stack.push(c);
    else if (c in pairs && stack.pop() !== pairs[c]) return false;
  }
  return stack.length === 0 && quote === undefined;
}

const DEFINES: Record<string, RegExp> = { python: /^\s*def \w+\(/m, typescript: /function \w+|=>|^\s*export /m };

function checkCode(ex: Example, language: string): Problem | undefined {
  const empty = nonEmpty(ex, ['input', 'output']);
  if (empty) return empty;
  const code = String(ex.output);
  if (!bracketsBalance(code)) return { reason: 'code_invalid', detail: 'unbalanced brackets or quotes' };
  const def = DEFINES[language];
  if (def && !def.test(code)) return { reason: 'code_invalid', detail: `no ${language} function definition` };
  return undefined;
}

const PY_TASKS: Array<[string, string]> = [
  ['Calculate factorial recursively', 'def factorial(n):\n    if n < 0:\n        raise ValueError("n must be non-negative")\n    if n <= 1:\n        return 1\n    return n * factorial(n - 1)'],
  ['Return the n-th Fibonacci number iteratively', 'def fibonacci(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a'],
  ['Check whether a string is a palindrome, ignoring case', 'def is_palindrome(text):\n    s = text.lower()\n    return s == s[::-1]'],
  ['Count the vowels in a string', 'def count_vowels(text):\n    return sum(1 for c in text.lower() if c in "aeiou")'],
  ['Return the largest number in a non-empty list', 'def max_of(values):\n    if not values:\n        raise ValueError("empty list")\n    best = values[0]\n    for v in values[1:]:\n        if v > best:\n            best = v\n    return best'],
  ['Merge two sorted lists into one sorted list', 'def merge_sorted(a, b):\n    out, i, j = [], 0, 0\n    while i < len(a) and j < len(b):\n        if a[i] <= b[j]:\n            out.append(a[i]); i += 1\n        else:\n            out.append(b[j]); j += 1\n    return out + a[i:] + b[j:]'],
];

/** Seed 000's code generation (Python by default; variants are languages). */
export const codeGeneration: Family = {
  name: 'code_generation',
  description: 'a task and a correct function',
  variants: { python: 1 },
  prompt: CODE_V1,
  replySchema: () => ({ type: 'object', properties: { input: { type: 'string' }, output: { type: 'string' } }, required: ['input', 'output'], additionalProperties: false }),
  vars: (slot, rng) => ({ slot: String(slot.index), variant: slot.variant, topic: rng.pick(['strings', 'lists', 'dictionaries', 'recursion', 'file parsing', 'dates', 'math']) }),
  build: (r, slot) => ({ instruction: `Write a ${slot.variant === 'python' ? 'Python' : slot.variant} function`, input: String(r.input ?? ''), output: String(r.output ?? ''), language: slot.variant }),
  check: (ex) => checkCode(ex, String(ex.language ?? 'python')),
  template(slot, rng) {
    if (slot.variant !== 'python') throw new Error(`the template provider writes Python only, not ${slot.variant}`);
    const [input, output] = rng.pick(PY_TASKS);
    return { input, output };
  },
  noveltyText: (ex) => String(ex.input ?? ''),
};

/**
 * Self-Instruct expansion: new tasks in the style of seed examples (the step's `seeds` input); the
 * novelty filter keeps a task only when its ROUGE-L similarity to every pooled task is below the threshold.
 */
export const selfInstruct: Family = {
  name: 'self_instruct',
  description: 'Self-Instruct expansion from seed examples with a novelty filter',
  variants: { default: 1 },
  prompt: SELF_INSTRUCT_V1,
  replySchema: () => ({
    type: 'object',
    properties: { instruction: { type: 'string' }, input: { type: 'string' }, output: { type: 'string' } },
    required: ['instruction', 'input', 'output'],
    additionalProperties: false,
  }),
  // `seeds` is filled by the engine from the seed pool.
  vars: (slot) => ({ slot: String(slot.index) }),
  build: (r) => ({ instruction: String(r.instruction ?? ''), input: String(r.input ?? ''), output: String(r.output ?? '') }),
  // Novelty is checked by the engine for every family listed in `novelty.families` (this one by default).
  check: (ex) => nonEmpty(ex, ['instruction', 'output']),
  noveltyText: (ex) => `${String(ex.instruction ?? '')} ${String(ex.input ?? '')}`,
};
