import { parseArgs } from 'node:util';
import { loadConfig } from '../../core/config.js';
import { PipelineError } from '../../core/errors.js';
import { ensureRunFolder } from '../../core/runs/ensure.js';
import { table } from '../output.js';

export const usage = 'artifacts <run-id> [--json]';

/** A run's outputs under their readable names in `<state>/runs/<run-id>/`, with sizes and record counts. */
export async function artifactsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
  const runId = positionals[0];
  if (!runId) throw new PipelineError('INVALID_PARAMS', `usage: forgeline ${usage}`);
  const folder = await ensureRunFolder(loadConfig(), runId);
  if (values.json) {
    console.log(JSON.stringify({ runId, folder: folder.dir, outputs: folder.entries }));
    return 0;
  }
  const rows = [['NAME', 'SIZE', 'RECORDS', 'FROM']];
  for (const e of folder.entries) rows.push([e.name, humanBytes(e.bytes), e.records === undefined ? '' : String(e.records), `${e.step}.${e.output}${e.link === 'missing' ? ` (not on this host${e.uri?.startsWith('s3://') ? `: ${e.uri}` : ''})` : ''}`]);
  console.log(table(rows));
  console.log(`folder: ${folder.dir}`);
  return 0;
}

export function humanBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}
