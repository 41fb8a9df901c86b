import { createHash } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import { canonicalJson } from '../../core/cache/canonical.js';
import { loadConfig } from '../../core/config.js';
import { parseParams } from '../../core/dsl/compile.js';
import { parseDuration } from '../../core/workflow-safe/duration.js';
import { PipelineError } from '../../core/errors.js';
import { OPS_MEMO_KEY, OPS_SCHEDULES, type OpsSchedule } from '../../activities/ops/schedules.js';
import { CPU_QUEUE, WORKFLOW_TYPE } from '../../core/workflow-safe/queues.js';
import { getPipeline, loadPipelines } from '../../core/registry/pipelines.js';
import type { RunPipelineInput } from '../../core/workflow-safe/run-state.js';
import { connectClient } from '../../core/temporal/client.js';
import { parseJsonArg } from '../args.js';
import { table } from '../output.js';
import { DEFAULT_CATCHUP_WINDOW, validTimezone } from './schedule.js';
import { forgetCommand } from './ops-forget.js';
import { namesCommand } from './ops-names.js';

export const usage =
  'ops install [--root <dir>] [--retrain-params <json|file>] [--only pii-scan,dedup,retrain,audit,retention] [--timezone <tz>] [--every <dur>] [--paused]\n' +
  '           ops list|remove [--json]   (seed 004\'s maintenance schedule as Temporal Schedules; see docs/ops.md)\n' +
  '           ops names [--project <name>] [--base <name>] [--json]   (the registry under seed 004\'s model names)\n' +
  '           ops forget <source file> [--record <id>] [--id-field id] [--root <dir>] [--json]   (deletion by source: data subject requests)';

const OPTIONS = {
  root: { type: 'string', default: 'data/ops' },
  'retrain-params': { type: 'string' },
  only: { type: 'string' },
  timezone: { type: 'string' },
  every: { type: 'string' },
  paused: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  record: { type: 'string' },
  'id-field': { type: 'string', default: 'id' },
  project: { type: 'string' },
  base: { type: 'string' },
} as const;

type Values = ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof OPTIONS }>>['values'];

/** `forgeline ops install|list|remove`: seed 004's maintenance operations as Temporal Schedules. */
export async function opsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  const [action] = positionals;
  if (action === 'forget') return forgetCommand(positionals[1], values);
  if (action === 'names') return namesCommand(values);
  if (action !== 'install' && action !== 'list' && action !== 'remove') throw new PipelineError('INVALID_PARAMS', `usage: forgeline ${usage}`);
  const config = loadConfig();
  const { client, close } = await connectClient(config);
  try {
    if (action === 'install') return await install(client, values);
    if (action === 'list') return await list(client, values.json);
    return await remove(client, values.json);
  } finally {
    await close();
  }
}

interface Desired {
  op: OpsSchedule;
  input: RunPipelineInput;
  spec: { cronExpressions?: string[]; intervals?: { every: number }[]; timezone?: string };
  /** What makes two installs the same: a schedule whose signature matches is left alone. */
  signature: string;
}

async function desired(values: Values): Promise<Desired[]> {
  const issues: { path: string; message: string }[] = [];
  const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
  for (const o of only ?? []) if (!OPS_SCHEDULES.some((s) => s.op === o)) issues.push({ path: '--only', message: `unknown operation "${o}" (one of ${OPS_SCHEDULES.map((s) => s.op).join(', ')})` });
  const everyMs = values.every !== undefined ? parseDuration(values.every) : undefined;
  if (values.every !== undefined && !everyMs) issues.push({ path: '--every', message: `"${values.every}" is not a duration (90s, 30m, 1h, 7d)` });
  if (values.timezone && !validTimezone(values.timezone)) issues.push({ path: '--timezone', message: `unknown IANA time zone "${values.timezone}"` });
  if (issues.length > 0) throw new PipelineError('INVALID_PARAMS', 'ops install: invalid options', issues);
  // The worker may run elsewhere (another folder): the schedule keeps an absolute path.
  const root = path.resolve(values.root);
  const retrainParams = parseJsonArg('--retrain-params', values['retrain-params']);
  const pipelines = await loadPipelines(loadConfig().pipelineDirs);
  const out: Desired[] = [];
  for (const op of OPS_SCHEDULES) {
    if (only && !only.includes(op.op)) continue;
    const params = op.takesRoot ? { root } : retrainParams;
    // Fail at install, not at 2am: the params must fit the pipeline's schema.
    parseParams(getPipeline(pipelines, op.pipeline), params);
    const spec = { ...(everyMs ? { intervals: [{ every: everyMs }] } : { cronExpressions: [op.cron] }), ...(values.timezone ? { timezone: values.timezone } : {}) };
    const input: RunPipelineInput = { pipeline: op.pipeline, params };
    const signature = createHash('sha256').update(canonicalJson({ spec, input, paused: values.paused })).digest('hex').slice(0, 16);
    out.push({ op, input, spec, signature });
  }
  return out;
}

