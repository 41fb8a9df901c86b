import { statePaths, type ForgelineConfig } from '../config.js';
import path from 'node:path';
import { PipelineError } from '../errors.js';
import { ensureTemporalBinary } from './binary.js';
import { portInUse, startDevServer, type DevServer } from './dev-server.js';
import { portOwner } from './port-owner.js';

/**
 * The embedded default: the official dev server with its SQLite file and log in the state folder.
 * Returns undefined when TEMPORAL_ADDRESS names an existing server instead.
 */
export async function startEmbeddedTemporal(config: ForgelineConfig, say: (msg: string) => void): Promise<DevServer | undefined> {
  if (config.temporalAddress) return undefined;
  // Ports first: a taken port must fail at once, not after the binary's first build.
  await requireFreePorts(config);
  const binary = await ensureTemporalBinary(config.temporalBin, say);
  const paths = statePaths(config.home);
  return startDevServer({
    binary: binary.path,
    dbFile: paths.temporalDb,
    port: config.temporalPort,
    uiPort: config.uiPort,
    logFile: path.join(paths.logs, 'temporal.log'),
  });
}

/** Refuses to start when the frontend or Web UI port is taken, saying by what and what to do. */
export async function requireFreePorts(config: Pick<ForgelineConfig, 'temporalPort' | 'uiPort'>): Promise<void> {
  const owner = await portOwner(config.temporalPort);
  if (owner !== 'free') throw portTaken(config.temporalPort, owner);
  if (await portInUse(config.uiPort)) {
    throw new PipelineError('CONFIG', `port ${config.uiPort} (the Temporal Web UI) is taken by another program; stop it, or set FORGELINE_UI_PORT to a free port`);
  }
}

export function portTaken(port: number, owner: 'temporal' | 'other'): PipelineError {
  const message =
    owner === 'temporal'
      ? `a Temporal server already answers on 127.0.0.1:${port}; set TEMPORAL_ADDRESS=127.0.0.1:${port} to use it, or FORGELINE_TEMPORAL_PORT to start another on a free port`
      : `port ${port} is taken by a program that is not a Temporal server; stop it, or set FORGELINE_TEMPORAL_PORT to a free port (or TEMPORAL_ADDRESS to a Temporal server)`;
  return new PipelineError('CONFIG', message);
}
