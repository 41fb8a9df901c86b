import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../../core/config.js';
import { PipelineError } from '../../core/errors.js';
import { failureMessage, startRun } from '../../core/client/runs.js';
import type { RunState } from '../../core/workflow-safe/run-state.js';
import { connectClient } from '../../core/temporal/client.js';

interface ForgetReport {
  source: { path: string; sha256: string };
  record?: string;
  runs: string[];
  datasets: { digest: string; action: string }[];
  files: { file: string; removed: number | 'file' }[];
  modelsToRetrain: { digest: string; name?: string; how: string; quantization?: string }[];
}

/**
 * `forgeline ops forget <file> [--record <id>]`: runs the `ops-forget` pipeline (a worker does the
 * deleting, with the lineage store and the artifact store it writes) and prints what it found,
 * what it deleted and which models to retrain.
 */
export async function forgetCommand(source: string | undefined, values: { record?: string; 'id-field': string; root?: string; json: boolean }): Promise<number> {
  if (!source) throw new PipelineError('INVALID_PARAMS', 'ops forget: give the source file', [{ path: 'source', message: 'required' }]);
  const params = {
    source: path.resolve(source),
    idField: values['id-field'],
    ...(values.record ? { record: values.record } : {}),
    ...(values.root ? { root: path.resolve(values.root) } : {}),
  };
  const { client, close } = await connectClient(loadConfig());
  try {
    const runId = await startRun(client, { pipeline: 'ops-forget', params });
    let state: RunState;
    try {
      state = (await client.workflow.getHandle(runId).result()) as RunState;
    } catch (err) {
      throw new PipelineError('STEP_FAILED', `ops forget: run ${runId} failed: ${failureMessage(err)}`);
    }
    const ref = state.steps.find((s) => s.id === 'forget')?.outputs.report;
    const report = JSON.parse(await readFile(ref!.uri.replace(/^file:\/\//, ''), 'utf8')) as ForgetReport;
    if (values.json) {
      console.log(JSON.stringify({ runId, ...report }));
      return 0;
    }
    const what = report.record ? `record ${report.record} of ${report.source.path}` : `file ${report.source.path}`;
    const trained = report.modelsToRetrain.filter((m) => m.how === 'trained');
    console.log(
      [
        `forgot ${what} (run ${runId})`,
        `  built from it: ${report.runs.length} run(s): ${report.runs.join(', ') || 'none'}`,
        `  datasets: ${report.datasets.map((d) => `${d.digest.slice(0, 12)} ${d.action}`).join(', ') || 'none'}`,
        `  files: ${report.files.map((f) => `${f.file} (${f.removed === 'file' ? 'deleted' : `${f.removed} record(s) removed`})`).join(', ')}`,
        `  models to retrain: ${trained.map((m) => `${m.name ?? '?'} ${m.digest.slice(0, 12)}`).join(', ') || 'none'}`,
      ].join('\n'),
    );
    return 0;
  } finally {
    await close();
  }
}
