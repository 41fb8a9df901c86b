import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { loadConfig } from '../../core/config.js';
import { runChecks, type CheckResult } from '../doctor/index.js';
import { which } from '../doctor/which.js';
import { table } from '../output.js';

export const usage = 'doctor [--json]';

const run = promisify(execFile);

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

const MARK: Record<CheckResult['status'], string> = { ok: 'ok', note: 'note', problem: 'PROBLEM' };

/**
 * Checks what a first run needs, one line each, and for every problem one `fix:` line; exits 1 when
 * there is a problem. Then what the host offers beyond that (GPUs, optional services).
 */
export async function doctorCommand(argv: string[]): Promise<number> {
  const config = loadConfig();
  const checks = await runChecks(config);
  const gpus = { cuda: await nvidiaGpus(), metal: process.platform === 'darwin' && process.arch === 'arm64' };
  const problems = checks.filter((c) => c.status === 'problem').length;
  if (argv.includes('--json')) {
    console.log(JSON.stringify({ stateFolder: config.home, problems, checks, gpus, anthropic: Boolean(config.anthropicApiKey) }, null, 2));
    return problems ? 1 : 0;
  }
  const rows: string[][] = [];
  for (const c of checks) {
    rows.push([MARK[c.status], c.name, c.detail]);
    if (c.fix) rows.push(['', '', `fix: ${c.fix}`]);
  }
  rows.push(['', 'state folder', config.home]);
  rows.push(['', 'cuda gpus', gpus.cuda.map((g) => `${g.name} ${g.memoryMiB} MiB`).join(', ') || 'none']);
  rows.push(['', 'metal', gpus.metal ? 'Apple Silicon' : 'no']);
  rows.push(['', 'anthropic', config.anthropicApiKey ? 'ANTHROPIC_API_KEY set' : 'no ANTHROPIC_API_KEY (templates and local models only)']);
  console.log(table(rows));
  console.log(problems ? `${problems} problem${problems > 1 ? 's' : ''}: see the fix lines above` : 'ready for `npx forgeline quickstart`');
  return problems ? 1 : 0;
}
