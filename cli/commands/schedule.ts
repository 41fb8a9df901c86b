import { parseArgs } from 'node:util';
import { ScheduleNotFoundError, type Client, type ScheduleDescription, type ScheduleOverlapPolicy } from '@temporalio/client';
import { loadConfig } from '../../core/config.js';
import { parseParams } from '../../core/dsl/compile.js';
import { formatDuration, parseDuration } from '../../core/workflow-safe/duration.js';
import { PipelineError } from '../../core/errors.js';
import { CPU_QUEUE, WORKFLOW_TYPE } from '../../core/workflow-safe/queues.js';
import { getPipeline, loadPipelines } from '../../core/registry/pipelines.js';
import type { RunPipelineInput } from '../../core/workflow-safe/run-state.js';
import { connectClient } from '../../core/temporal/client.js';
import { parseJsonArg } from '../args.js';
import { table } from '../output.js';

export const usage =
  'schedule create <id> --pipeline <name> [--params <json|file>] (--cron "<expr>" | --every <dur>) [--timezone <tz>] [--overlap skip] [--catchup-window 1d] [--paused]\n' +
  '           schedule list|describe <id>|pause <id>|unpause <id>|trigger <id>|backfill <id> --from <time> --to <time>|delete <id> [--json]';

/** Overlap policies by their CLI names; `skip` (the default) never runs two retrains of one schedule at once. */
const OVERLAP: Record<string, ScheduleOverlapPolicy> = {
  skip: 'SKIP',
  'buffer-one': 'BUFFER_ONE',
  'buffer-all': 'BUFFER_ALL',
  'cancel-other': 'CANCEL_OTHER',
  'terminate-other': 'TERMINATE_OTHER',
  'allow-all': 'ALLOW_ALL',
};
export const DEFAULT_OVERLAP = 'skip';
/**
 * Missed actions older than this are not taken when the server comes back: a weekly retrain that
 * is a day late waits for its next slot (or a backfill) rather than starting at a surprising time.
 */
export const DEFAULT_CATCHUP_WINDOW = '1d';
/** Backfill runs every missed action, one after another, unless told otherwise. */
export const DEFAULT_BACKFILL_OVERLAP = 'buffer-all';

const OPTIONS = {
  pipeline: { type: 'string' },
  params: { type: 'string' },
  cron: { type: 'string' },
  every: { type: 'string' },
  timezone: { type: 'string' },
  overlap: { type: 'string' },
  'catchup-window': { type: 'string' },
  paused: { type: 'boolean', default: false },
  note: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

type Values = ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof OPTIONS }>>['values'];

/** `forgeline schedule <action>`: Temporal Schedules that start `runPipeline` with one pipeline's input. */
export async function scheduleCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  const [action, id] = positionals;
  if (!action) throw new PipelineError('INVALID_PARAMS', `usage: forgeline ${usage}`);
  if (action !== 'list' && !id) throw new PipelineError('INVALID_PARAMS', `schedule ${action}: give the schedule id`, [{ path: 'id', message: 'required' }]);
  const { client, close } = await connectClient(loadConfig());
  try {
    switch (action) {
      case 'create':
        return await create(client, id!, values);
      case 'list':
        return await list(client, values.json);
      case 'describe':
        return print(describeJson(await handle(client, id!).describe()), values.json);
      case 'pause':
        await handle(client, id!).pause(values.note ?? 'paused from the forgeline CLI');
        return say(values.json, { scheduleId: id, paused: true }, `paused ${id}`);
      case 'unpause':
        await handle(client, id!).unpause(values.note ?? 'unpaused from the forgeline CLI');
        return say(values.json, { scheduleId: id, paused: false }, `unpaused ${id}`);
      case 'trigger':
        // The SDK's trigger defaults to allow-all; a trigger keeps the schedule's own policy unless told otherwise.
        await handle(client, id!).trigger(values.overlap ? overlapOf(values.overlap) : (await handle(client, id!).describe()).policies.overlap);
        return say(values.json, { scheduleId: id, triggered: true }, `triggered ${id}; see its runs with \`npx forgeline schedule describe ${id}\``);
      case 'backfill':
        return await backfill(client, id!, values);
      case 'delete':
        await handle(client, id!).delete();
        return say(values.json, { scheduleId: id, deleted: true }, `deleted ${id}`);
      default:
        throw new PipelineError('INVALID_PARAMS', `unknown schedule action "${action}"\nusage: forgeline ${usage}`);
    }
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) throw new PipelineError('INVALID_PARAMS', `no schedule "${id}"`, [{ path: 'id', message: 'not found' }]);
    throw err;
  } finally {
    await close();
  }
}

