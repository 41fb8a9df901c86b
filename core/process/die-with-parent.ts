import { Worker } from 'node:worker_threads';

/** Set by the parent when it forks a child (`childEnv()`): the pid the child must outlive no longer than. */
export const PARENT_PID_ENV = 'FORGELINE_PARENT_PID';

/** Environment for a child process that calls `dieWithParent()`: names this process as its parent. */
export function childEnv(): Record<string, string> {
  return { [PARENT_PID_ENV]: String(process.pid) };
}

/**
 * Makes this child process die with its parent, also while its main thread is blocked in native code
 * (a training epoch, a quantization, a model load), where an IPC `disconnect` handler never runs: a
 * worker thread polls the parent pid every `pollMs` and SIGKILLs this process once it changes (a dead
 * parent's children are re-parented to init or a subreaper). A SIGKILLed worker otherwise left its
 * trainer running at full CPU, writing checkpoints into the folder that the retry read (issue 24).
 * The expected parent comes from FORGELINE_PARENT_PID, so a parent that died before this call is
 * noticed too. Not on Windows, where a child's parent pid does not change when the parent dies.
 */
export function dieWithParent(pollMs = 250): void {
  if (process.platform === 'win32') return;
  const parent = Number(process.env[PARENT_PID_ENV]) || process.ppid;
  const watchdog = new Worker(
    `const { workerData } = require('node:worker_threads');
     const check = () => { if (process.ppid !== workerData.parent) process.kill(process.pid, 'SIGKILL'); };
     check();
     setInterval(check, workerData.pollMs);`,
    { eval: true, workerData: { parent, pollMs } },
  );
  // The watchdog must not keep an otherwise finished child alive.
  watchdog.unref();
}
