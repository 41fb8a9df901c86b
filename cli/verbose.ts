import path from 'node:path';
import { statePaths, type ForgelineConfig } from '../core/config.js';

/** `--verbose`, which main.ts takes off every command line before the command parses its own options. */
let verbose = false;

export function setVerbose(on: boolean): void {
  verbose = on;
}

export const isVerbose = (): boolean => verbose;

/**
 * The config for a worker inside a CLI process: its JSON logs go to `<home>/logs/worker.log`
 * (or FORGELINE_LOG_FILE), and to stderr only with `--verbose`, so that they never interleave with
 * what the command prints for a person.
 */
export function inProcessWorkerConfig(config: ForgelineConfig): ForgelineConfig {
  if (verbose) return { ...config, logFile: undefined };
  return { ...config, logFile: config.logFile ?? path.join(statePaths(config.home).logs, 'worker.log') };
}
