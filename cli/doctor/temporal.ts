import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ForgelineConfig } from '../../core/config.js';
import { TEMPORAL_CACHE_DIR, TEMPORAL_CLI_VERSION } from '../../core/temporal/binary.js';
import { portInUse } from '../../core/temporal/dev-server.js';
import { portOwner } from '../../core/temporal/port-owner.js';
import { connectClient } from '../../core/temporal/client.js';
import { note, ok, problem, type CheckResult } from './check.js';
import { isExecutable } from './which.js';

const run = promisify(execFile);

export interface BinaryCheck {
  result: CheckResult;
  /** A binary is there (given or built), so nothing has to build it. */
  available: boolean;
}

/** FORGELINE_TEMPORAL_BIN must run; else the pinned build is used, or built on the first start. */
export async function temporalBinaryCheck(config: Pick<ForgelineConfig, 'temporalBin' | 'temporalAddress'>, cacheDir = TEMPORAL_CACHE_DIR): Promise<BinaryCheck> {
  const name = 'temporal binary';
  if (config.temporalBin) {
    const version = await versionOf(config.temporalBin);
    if (version instanceof Error) {
      return {
        result: problem(name, `FORGELINE_TEMPORAL_BIN=${config.temporalBin} does not run (${version.message})`, 'point FORGELINE_TEMPORAL_BIN at a temporal CLI binary (`temporal --version` must run), or unset it to use the pinned build'),
        available: false,
      };
    }
    return { result: ok(name, `${config.temporalBin} (${version}, from FORGELINE_TEMPORAL_BIN)`), available: true };
  }
  const cached = path.join(cacheDir, 'temporal');
  if (await isExecutable(cached)) return { result: ok(name, `${cached} (pinned ${TEMPORAL_CLI_VERSION})`), available: true };
  if (config.temporalAddress) return { result: note(name, `not built; not needed with TEMPORAL_ADDRESS=${config.temporalAddress}`), available: true };
  return { result: note(name, `not built yet: the first \`quickstart\` or \`dev\` builds ${TEMPORAL_CLI_VERSION} with Go into ${cacheDir} (once; minutes)`), available: false };
}

async function versionOf(bin: string): Promise<string | Error> {
  if (!(await isExecutable(bin))) return new Error('not an executable file');
  try {
    const { stdout } = await run(bin, ['--version'], { timeout: 15_000 });
    return stdout.trim().split('\n')[0] ?? '';
  } catch (err) {
    return new Error((err as Error).message.split('\n')[0]);
  }
}

/**
 * The ports the embedded server takes. A Temporal server already on the frontend port is fine (the
 * quickstart uses it); any other program there makes the quickstart refuse to start.
 */
export async function portChecks(config: Pick<ForgelineConfig, 'temporalAddress' | 'temporalPort' | 'uiPort'>): Promise<CheckResult[]> {
  if (config.temporalAddress) return [await serverCheck(config as ForgelineConfig)];
  const frontend = `port ${config.temporalPort}`;
  const owner = await portOwner(config.temporalPort);
  const results: CheckResult[] = [];
  if (owner === 'free') results.push(ok(frontend, 'free (the embedded Temporal server takes it)'));
  else if (owner === 'temporal') results.push(ok(frontend, 'a Temporal server answers there; the quickstart uses it'));
  else results.push(problem(frontend, 'taken by a program that is not a Temporal server', `stop that program (\`ss -ltnp 'sport = :${config.temporalPort}'\` names it), or set FORGELINE_TEMPORAL_PORT to a free port`));
  const ui = `port ${config.uiPort}`;
  if (!(await portInUse(config.uiPort))) results.push(ok(ui, 'free (the Temporal Web UI takes it)'));
  else if (owner === 'temporal') results.push(ok(ui, 'in use, presumably by the running server\'s Web UI'));
  else results.push(problem(ui, 'taken by another program', `stop that program (\`ss -ltnp 'sport = :${config.uiPort}'\` names it), or set FORGELINE_UI_PORT to a free port`));
  return results;
}

/** With TEMPORAL_ADDRESS, the server named must answer. */
async function serverCheck(config: ForgelineConfig): Promise<CheckResult> {
  try {
    const { close } = await connectClient(config);
    await close();
    return ok('temporal server', `${config.temporalAddress} answers (namespace ${config.namespace})`);
  } catch {
    return problem('temporal server', `nothing answers at TEMPORAL_ADDRESS=${config.temporalAddress}`, 'start that server, or unset TEMPORAL_ADDRESS to use the embedded one');
  }
}
