import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../core/config.js';
import { PipelineError } from '../../core/errors.js';
import { awaitRun, startRun, type RunSnapshot } from '../../core/client/runs.js';
import { folderForEndedRun } from '../../core/runs/ensure.js';
import { runStatusWord, verdictLines } from '../verdict.js';
import type { RunFolder } from '../../core/runs/folder.js';
import { RUN_REPORT_NAME } from '../../core/runs/names.js';
import { connectClient } from '../../core/temporal/client.js';
import { parseJsonArg } from '../args.js';
import { runWatcher } from '../live.js';

export const usage = 'run <pipeline> [--params <json|file>] [--wait] [--json] [--no-cache] [--id <run-id>] [--max-parallel N]';

export async function runCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      params: { type: 'string' },
      wait: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      'no-cache': { type: 'boolean', default: false },
      id: { type: 'string' },
      'max-parallel': { type: 'string' },
    },
  });
  const pipeline = positionals[0];
  if (!pipeline) throw new PipelineError('INVALID_PARAMS', `usage: forgeline ${usage}`);
  const params = parseJsonArg('--params', values.params);
  const config = loadConfig();
  const { client, close } = await connectClient(config);
  try {
    const runId = await startRun(
      client,
      {
        pipeline,
        params,
        options: {
          cache: !values['no-cache'],
          ...(values['max-parallel'] ? { maxParallel: Number(values['max-parallel']) } : {}),
        },
      },
      values.id,
    );
    if (!values.wait) {
      if (values.json) console.log(JSON.stringify({ runId, status: 'running' }));
      else console.log(`started ${runId}\n  watch: npx forgeline status ${runId} --watch`);
      return 0;
    }
    const watcher = values.json ? undefined : runWatcher();
    const final = await awaitRun(client, runId, watcher?.update, { onConnection: (m) => console.error(m) }).finally(() => watcher?.finish());
    const folder = await folderForEndedRun(config, final);
    if (values.json) console.log(JSON.stringify({ ...runJson(final), ...(folder ? { folder: folder.dir } : {}) }));
    else console.log([summaryLine(final), ...outcomeLines(final, folder)].join('\n'));
    return final.temporalStatus === 'COMPLETED' ? 0 : 1;
  } finally {
    await close();
  }
}

/** The `--json` shape: run id, status, and the steps with their outputs. */
export function runJson(s: RunSnapshot) {
  return {
    runId: s.runId,
    status: s.state?.status ?? s.temporalStatus.toLowerCase(),
    pipeline: s.state?.pipeline,
    ...(s.failure ? { error: s.failure } : {}),
    notes: s.state?.notes ?? [],
    steps: (s.state?.steps ?? []).map((st) => ({
      id: st.id,
      kind: st.kind,
      status: st.status,
      outputs: st.outputs,
      metadata: st.metadata,
      ...(st.error ? { error: st.error } : {}),
      ...(st.approval ? { approval: st.approval } : {}),
    })),
  };
}

function summaryLine(s: RunSnapshot): string {
  return `${s.runId}: ${runStatusWord(s)}${s.failure ? ` - ${s.failure}` : ''}${s.state?.haltReason ? ` (${s.state.haltReason})` : ''}`;
}

/**
 * What a person looks for after a run: promotion decisions with their reasons, the HTML report (by
 * its name in the run folder when there is one) and the run folder.
 */
export function outcomeLines(s: RunSnapshot, folder?: RunFolder): string[] {
  const lines = s.state ? verdictLines(s.state, folder) : [];
  if (!lines.some((l) => l.startsWith('report: '))) {
    const folderReport = folder?.entries.find((e) => e.name === RUN_REPORT_NAME && e.link !== 'missing');
    if (folderReport) lines.push(`report: ${path.join(folder!.dir, folderReport.name)}`);
    else if (s.state?.report) lines.push(`report: ${s.state.report.html.uri.replace('file://', '')}`);
  }
  if (folder) lines.push(`outputs: ${folder.dir} (\`npx forgeline artifacts ${s.runId}\` lists them)`);
  return lines;
}
