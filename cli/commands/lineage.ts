import { parseArgs } from 'node:util';
import { artifactLineage, openLineageStore, resolveTarget, runLineage, type StoreChoice } from '../../activities/lineage/index.js';
import { formatArtifactLineage, formatRunLineage } from '../lineage-format.js';
import { loadConfig } from '../../core/config.js';
import { PipelineError } from '../../core/errors.js';

export const usage = 'lineage <model|artifact|run> [--store auto|neo4j|local] [--json]';

export const STORE_OPTION = { type: 'string', default: 'auto' } as const;

export function storeChoice(value: string | undefined): StoreChoice {
  if (value === 'auto' || value === 'neo4j' || value === 'local') return value;
  throw new PipelineError('INVALID_PARAMS', `--store must be auto, neo4j or local (got "${value}")`, [{ path: '--store', message: 'unknown store' }]);
}

/** The upstream tree of a model or artifact (down to source files), or what a run read and wrote. */
export async function lineageCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { store: STORE_OPTION, json: { type: 'boolean', default: false } } });
  const id = positionals[0];
  if (!id || positionals.length > 1) {
    console.error(`usage: forgeline ${usage}`);
    return 1;
  }
  const store = openLineageStore(loadConfig(), storeChoice(values.store));
  try {
    const target = await resolveTarget(store, id);
    if (target.type === 'run') {
      const l = await runLineage(store, target.run);
      console.log(values.json ? JSON.stringify(l, null, 2) : formatRunLineage(l));
    } else {
      const t = await artifactLineage(store, target.digest);
      console.log(values.json ? JSON.stringify(t, null, 2) : formatArtifactLineage(t));
    }
    return 0;
  } finally {
    await store.close();
  }
}
