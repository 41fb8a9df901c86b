import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runChild } from '../../../native/job.js';
import { defaultPython } from '../../../activities/train/backends/hf.js';
import { childEnv } from '../../../core/process/die-with-parent.js';
import { ensureTemporalBinary } from '../../../core/temporal/binary.js';
import { freePort, startDevServer } from '../../../core/temporal/dev-server.js';
import { REPO_ROOT } from '../paths.js';

/**
 * A stand-in for a worker, for tests/core/orphans.test.ts: starts one child the way Forgeline starts
 * it (`node`: runChild, as quantization and the llamacpp trainer do; `python`: the hf trainer's
 * Python with its watchdog; `temporal`: the embedded Temporal server, as `dev` and `quickstart` do),
 * prints `child <pid>`, and waits to be killed.
 */
const mode = process.argv[2];
if (mode === 'node') {
  void runChild(new URL('./blocking-child.js', import.meta.url), null, {
    label: 'blocking child',
    onProgress: (p) => console.log(`child ${String(p.pid)}`),
  });
} else if (mode === 'python') {
  const code = 'import sys; sys.path.insert(0, sys.argv[1]); import hf_train; hf_train.die_with_parent(); import os; print("child", os.getpid(), flush=True)\nwhile True: pass';
  const child = spawn(defaultPython(), ['-c', code, path.join(REPO_ROOT, 'python')], { env: { ...process.env, ...childEnv() }, stdio: ['ignore', 'inherit', 'inherit'] });
  child.on('exit', (c) => process.exit(c ?? 1));
} else if (mode === 'temporal') {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'forgeline-orphan-server-'));
  const binary = await ensureTemporalBinary(process.env.FORGELINE_TEMPORAL_BIN, () => undefined);
  const server = await startDevServer({ binary: binary.path, dbFile: path.join(dir, 'temporal.db'), port: await freePort(), uiPort: await freePort(), logFile: path.join(dir, 'temporal.log') });
  console.log(`child ${String(server.process.pid)}`);
  setInterval(() => undefined, 60_000);
} else {
  throw new Error(`usage: parent.js node|python|temporal (got ${String(mode)})`);
}
