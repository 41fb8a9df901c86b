import path from 'node:path';
import type { GenerateItem } from '../llm/protocol.js';
import { str, type Located } from './read.js';
import { runPython, type SandboxLimits, type SandboxOutcome } from './sandbox.js';

/**
 * HumanEval as lm-evaluation-harness's `humaneval` task: the prompt is the function signature and
 * docstring, greedy generation until `\nclass`, `\ndef`, `\n#`, `\nif` or `\nprint`, and the
 * program `prompt + completion + "\n" + test + "\n" + "check(entry_point)"` must exit cleanly.
 * Documents: `{"task_id", "prompt", "canonical_solution", "test", "entry_point"}` (openai/human-eval).
 */
export interface HumanEvalDoc {
  taskId: string;
  prompt: string;
  test: string;
  entryPoint: string;
  canonicalSolution?: string;
}

export const HUMANEVAL_STOP = ['\nclass', '\ndef', '\n#', '\nif', '\nprint'];

export function parseHumanEval(d: Located<Record<string, unknown>>): HumanEvalDoc {
  const canonical = d.doc.canonical_solution;
  return {
    taskId: str(d, 'task_id'),
    prompt: str(d, 'prompt'),
    test: str(d, 'test'),
    entryPoint: str(d, 'entry_point'),
    ...(typeof canonical === 'string' ? { canonicalSolution: canonical } : {}),
  };
}

export function humanEvalRequests(docs: readonly HumanEvalDoc[], maxTokens: number): GenerateItem[] {
  return docs.map((d) => ({ prompt: d.prompt, maxTokens, stop: HUMANEVAL_STOP }));
}

export function humanEvalProgram(doc: HumanEvalDoc, completion: string): string {
  return `${doc.prompt}${completion}\n${doc.test}\ncheck(${doc.entryPoint})\n`;
}

/** Runs every program (sequentially: each is a process with its own limits); returns per-task outcomes. */
export async function humanEvalExecute(
  docs: readonly HumanEvalDoc[],
  completions: readonly string[],
  workDir: string,
  limits: SandboxLimits,
  signal?: AbortSignal,
): Promise<{ passAt1: number; outcomes: Record<SandboxOutcome, number>; passed: number[] }> {
  const outcomes: Record<SandboxOutcome, number> = { passed: 0, failed: 0, timeout: 0, memory_limit: 0 };
  const passed: number[] = [];
  for (let i = 0; i < docs.length; i++) {
    if (signal?.aborted) throw signal.reason ?? new Error('cancelled');
    const dir = path.join(workDir, `humaneval-${i}`);
    const { outcome } = await runPython(humanEvalProgram(docs[i]!, completions[i] ?? ''), dir, limits);
    outcomes[outcome]++;
    passed.push(outcome === 'passed' ? 1 : 0);
  }
  return { passAt1: outcomes.passed / Math.max(1, docs.length), outcomes, passed };
}
