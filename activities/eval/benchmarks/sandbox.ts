import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Runs model-generated Python in a subprocess with limits, the way HumanEval's own `execution.py`
 * does (a time limit per program, an address-space limit, file-size and CPU limits through
 * `resource.setrlimit`), plus a wall-clock kill from here. It is NOT a security boundary against a
 * hostile program (network and the file system stay reachable), which is why the evaluate step
 * runs code only with an explicit `allowCodeExecution: true`.
 */
export interface SandboxLimits {
  timeoutMs: number;
  memoryBytes: number;
  python: string;
}

export const DEFAULT_SANDBOX: SandboxLimits = {
  // HumanEval's evaluate_functional_correctness uses 3.0 s per problem.
  timeoutMs: 3000,
  memoryBytes: 512 * 1024 * 1024,
  python: 'python3',
};

export type SandboxOutcome = 'passed' | 'failed' | 'timeout' | 'memory_limit';

const RUNNER = `
import os, resource, sys
mem = int(sys.argv[2]); cpu = int(sys.argv[3])
resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
resource.setrlimit(resource.RLIMIT_DATA, (mem, mem))
resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))
source = open(sys.argv[1]).read()
os.chdir(os.path.dirname(sys.argv[1]))
try:
    exec(compile(source, "program.py", "exec"), {"__name__": "__main__"})
except MemoryError:
    sys.stderr.write("SANDBOX_MEMORY_LIMIT\\n")
    sys.exit(3)
`;

export async function runPython(program: string, dir: string, limits: SandboxLimits = DEFAULT_SANDBOX): Promise<{ outcome: SandboxOutcome; stderr: string }> {
  await fs.mkdir(dir, { recursive: true });
  const file = path.join(dir, 'program.py');
  await fs.writeFile(file, program);
  const cpuSeconds = Math.max(1, Math.ceil(limits.timeoutMs / 1000));
  const child = spawn(limits.python, ['-I', '-c', RUNNER, file, String(limits.memoryBytes), String(cpuSeconds)], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, PYTHONDONTWRITEBYTECODE: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    if (stderr.length < 4000) stderr += d.toString();
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, limits.timeoutMs);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c) => resolve(c));
  }).finally(() => clearTimeout(timer));
  if (timedOut) return { outcome: 'timeout', stderr };
  if (stderr.includes('SANDBOX_MEMORY_LIMIT') || /MemoryError/.test(stderr)) return { outcome: 'memory_limit', stderr };
  return { outcome: code === 0 ? 'passed' : 'failed', stderr };
}
