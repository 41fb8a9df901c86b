import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../core/temporal/dev-server.js';
import { REPO_ROOT } from './paths.js';

/** `<module> <version>`, pinned once for the build script and this harness. */
const [, SEAWEEDFS_VERSION] = readFileSync(path.join(REPO_ROOT, 'tools/seaweedfs/version'), 'utf8').trim().split(/\s+/);
/** Where scripts/ci-setup.d/25-seaweedfs.sh builds `weed`. */
export const WEED_BIN = path.join(REPO_ROOT, '.cache/seaweedfs', SEAWEEDFS_VERSION!, 'weed');

export interface TestS3 {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  bucket: string;
  /** What a worker needs to use this server as its artifact store under `prefix`. */
  env(prefix: string): Record<string, string>;
  client(): S3Client;
  /** Stops the server and removes its data (all of it, not just this test's bucket). */
  stop(): Promise<void>;
}

const ACCESS_KEY = 'forgeline-test';
const SECRET_KEY = 'forgeline-test-secret';

export interface SeaweedFsOptions {
  bucket?: string;
  /** The address every part listens on and advertises (default 127.0.0.1). */
  host?: string;
  /** What runs as `weed`: WEED_BIN, or a script that runs it inside another host (tests/support/netns.ts). */
  weed?: string;
  timeoutMs?: number;
}

/**
 * Starts a real SeaweedFS (`weed mini`: master, volume, filer and S3 gateway in one process) on
 * free ports with a fresh data folder, and creates `bucket`. The S3 gateway checks request
 * signatures against the one admin identity given by AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
 * The server runs under a shell that kills it when this process's end closes its stdin, so it
 * cannot outlive the test process.
 */
export async function startSeaweedFs(options: SeaweedFsOptions = {}): Promise<TestS3> {
  const { bucket = 'forgeline-test', host = '127.0.0.1', timeoutMs = 90_000 } = options;
  if (!existsSync(WEED_BIN)) throw new Error(`SeaweedFS not built at ${WEED_BIN}: run "bash scripts/ci-setup.d/25-seaweedfs.sh" once`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'forgeline-seaweedfs-'));
  const port = async () => String(await freePort());
  const s3Port = await port();
  const args = [
    'mini',
    `-dir=${dir}`,
    `-ip=${host}`,
    `-ip.bind=${host}`,
    `-master.port=${await port()}`,
    `-master.port.grpc=${await port()}`,
    `-volume.port=${await port()}`,
    `-volume.port.grpc=${await port()}`,
    `-filer.port=${await port()}`,
    `-filer.port.grpc=${await port()}`,
    `-s3.port=${s3Port}`,
    `-s3.port.grpc=${await port()}`,
    '-s3.port.iceberg=0',
    '-s3.port.lance=0',
    '-webdav=false',
    '-admin.ui=false',
    '-master.telemetry=false',
  ];
  const log = path.join(dir, 'weed.log');
  const child: ChildProcess = spawn('bash', ['-c', `"$0" "$@" >"${log}" 2>&1 & pid=$!; cat >/dev/null; kill $pid; wait $pid`, options.weed ?? WEED_BIN, ...args], {
    env: { ...process.env, AWS_ACCESS_KEY_ID: ACCESS_KEY, AWS_SECRET_ACCESS_KEY: SECRET_KEY },
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const endpoint = `http://${host}:${s3Port}`;
  const client = () => new S3Client({ endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY } });
  const stop = async () => {
    child.stdin?.end();
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  const s3 = client();
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`weed exited early (${child.exitCode}):\n${await tail(log)}`);
      try {
        await s3.send(new HeadBucketCommand({ Bucket: bucket }));
        break;
      } catch (err) {
        const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === 404) await s3.send(new CreateBucketCommand({ Bucket: bucket })).catch(() => undefined);
        if (Date.now() > deadline) throw new Error(`SeaweedFS's S3 gateway did not serve ${endpoint} within ${timeoutMs} ms:\n${await tail(log)}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  } catch (err) {
    await stop();
    throw err;
  } finally {
    s3.destroy();
  }
  return {
    endpoint,
    bucket,
    client,
    stop,
    env: (prefix) => ({
      FORGELINE_ARTIFACTS: `s3://${bucket}/${prefix}`,
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: ACCESS_KEY,
      AWS_SECRET_ACCESS_KEY: SECRET_KEY,
      AWS_REGION: 'us-east-1',
    }),
  };
}

async function tail(file: string): Promise<string> {
  return (await readFile(file, 'utf8').catch(() => '')).split('\n').slice(-20).join('\n');
}
