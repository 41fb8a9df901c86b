import { parseArgs } from 'node:util';
import { openLineageStore, registry } from '../../activities/lineage/index.js';
import { formatRegistry } from '../lineage-format.js';
import { loadConfig } from '../../core/config.js';
import { table } from '../output.js';
import { STORE_OPTION, storeChoice } from './lineage.js';

export const usage = 'models [--store auto|neo4j|local] [--json]';

/** The model registry: every trained model with its version, quantized files, evaluation and promotion. */
export async function modelsCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { store: STORE_OPTION, json: { type: 'boolean', default: false } } });
  const store = openLineageStore(loadConfig(), storeChoice(values.store));
  try {
    const entries = await registry(store);
    console.log(values.json ? JSON.stringify(entries, null, 2) : formatRegistry(entries, table));
    return 0;
  } finally {
    await store.close();
  }
}
