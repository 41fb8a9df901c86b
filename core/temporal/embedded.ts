import { DEFAULT_TEMPORAL_PORT, DEFAULT_UI_PORT, statePaths, type ForgelineConfig } from '../config.js';
import path from 'node:path';
import { ensureTemporalBinary } from './binary.js';
import { startDevServer, type DevServer } from './dev-server.js';

/**
 * The embedded default: the official dev server with its SQLite file and log in the state folder.
 * Returns undefined when TEMPORAL_ADDRESS names an existing server instead.
 */
export async function startEmbeddedTemporal(config: ForgelineConfig, say: (msg: string) => void): Promise<DevServer | undefined> {
  if (config.temporalAddress) return undefined;
  const binary = await ensureTemporalBinary(config.temporalBin, say);
  const paths = statePaths(config.home);
  return startDevServer({
    binary: binary.path,
    dbFile: paths.temporalDb,
    port: DEFAULT_TEMPORAL_PORT,
    uiPort: DEFAULT_UI_PORT,
    logFile: path.join(paths.logs, 'temporal.log'),
  });
}
