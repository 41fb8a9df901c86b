/**
 * `node reaper.js <parentPid> <targetPid>`: stops `target` once `parent` is gone. For children that
 * are not Forgeline code and so cannot watch their parent themselves: the embedded Temporal server.
 * A SIGKILLed `dev` or `quickstart` otherwise left the server holding port 7233 (issue 24). Runs
 * detached from the parent's process group, so that a signal to the group does not take it first;
 * it exits as soon as the target does.
 */
import { setTimeout as delay } from 'node:timers/promises';

const [parent, target] = process.argv.slice(2).map(Number);
if (!parent || !target) {
  console.error('usage: reaper.js <parentPid> <targetPid>');
  process.exit(2);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

while (alive(target)) {
  if (!alive(parent)) {
    process.kill(target, 'SIGTERM');
    // The server's own shutdown takes a second or two; a server that hangs in it is killed.
    for (let i = 0; i < 40 && alive(target); i++) await delay(250);
    if (alive(target)) process.kill(target, 'SIGKILL');
    break;
  }
  await delay(250);
}
