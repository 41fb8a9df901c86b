import { parseArgs } from 'node:util';
import { openLineageStore, resolveTarget, runsUsing } from '../../activities/lineage/index.js';
import { formatRunUses } from '../lineage-format.js';
import { loadConfig } from '../../core/config.js';
import { PipelineError } from '../../core/errors.js';
import { table } from '../output.js';
import { STORE_OPTION, storeChoice } from './lineage.js';

export const usage = 'runs --uses <artifact|model> [--depth N] [--store auto|neo4j|local] [--json]';

/** The runs that read an artifact, directly or through artifacts derived from it (up to --depth steps). */
export async function runsCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { uses: { type: 'string' }, depth: { type: 'string', default: '10' }, store: STORE_OPTION, json: { type: 'boolean', default: false } },
  });
  if (!values.uses) {
    console.error(`usage: forgeline ${usage}`);
    return 1;
  }
  const depth = Number(values.depth);
  if (!Number.isInteger(depth) || depth < 0 || depth > 20) {
    throw new PipelineError('INVALID_PARAMS', '--depth must be an integer from 0 to 20', [{ path: '--depth', message: `got "${values.depth}"` }]);
  }
  const store = openLineageStore(loadConfig(), storeChoice(values.store));
  try {
    const target = await resolveTarget(store, values.uses);
    if (target.type !== 'artifact') {
      throw new PipelineError('INVALID_PARAMS', `--uses takes an artifact digest or a model name, and "${values.uses}" is a run`, [{ path: '--uses', message: 'a run id' }]);
    }
    const uses = await runsUsing(store, target.digest, depth);
    console.log(values.json ? JSON.stringify({ artifact: target.digest, runs: uses }, null, 2) : formatRunUses(target.digest, uses, table));
    return 0;
  } finally {
    await store.close();
  }
}
