import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../core/config.js';
import { which } from '../doctor/which.js';
import { PipelineError } from '../../core/errors.js';
import { ensureRunFolder } from '../../core/runs/ensure.js';
import { RUN_REPORT_NAME } from '../../core/runs/names.js';
import { isTty } from '../output.js';

export const usage = 'open <run-id>';

/**
 * Prints the path of a run's HTML report; on a terminal, also opens it with the desktop's opener
 * (xdg-open, or open on macOS) when there is one. Off a terminal (scripts, CI) it only prints.
 */
export async function openCommand(argv: string[]): Promise<number> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} });
  const runId = positionals[0];
  if (!runId) throw new PipelineError('INVALID_PARAMS', `usage: forgeline ${usage}`);
  const folder = await ensureRunFolder(loadConfig(), runId);
  const report = folder.entries.find((e) => e.name === RUN_REPORT_NAME);
  if (!report || report.link === 'missing') {
    throw new PipelineError('INVALID_PARAMS', `run ${runId} has no HTML report on this host; its outputs: \`npx forgeline artifacts ${runId}\``);
  }
  const file = path.join(folder.dir, report.name);
  console.log(file);
  const opener = isTty() ? await which(process.platform === 'darwin' ? 'open' : 'xdg-open') : undefined;
  if (opener) spawn(opener, [file], { detached: true, stdio: 'ignore' }).unref();
  return 0;
}
