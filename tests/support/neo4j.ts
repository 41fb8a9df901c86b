import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import neo4j from 'neo4j-driver';
import { REPO_ROOT } from './paths.js';

/** Where scripts/ci-setup.d/20-neo4j.sh puts Neo4j's test harness jars and the compiled launcher. */
export const NEO4J_HARNESS_DIR = path.join(REPO_ROOT, '.cache', 'neo4j-harness');

export interface TestNeo4j {
  uri: string;
  user: string;
  password: string;
  /** How long the harness took to start the database, as the launcher measured it (ms). */
  startedMs: number;
  /** From spawning the JVM to a Bolt URI (ms). */
  wallMs: number;
  /** The environment that points Forgeline at this database. */
  env: { NEO4J_URI: string; NEO4J_USER: string; NEO4J_PASSWORD: string };
  /** Deletes every node and relationship (schema stays). */
  clear(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts a real in-process Neo4j (Community, Neo4j's official test harness) in a child JVM with only
 * Bolt on a free port. The JVM exits when its stdin closes, so it cannot outlive the test process.
 */
export async function startNeo4j(timeoutMs = 150_000): Promise<TestNeo4j> {
  const lib = path.join(NEO4J_HARNESS_DIR, 'lib');
  const classes = path.join(NEO4J_HARNESS_DIR, 'classes');
  if (!existsSync(path.join(classes, 'Neo4jLauncher.class'))) {
    throw new Error(`Neo4j test harness not installed in ${NEO4J_HARNESS_DIR}: run "bash scripts/ci-setup.d/20-neo4j.sh" once`);
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'forgeline-neo4j-'));
  const started = Date.now();
  const java = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const child: ChildProcess = spawn(
    java,
    // A small heap and the C1 compiler only: a test database is tiny and start-up time matters more.
    ['-Xms64m', '-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-cp', `${lib}${path.sep}*${path.delimiter}${classes}`, 'Neo4jLauncher', '--dir', path.join(dir, 'db')],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const { uri, startedMs } = await new Promise<{ uri: string; startedMs: number }>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`Neo4j did not start within ${timeoutMs} ms: ${stderr}`)), timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const uriMatch = /NEO4J_URI=(\S+)/.exec(out);
      const msMatch = /NEO4J_STARTED_MS=(\d+)/.exec(out);
      if (uriMatch && msMatch) {
        clearTimeout(timer);
        resolve({ uri: uriMatch[1]!.replace(/\/$/, ''), startedMs: Number(msMatch[1]) });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Neo4j launcher exited with code ${code}: ${stderr}`));
    });
  });
  const wallMs = Date.now() - started;
  const user = 'neo4j';
  const password = 'forgeline-test';
  return {
    uri,
    user,
    password,
    startedMs,
    wallMs,
    env: { NEO4J_URI: uri, NEO4J_USER: user, NEO4J_PASSWORD: password },
    async clear() {
      const driver = neo4j.driver(uri, neo4j.auth.basic(user, password));
      try {
        await driver.executeQuery('MATCH (n) DETACH DELETE n');
      } finally {
        await driver.close();
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.stdin!.end();
        const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(killer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
