import type { GenerateItem } from '../llm/protocol.js';
import { scoreGsm8k } from '../metrics/gsm8k.js';
import { str, type Located } from './read.js';

/**
 * GSM8K as lm-evaluation-harness's `gsm8k` task: `Question: {question}\nAnswer:`, few-shot examples
 * `Question: ...\nAnswer: {answer}` joined by a blank line, greedy generation until `Question:`,
 * `</s>` or `<|im_end|>`, then strict and flexible extraction (metrics/gsm8k.ts).
 * Documents: `{"question": "...", "answer": "... #### 72"}` (the Hugging Face `gsm8k/main` export).
 */
export interface Gsm8kDoc {
  question: string;
  answer: string;
}

export const GSM8K_STOP = ['Question:', '</s>', '<|im_end|>'];

export function parseGsm8k(d: Located<Record<string, unknown>>): Gsm8kDoc {
  return { question: str(d, 'question'), answer: str(d, 'answer') };
}

export function gsm8kPrompt(doc: Gsm8kDoc, shots: readonly Gsm8kDoc[]): string {
  const fewshot = shots.map((s) => `Question: ${s.question}\nAnswer: ${s.answer}`).join('\n\n');
  return (fewshot ? fewshot + '\n\n' : '') + `Question: ${doc.question}\nAnswer:`;
}

export function gsm8kRequests(docs: readonly Gsm8kDoc[], shots: readonly Gsm8kDoc[], maxTokens: number): GenerateItem[] {
  return docs.map((d) => ({ prompt: gsm8kPrompt(d, shots), maxTokens, stop: GSM8K_STOP }));
}

/** Mean strict and flexible exact match, and the 0/1 outcome per document (for paired intervals). */
export function gsm8kScore(docs: readonly Gsm8kDoc[], generations: readonly string[]): { strict: number; flexible: number; perDoc: { strict: number[]; flexible: number[] } } {
  const perDoc = { strict: [] as number[], flexible: [] as number[] };
  docs.forEach((d, i) => {
    const s = scoreGsm8k(generations[i] ?? '', d.answer);
    perDoc.strict.push(s.strict);
    perDoc.flexible.push(s.flexible);
  });
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, docs.length);
  return { strict: mean(perDoc.strict), flexible: mean(perDoc.flexible), perDoc };
}
