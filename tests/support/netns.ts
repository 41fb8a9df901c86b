import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * "Hosts" on this machine made of Linux network namespaces: each has its own network stack (its own
 * loopback, one address on a bridge shared with the others) and its own hostname, so that a server
 * bound to one host's address is reached from another only through that address, and a Temporal
 * worker's identity (`pid@hostname`) names the host it runs on. The file system stays shared: a
 * test gives each host its own folders.
 *
 * Everything is named `fl-<pid>-<seq>-...` (pid in base 36), so that concurrent test runs never
 * clash, and a run that died without `remove()` is swept by the next one: its pid is gone.
 */
export interface NetHost {
  /** `a`, `b`, ... */
  name: string;
  netns: string;
  /** Its address on the bridge. */
  address: string;
  /** Its hostname (own UTS namespace): `host-<name>`. */
  hostname: string;
  /** A script that runs `bin` with the script's arguments inside this host: use it where a program path goes. */
  wrap(bin: string): Promise<string>;
  /** Runs a command inside this host and returns its output; a non-zero exit throws. */
  exec(argv: string[]): Promise<string>;
}

export interface NetHosts {
  hosts: Record<string, NetHost>;
  /** This process's address on the bridge (the root namespace reaches every host through it). */
  gateway: string;
  /** Removes the namespaces, the bridge and the wrapper scripts; safe to call twice. */
  remove(): Promise<void>;
}

const PREFIX = 'fl-';
let made = 0;

/** Fails with what is missing when this machine cannot make network namespaces. */
export async function requireNetns(): Promise<void> {
  if (process.platform !== 'linux') throw new Error(`network namespaces need Linux; this is ${process.platform}`);
  if (process.getuid?.() !== 0) throw new Error(`creating network namespaces needs root (uid 0); this test runs as uid ${process.getuid?.()}`);
  for (const [bin, pkg] of [['ip', 'iproute2'], ['unshare', 'util-linux']] as const) {
    await run(bin, ['-V']).catch((err: NodeJS.ErrnoException) => {
      throw new Error(err.code === 'ENOENT' ? `"${bin}" is not on PATH: install ${pkg}` : `"${bin} -V" failed: ${err.message}`);
    });
  }
}

/** One namespace per name (single lower-case letters), on a fresh /24 behind one bridge. */
export async function createHosts(names: readonly string[]): Promise<NetHosts> {
  await requireNetns();
  for (const n of names) if (!/^[a-z]$/.test(n)) throw new Error(`host name "${n}": one lower-case letter (interface names are at most 15 characters)`);
  if (made === 0) await sweepLeftovers();
  const tag = `${PREFIX}${process.pid.toString(36)}-${(made++).toString(36)}`;
  const bridge = `${tag}-br`;
  const subnet = await freeSubnet();
  const scripts = await mkdtemp(path.join(os.tmpdir(), 'forgeline-hosts-'));
  const created: string[] = [];
  const remove = async () => {
    // The kernel drops a deleted namespace's devices lazily: deleting the pairs first leaves nothing behind at once.
    for (const ns of created.splice(0)) {
      await ip('link', 'del', vethOf(ns)).catch(() => undefined);
      await ip('netns', 'del', ns).catch(() => undefined);
    }
    await ip('link', 'del', bridge).catch(() => undefined);
    await rm(scripts, { recursive: true, force: true });
  };
  try {
    await ip('link', 'add', bridge, 'type', 'bridge');
    await ip('addr', 'add', `${subnet}.1/24`, 'dev', bridge);
    await ip('link', 'set', bridge, 'up');
    const hosts: Record<string, NetHost> = {};
    for (const [i, name] of names.entries()) {
      const netns = `${tag}-${name}`;
      const veth = vethOf(netns);
      const address = `${subnet}.${i + 2}`;
      await ip('netns', 'add', netns);
      created.push(netns);
      await ip('link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns);
      await ip('link', 'set', veth, 'master', bridge, 'up');
      await ip('-n', netns, 'addr', 'add', `${address}/24`, 'dev', 'eth0');
      await ip('-n', netns, 'link', 'set', 'eth0', 'up');
      await ip('-n', netns, 'link', 'set', 'lo', 'up');
      hosts[name] = host(name, netns, address, scripts);
    }
    return { hosts, gateway: `${subnet}.1`, remove };
  } catch (err) {
    await remove();
    throw err;
  }
}

function host(name: string, netns: string, address: string, scripts: string): NetHost {
  const hostname = `host-${name}`;
  // `ip netns exec`, `unshare` and `sh` each exec the next, so the program keeps the pid its parent
  // sees (a kill reaches it) and its inherited descriptors (fork's IPC channel).
  const enter = ['ip', 'netns', 'exec', netns, 'unshare', '--uts', 'sh', '-c', 'hostname "$0" && exec "$@"', hostname];
  return {
    name,
    netns,
    address,
    hostname,
    async wrap(bin) {
      const file = path.join(scripts, `${name}-${path.basename(bin)}`);
      await writeFile(file, `#!/bin/sh\nexec ${[...enter, bin].map(shellQuote).join(' ')} "$@"\n`);
      await chmod(file, 0o755);
      return file;
    },
    async exec(argv) {
      const [bin, ...args] = [...enter, ...argv];
      return (await run(bin!, args)).stdout;
    },
  };
}

/** The bridge's end of a host's veth pair (the host's end is its `eth0`). */
const vethOf = (netns: string) => `${netns}0`;

async function ip(...args: string[]): Promise<void> {
  await run('ip', args).catch((err: Error & { stderr?: string }) => {
    throw new Error(`ip ${args.join(' ')}: ${err.stderr?.trim() || err.message}`);
  });
}

/** A 10.x.y.0/24 that no route of this machine mentions. */
async function freeSubnet(): Promise<string> {
  const routes = (await run('ip', ['-4', 'route', 'show', 'table', 'all'])).stdout;
  for (let tries = 0; tries < 50; tries++) {
    const subnet = `10.${200 + Math.floor(Math.random() * 55)}.${Math.floor(Math.random() * 256)}`;
    if (!routes.includes(`${subnet}.`)) return subnet;
  }
  throw new Error('no free 10.x.y.0/24 subnet found for the test hosts');
}

/** Namespaces and bridges of test runs whose process is gone (or is this one, before it made any). */
async function sweepLeftovers(): Promise<void> {
  const owner = (name: string) => Number.parseInt(name.slice(PREFIX.length).split('-')[0]!, 36);
  const gone = (name: string) => {
    const pid = owner(name);
    if (pid === process.pid) return true;
    try {
      process.kill(pid, 0);
      return false;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ESRCH';
    }
  };
  const namespaces = (await run('ip', ['netns', 'list'])).stdout.split('\n').map((l) => l.split(' ')[0]!);
  for (const ns of namespaces) if (ns.startsWith(PREFIX) && gone(ns)) await ip('netns', 'del', ns).catch(() => undefined);
  const bridges = (await run('ip', ['-o', 'link', 'show', 'type', 'bridge'])).stdout.split('\n').map((l) => /^\d+: ([^:@]+)/.exec(l)?.[1] ?? '');
  for (const br of bridges) if (br.startsWith(PREFIX) && gone(br)) await ip('link', 'del', br).catch(() => undefined);
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
