import os from 'node:os';

/**
 * A worker's identity names its state folder, so a client can tell whose workers poll a queue
 * (Temporal shows the identity in the Web UI and in describeTaskQueue). Two state folders' workers
 * on one server would share a task queue, and a run started from one could run on the other's store.
 */
const HOME_MARK = ' forgeline-home=';

export function workerIdentity(home: string): string {
  return `${process.pid}@${os.hostname()}${HOME_MARK}${home}`;
}

/** The state folder a Forgeline worker's identity names; undefined for any other identity. */
export function homeOfIdentity(identity: string): string | undefined {
  const at = identity.indexOf(HOME_MARK);
  return at < 0 ? undefined : identity.slice(at + HOME_MARK.length);
}