function handle(client: Client, id: string) {
  return client.schedule.getHandle(id);
}

async function create(client: Client, id: string, values: Values): Promise<number> {
  const issues: { path: string; message: string }[] = [];
  if (!values.pipeline) issues.push({ path: '--pipeline', message: 'required' });
  if (Boolean(values.cron) === Boolean(values.every)) issues.push({ path: '--cron/--every', message: 'give exactly one of --cron "<expr>" or --every <duration>' });
  const everyMs = values.every !== undefined ? parseDuration(values.every) : undefined;
  if (values.every !== undefined && !everyMs) issues.push({ path: '--every', message: `"${values.every}" is not a duration (90s, 30m, 1h, 7d, 1h30m)` });
  const catchup = parseDuration(values['catchup-window'] ?? DEFAULT_CATCHUP_WINDOW);
  if (!catchup) issues.push({ path: '--catchup-window', message: `"${values['catchup-window']}" is not a duration` });
  if (values.timezone && !validTimezone(values.timezone)) issues.push({ path: '--timezone', message: `unknown IANA time zone "${values.timezone}"` });
  if (values.overlap && !OVERLAP[values.overlap]) issues.push({ path: '--overlap', message: `one of ${Object.keys(OVERLAP).join(', ')}` });
  if (issues.length > 0) throw new PipelineError('INVALID_PARAMS', `schedule create ${id}: invalid options`, issues);

  const pipeline = values.pipeline!;
  const params = parseJsonArg('--params', values.params);
  // Fail now, not at 3am on Sunday: the params must fit the pipeline's schema.
  const def = getPipeline(await loadPipelines(loadConfig().pipelineDirs), pipeline);
  parseParams(def, params);
  const input: RunPipelineInput = { pipeline, params };
  const overlap = values.overlap ?? DEFAULT_OVERLAP;
  await client.schedule.create({
    scheduleId: id,
    spec: {
      ...(values.cron ? { cronExpressions: [values.cron] } : { intervals: [{ every: everyMs! }] }),
      ...(values.timezone ? { timezone: values.timezone } : {}),
    },
    action: {
      type: 'startWorkflow',
      workflowType: WORKFLOW_TYPE,
      taskQueue: CPU_QUEUE,
      // Temporal appends the scheduled time: runs are `<schedule id>-<time>`.
      workflowId: id,
      args: [input],
      memo: { pipeline },
      staticSummary: `pipeline ${pipeline} (schedule ${id})`,
    },
    policies: { overlap: overlapOf(overlap), catchupWindow: catchup! },
    state: { paused: values.paused, note: values.note ?? `created by forgeline: ${values.cron ? `cron "${values.cron}"` : `every ${values.every}`}` },
    memo: { pipeline, ...(values.cron ? { cron: values.cron } : { every: values.every }), ...(values.timezone ? { timezone: values.timezone } : {}) },
  });
  const when = values.cron ? `cron "${values.cron}"${values.timezone ? ` (${values.timezone})` : ''}` : `every ${formatDuration(everyMs!)}`;
  return say(values.json, { scheduleId: id, pipeline, overlap, catchupWindow: formatDuration(catchup!), paused: values.paused }, `created schedule ${id}: ${pipeline} ${when}, overlap ${overlap}, catch-up window ${formatDuration(catchup!)}${values.paused ? ' (paused)' : ''}`);
}

async function list(client: Client, json: boolean): Promise<number> {
  const rows: { scheduleId: string; pipeline: string; spec: string; paused: boolean; next: string }[] = [];
  for await (const s of client.schedule.list()) {
    const memo = (s.memo ?? {}) as Record<string, unknown>;
    const workflowType = s.action?.type === 'startWorkflow' ? s.action.workflowType : undefined;
    if (workflowType !== WORKFLOW_TYPE) continue;
    rows.push({
      scheduleId: s.scheduleId,
      pipeline: String(memo.pipeline ?? ''),
      spec: memo.cron ? `cron ${String(memo.cron)}` : memo.every ? `every ${String(memo.every)}` : '',
      paused: s.state.paused,
      next: s.info.nextActionTimes[0]?.toISOString() ?? '',
    });
  }
  if (json) console.log(JSON.stringify(rows));
  else console.log(table([['SCHEDULE', 'PIPELINE', 'WHEN', 'PAUSED', 'NEXT RUN'], ...rows.map((r) => [r.scheduleId, r.pipeline, r.spec, String(r.paused), r.next])]));
  return 0;
}

