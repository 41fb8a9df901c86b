import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadConfig, temporalAddressOf } from '../../config.js';
import { portInUse } from '../../temporal/dev-server.js';
import { TEMPORAL_CACHE_DIR, TEMPORAL_CLI_VERSION } from '../../temporal/binary.js';

const run = promisify(execFile);

async function which(cmd: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, cmd);
    try {
      await access(p, constants.X_OK);
      return p;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

async function nvidiaGpus(): Promise<{ name: string; memoryMiB: number }[]> {
  if (!(await which('nvidia-smi'))) return [];
  try {
    const { stdout } = await run('nvidia-smi', ['--query-gpu=name,memory.total', '--format=csv,noheader,nounits']);
    return stdout.trim().split('\n').filter(Boolean).map((l) => {
      const [name, mem] = l.split(',').map((s) => s.trim());
      return { name: name ?? 'unknown', memoryMiB: Number(mem) };
    });
  } catch {
    return [];
  }
}

/** What this host has: Temporal binary and server, state folder, GPUs, optional services. */
export async function doctorCommand(argv: string[]): Promise<number> {
  const config = loadConfig();
  const address = temporalAddressOf(config);
  const [host, port] = address.split(':');
  const cached = path.join(TEMPORAL_CACHE_DIR, 'temporal');
  const report = {
    node: process.version,
    stateFolder: config.home,
    temporal: {
      binary: config.temporalBin ?? ((await access(cached, constants.X_OK).then(() => true, () => false)) ? cached : null),
      pinnedVersion: TEMPORAL_CLI_VERSION,
      address,
      embedded: !config.temporalAddress,
      reachable: host === '127.0.0.1' || host === 'localhost' ? await portInUse(Number(port)) : null,
      namespace: config.namespace,
    },
    gpus: {
      cuda: await nvidiaGpus(),
      metal: process.platform === 'darwin' && process.arch === 'arm64',
    },
    services: {
      neo4j: config.neo4j ? config.neo4j.uri : null,
      anthropic: config.anthropicApiKey ? 'ANTHROPIC_API_KEY set' : null,
      go: (await which('go')) ?? null,
      python: (await which('python3')) ?? null,
    },
  };
  if (argv.includes('--json')) console.log(JSON.stringify(report, null, 2));
  else {
    console.log(`node            ${report.node}`);
    console.log(`state folder    ${report.stateFolder}`);
    console.log(`temporal binary ${report.temporal.binary ?? `not built yet (pinned ${TEMPORAL_CLI_VERSION}; \`forgeline dev\` builds it)`}`);
    console.log(`temporal server ${address} (${report.temporal.embedded ? 'embedded' : 'TEMPORAL_ADDRESS'}) ${report.temporal.reachable === false ? 'not running' : report.temporal.reachable ? 'up' : ''}`);
    console.log(`cuda gpus       ${report.gpus.cuda.map((g) => `${g.name} ${g.memoryMiB} MiB`).join(', ') || 'none'}`);
    console.log(`metal           ${report.gpus.metal ? 'Apple Silicon' : 'no'}`);
    console.log(`neo4j           ${report.services.neo4j ?? 'not configured (embedded lineage store)'}`);
    console.log(`anthropic       ${report.services.anthropic ?? 'no ANTHROPIC_API_KEY (templates and local models only)'}`);
  }
  return 0;
}
