import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { CLI, REPO_ROOT } from './paths.js';

const run = promisify(execFile);

export interface Terminal {
  /** The screen as a person sees it now (tmux renders the escape sequences). */
  screen(): Promise<string>;
  /** Polls the screen until `test` holds; throws with the last screen after `timeoutMs`. */
  waitFor(test: (screen: string) => boolean, timeoutMs?: number): Promise<string>;
  keys(...keys: string[]): Promise<void>;
  close(): Promise<void>;
}

let sessions = 0;

/**
 * `forgeline <args>` on a real pseudo-terminal of `cols` x `rows`: a tmux server of its own (its own
 * socket, started with `env`), so the command sees a TTY exactly as in a person's terminal. When the
 * command ends, `[exit N]` is printed below its output and the pane stays.
 */
export async function inTerminal(args: string[], env: NodeJS.ProcessEnv, cols = 140, rows = 45): Promise<Terminal> {
  const socket = `forgeline-test-${process.pid}-${++sessions}`;
  const tmux = (...a: string[]) => run('tmux', ['-L', socket, ...a], { env, cwd: REPO_ROOT });
  const quoted = [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  await tmux('new-session', '-d', '-x', String(cols), '-y', String(rows), `cd '${REPO_ROOT}' && ${quoted}; echo "[exit $?]"; sleep 600`);
  const screen = async () => (await tmux('capture-pane', '-p', '-J')).stdout;
  return {
    screen,
    async waitFor(test, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      let last = '';
      while (Date.now() < deadline) {
        last = await screen();
        if (test(last)) return last;
        await sleep(200);
      }
      throw new Error(`the terminal never showed what was expected; last screen:\n${last}`);
    },
    async keys(...keys) {
      await tmux('send-keys', ...keys);
    },
    async close() {
      await tmux('kill-server').catch(() => undefined);
      // tmux leaves its socket file behind; one per test would pile up in the temp folder.
      await rm(path.join(env.TMUX_TMPDIR || os.tmpdir(), `tmux-${process.getuid?.() ?? 0}`, socket), { force: true });
    },
  };
}
