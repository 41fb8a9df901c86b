import { z } from 'zod';
import { PipelineError, type Issue } from '../errors.js';
import { storesRawNotes } from './stores-raw.js';
import type { Device } from '../workflow-safe/queues.js';
import type { PipelineBuilder, PipelineDefinition, StepInputs } from './pipeline.js';
import type { OutputRef, Plan, PlanStep } from '../workflow-safe/plan.js';
import { upstreamOf } from '../workflow-safe/plan.js';
import type { AnyStepKind } from './step-kind.js';

const UNRESOLVED_ACTIVITY = {
  taskQueue: '',
  startToCloseMs: 0,
  heartbeatMs: 0,
  retry: { maximumAttempts: 1, initialIntervalMs: 0, backoffCoefficient: 1, maximumIntervalMs: 0 },
};

export type StepKindLookup = (kind: string) => AnyStepKind | undefined;

/** Validates params against the pipeline's schema; every problem is listed by path. */
export function parseParams(def: PipelineDefinition, raw: unknown): unknown {
  const result = def.params.strict().safeParse(raw ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues.map(zodIssueToIssue('params'));
  throw new PipelineError('INVALID_PARAMS', `invalid params for pipeline "${def.name}"`, issues);
}

export function zodIssueToIssue(root: string) {
  return (issue: z.core.$ZodIssue): Issue => {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
    const base = [root, ...issue.path.map(String)].join('.');
    return {
      path: keys[0] === undefined ? base : keys.map((k) => `${base}.${k}`).join(', '),
      message: issue.message,
    };
  };
}

/**
 * Runs the pipeline's `build` and checks the DAG. Definition-time errors (unknown kind, cycle,
 * missing input, wrong input kind, bad options) are collected and thrown together, each naming the
 * pipeline and the step.
 */
export function compilePipeline(def: PipelineDefinition, rawParams: unknown, lookup: StepKindLookup): Plan {
  const params = parseParams(def, rawParams);
  const steps: PlanStep[] = [];
  const issues: Issue[] = [];
  let device: Device = 'auto';
  const builder: PipelineBuilder<string> = {
    step(id, kind, options, inputs: StepInputs = {}) {
      if (steps.some((s) => s.id === id)) issues.push({ path: `step "${id}"`, message: 'duplicate step id' });
      const clean: Record<string, OutputRef | OutputRef[]> = {};
      for (const [name, ref] of Object.entries(inputs)) if (ref !== undefined) clean[name] = ref;
      steps.push({ id, kind, options: options ?? {}, inputs: clean, profile: 'cpu', activity: UNRESOLVED_ACTIVITY });
      return { id, out: (output: string) => ({ step: id, output }) };
    },
    device(d) {
      device = d;
    },
  };
  def.build(builder, params as never);
  validatePlanSteps(steps, lookup, issues);
  if (issues.length > 0) {
    throw new PipelineError(
      'INVALID_PIPELINE',
      `pipeline "${def.name}" is invalid`,
      issues.map((i) => ({ ...i, path: `${def.name}: ${i.path}` })),
    );
  }
  return { pipeline: def.name, params, device, steps, notes: storesRawNotes(def, steps, lookup) };
}

function validatePlanSteps(steps: PlanStep[], lookup: StepKindLookup, issues: Issue[]): void {
  const byId = new Map(steps.map((s) => [s.id, s]));
  for (const step of steps) {
    const where = `step "${step.id}" (${step.kind})`;
    const kind = lookup(step.kind);
    if (!kind) {
      issues.push({ path: where, message: `unknown step kind "${step.kind}"` });
      continue;
    }
    step.profile = kind.profile;
    step.activity = { taskQueue: '', retry: kind.retry, ...kind.timeouts };
    const parsed = kind.options.safeParse(step.options);
    if (parsed.success) step.options = parsed.data;
    else issues.push(...parsed.error.issues.map(zodIssueToIssue('options')).map((i) => ({ path: `${where} ${i.path}`, message: i.message })));
    for (const [name, spec] of Object.entries(kind.inputs)) {
      const ref = step.inputs[name];
      if (ref === undefined) {
        if (!spec.optional) issues.push({ path: where, message: `missing input "${name}" (${spec.kind})` });
        continue;
      }
      if (Array.isArray(ref) !== Boolean(spec.many)) {
        issues.push({ path: where, message: `input "${name}" takes ${spec.many ? 'a list of outputs' : 'one output'}` });
      }
      for (const r of Array.isArray(ref) ? ref : [ref]) {
        const from = byId.get(r.step);
        const fromKind = from && lookup(from.kind);
        if (!from) issues.push({ path: where, message: `input "${name}" refers to unknown step "${r.step}"` });
        else if (fromKind) {
          const outKind = outputKindOf(from, fromKind, r.output);
          // Records as shards, or a document that names shards (analyze's manifest of a sharded dataset).
          const onShards = (outKind === 'shards' && spec.kind === 'records') || (outKind === spec.kind && from.sharded?.outputs.includes(r.output));
          if (!outKind) issues.push({ path: where, message: `input "${name}": step "${r.step}" has no output "${r.output}"` });
          else if (onShards && kind.shardable?.input === name && !Array.isArray(ref)) {
            step.sharded = { input: name, outputs: kind.shardable.sharded, ...(kind.shardable.fanOut ? { fanOut: kind.shardable.fanOut } : {}) };
          } else if (outKind !== spec.kind) {
            issues.push({ path: where, message: `input "${name}" takes ${spec.kind} but "${r.step}.${r.output}" is ${outKind}` });
          }
        }
      }
    }
    for (const name of Object.keys(step.inputs)) {
      if (!(name in kind.inputs)) issues.push({ path: where, message: `unknown input "${name}"` });
    }
  }
  const cycle = findCycle(steps);
  if (cycle) issues.push({ path: `step "${cycle[0]}"`, message: `cycle: ${cycle.join(' -> ')}` });
}

/**
 * A sharded step's sharded `records` outputs are manifests (`shards`), so that the next shardable
 * step fans out too; its other sharded outputs (analyze's bucket manifest) keep their kind and name
 * shards. Steps are checked in definition order, which is the DAG's order: a step can only name the
 * outputs of steps defined before it.
 */
function outputKindOf(from: PlanStep, fromKind: AnyStepKind, output: string): AnyStepKind['outputs'][string] | undefined {
  const declared = fromKind.outputs[output];
  return from.sharded?.outputs.includes(output) && declared === 'records' ? 'shards' : declared;
}

/** Depth-first search; returns the ids around the first cycle found. */
export function findCycle(steps: PlanStep[]): string[] | undefined {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    const s = state.get(id);
    if (s === 'done') return undefined;
    if (s === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'visiting');
    stack.push(id);
    const step = byId.get(id);
    for (const up of step ? upstreamOf(step) : []) {
      if (!byId.has(up)) continue;
      const found = visit(up);
      if (found) return found;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const step of steps) {
    const found = visit(step.id);
    if (found) return found.reverse();
  }
  return undefined;
}