async function backfill(client: Client, id: string, values: Values): Promise<number> {
  const from = values.from ? new Date(values.from) : undefined;
  const to = values.to ? new Date(values.to) : undefined;
  const issues: { path: string; message: string }[] = [];
  if (!from || Number.isNaN(from.getTime())) issues.push({ path: '--from', message: 'an ISO time, e.g. 2026-11-01T00:00:00Z' });
  if (!to || Number.isNaN(to.getTime())) issues.push({ path: '--to', message: 'an ISO time, e.g. 2026-11-08T00:00:00Z' });
  if (from && to && from >= to) issues.push({ path: '--from', message: 'must be before --to' });
  const overlap = values.overlap ?? DEFAULT_BACKFILL_OVERLAP;
  if (!OVERLAP[overlap]) issues.push({ path: '--overlap', message: `one of ${Object.keys(OVERLAP).join(', ')}` });
  if (issues.length > 0) throw new PipelineError('INVALID_PARAMS', `schedule backfill ${id}: invalid options`, issues);
  await handle(client, id).backfill({ start: from!, end: to!, overlap: overlapOf(overlap) });
  return say(values.json, { scheduleId: id, from: from!.toISOString(), to: to!.toISOString(), overlap }, `backfill of ${id} from ${from!.toISOString()} to ${to!.toISOString()} requested (overlap ${overlap})`);
}

/** What `schedule describe` prints: spec, policies, state, recent and upcoming runs. */
export function describeJson(d: ScheduleDescription) {
  const memo = (d.memo ?? {}) as Record<string, unknown>;
  const action = d.action.type === 'startWorkflow' ? d.action : undefined;
  const input = (action?.args?.[0] ?? {}) as Partial<RunPipelineInput>;
  return {
    scheduleId: d.scheduleId,
    pipeline: input.pipeline ?? memo.pipeline,
    params: input.params ?? {},
    spec: { cron: memo.cron, every: memo.every, timezone: d.spec.timezone || 'UTC', calendars: d.spec.calendars, intervals: d.spec.intervals },
    overlap: Object.keys(OVERLAP).find((k) => OVERLAP[k] === d.policies.overlap) ?? d.policies.overlap,
    catchupWindow: formatDuration(d.policies.catchupWindow),
    paused: d.state.paused,
    note: d.state.note,
    actionsTaken: d.info.numActionsTaken,
    skippedOverlap: d.info.numActionsSkippedOverlap,
    missedCatchupWindow: d.info.numActionsMissedCatchupWindow,
    running: d.info.runningActions.map((a) => a.workflow.workflowId),
    recent: d.info.recentActions.map((a) => ({ runId: a.action.workflow.workflowId, scheduledAt: a.scheduledAt.toISOString(), takenAt: a.takenAt.toISOString() })),
    next: d.info.nextActionTimes.map((t) => t.toISOString()),
  };
}

function print(value: ReturnType<typeof describeJson>, json: boolean): number {
  if (json) {
    console.log(JSON.stringify(value));
    return 0;
  }
  const when = value.spec.cron ? `cron "${String(value.spec.cron)}"` : value.spec.every ? `every ${String(value.spec.every)}` : JSON.stringify(value.spec.calendars ?? value.spec.intervals);
  console.log(
    [
      `schedule ${value.scheduleId}: pipeline ${String(value.pipeline)} ${when} (${value.spec.timezone})`,
      `  params: ${JSON.stringify(value.params)}`,
      `  overlap ${value.overlap}, catch-up window ${value.catchupWindow}, ${value.paused ? 'PAUSED' : 'active'}${value.note ? ` (${value.note})` : ''}`,
      `  actions taken ${value.actionsTaken}, skipped for overlap ${value.skippedOverlap}, missed catch-up window ${value.missedCatchupWindow}`,
      `  running: ${value.running.join(', ') || 'none'}`,
      `  recent: ${value.recent.map((r) => `${r.runId} (${r.takenAt})`).join(', ') || 'none'}`,
      `  next: ${value.next.slice(0, 3).join(', ') || 'none'}`,
    ].join('\n'),
  );
  return 0;
}

function say(json: boolean, value: unknown, text: string): number {
  console.log(json ? JSON.stringify(value) : text);
  return 0;
}

function overlapOf(name: string): ScheduleOverlapPolicy {
  const policy = OVERLAP[name];
  if (!policy) throw new PipelineError('INVALID_PARAMS', `--overlap must be one of ${Object.keys(OVERLAP).join(', ')}`, [{ path: '--overlap', message: 'unknown policy' }]);
  return policy;
}

export function validTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
