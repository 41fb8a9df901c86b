import type { StepKindLookup } from '../dsl/compile.js';
import type { Plan } from '../workflow-safe/plan.js';
import { PipelineError, type Issue } from '../errors.js';
import { existsLocally, isInside, realLocation, realRoots } from './input-roots.js';

/**
 * Refuses a plan whose steps would read or write a file outside the input roots. It runs at plan
 * time, before any step: only the paths are resolved (symlinks and `..`), no file is opened, so a
 * refused path never has a byte read, stored, or echoed back in rejects.
 */
export async function checkPlanPaths(plan: Plan, lookup: StepKindLookup, roots: readonly string[]): Promise<void> {
  const real = await realRoots(roots);
  const issues: Issue[] = [];
  for (const step of plan.steps) {
    const kind = lookup(step.kind);
    for (const [pattern, use] of Object.entries(kind?.paths ?? {})) {
      for (const { at, value } of valuesAt(step.options, pattern)) {
        if (use === 'read-if-local' && !(await existsLocally(value))) continue;
        if (isInside(await realLocation(value), real)) continue;
        const from = paramsHolding(plan.params, value);
        const where = from.length > 0 ? from.join(', ') : `step "${step.id}" options.${at}`;
        issues.push({ path: where, message: `"${value}" is outside the input roots (${use === 'write' ? 'written' : 'read'} by step "${step.id}")` });
      }
    }
  }
  if (issues.length === 0) return;
  throw new PipelineError(
    'INVALID_PARAMS',
    `${plan.pipeline}: a path is outside the input roots; allowed roots: ${roots.join(', ')} (set FORGELINE_INPUT_ROOTS on the worker to change them, docs/deployment.md)`,
    issues,
  );
}

/**
 * The strings an option pattern names: dotted keys, `*` for every element of an array
 * (`benchmarks.multipleChoice.*.path`). Absent options are skipped.
 */
export function valuesAt(options: unknown, pattern: string): { at: string; value: string }[] {
  const out: { at: string; value: string }[] = [];
  const walk = (node: unknown, keys: string[], at: string[]): void => {
    if (keys.length === 0) {
      if (typeof node === 'string') out.push({ at: at.join('.'), value: node });
      return;
    }
    const [key, ...rest] = keys as [string, ...string[]];
    if (key === '*') {
      if (Array.isArray(node)) node.forEach((v, i) => walk(v, rest, [...at, String(i)]));
    } else if (node && typeof node === 'object' && key in node) walk((node as Record<string, unknown>)[key], rest, [...at, key]);
  };
  walk(options, pattern.split('.'), []);
  return out;
}

/** The params (dotted, `params.input`) whose value is this string: the error names what the user typed. */
function paramsHolding(params: unknown, value: string): string[] {
  const found: string[] = [];
  const walk = (node: unknown, at: string): void => {
    if (node === value) found.push(at);
    else if (Array.isArray(node)) node.forEach((v, i) => walk(v, `${at}[${i}]`));
    else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) walk(v, `${at}.${k}`);
  };
  walk(params, 'params');
  return found;
}