async function install(client: Client, values: Values): Promise<number> {
  const rows: { scheduleId: string; pipeline: string; when: string; result: 'created' | 'replaced' | 'unchanged' }[] = [];
  for (const d of await desired(values)) {
    const handle = client.schedule.getHandle(d.op.id);
    let result: 'created' | 'replaced' | 'unchanged' = 'created';
    try {
      const current = await handle.describe();
      const memo = (current.action.type === 'startWorkflow' ? current.action.memo : undefined) as Record<string, unknown> | undefined;
      if (memo?.opsSignature === d.signature) result = 'unchanged';
      else {
        // The schedule's own memo (what `schedule list` shows) cannot be updated, so a changed one is replaced.
        await handle.delete();
        result = 'replaced';
      }
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    }
    const when = d.spec.cronExpressions ? `cron "${d.op.cron}"` : `every ${values.every!}`;
    if (result !== 'unchanged') {
      await client.schedule.create({
        scheduleId: d.op.id,
        spec: d.spec,
        action: {
          type: 'startWorkflow',
          workflowType: WORKFLOW_TYPE,
          taskQueue: CPU_QUEUE,
          workflowId: d.op.id,
          args: [d.input],
          memo: { pipeline: d.op.pipeline, opsSignature: d.signature },
          staticSummary: `pipeline ${d.op.pipeline} (schedule ${d.op.id})`,
        },
        policies: { overlap: 'SKIP', catchupWindow: parseDuration(DEFAULT_CATCHUP_WINDOW)! },
        state: { paused: values.paused, note: `seed 004 ${d.op.seed}; installed by forgeline ops install` },
        memo: { pipeline: d.op.pipeline, [OPS_MEMO_KEY]: d.op.op, ...(d.spec.cronExpressions ? { cron: d.op.cron } : { every: values.every }), ...(values.timezone ? { timezone: values.timezone } : {}) },
      });
    }
    rows.push({ scheduleId: d.op.id, pipeline: d.op.pipeline, when, result });
  }
  if (values.json) console.log(JSON.stringify(rows));
  else console.log(table([['SCHEDULE', 'PIPELINE', 'WHEN', 'RESULT'], ...rows.map((r) => [r.scheduleId, r.pipeline, r.when, r.result])]));
  return 0;
}

async function opsSchedules(client: Client) {
  const found = [];
  for await (const s of client.schedule.list()) {
    const memo = (s.memo ?? {}) as Record<string, unknown>;
    if (typeof memo[OPS_MEMO_KEY] === 'string') found.push({ s, memo });
  }
  return found.sort((a, b) => a.s.scheduleId.localeCompare(b.s.scheduleId));
}

async function list(client: Client, json: boolean): Promise<number> {
  const rows = (await opsSchedules(client)).map(({ s, memo }) => ({
    scheduleId: s.scheduleId,
    op: String(memo[OPS_MEMO_KEY]),
    pipeline: String(memo.pipeline ?? ''),
    when: memo.cron ? `cron ${String(memo.cron)}` : `every ${String(memo.every)}`,
    paused: s.state.paused,
    next: s.info.nextActionTimes[0]?.toISOString() ?? '',
    lastRun: s.info.recentActions.at(-1)?.action.workflow.workflowId ?? '',
  }));
  if (json) console.log(JSON.stringify(rows));
  else console.log(table([['SCHEDULE', 'OP', 'PIPELINE', 'WHEN', 'PAUSED', 'NEXT RUN', 'LAST RUN'], ...rows.map((r) => [r.scheduleId, r.op, r.pipeline, r.when, String(r.paused), r.next, r.lastRun])]));
  return 0;
}

async function remove(client: Client, json: boolean): Promise<number> {
  const removed: string[] = [];
  for (const { s } of await opsSchedules(client)) {
    await client.schedule.getHandle(s.scheduleId).delete();
    removed.push(s.scheduleId);
  }
  console.log(json ? JSON.stringify({ removed }) : removed.length ? `removed ${removed.join(', ')}` : 'no ops schedules');
  return 0;
}
