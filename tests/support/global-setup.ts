import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ensureTemporalBinary } from '../../core/temporal/binary.js';
import { freePort, startDevServer, type DevServer } from '../../core/temporal/dev-server.js';
import { SERVICES_FILE } from './paths.js';

export interface TestServices {
  temporalAddress: string;
  temporalUi: string;
  /** One namespace per jest worker, so that parallel test files never steal each other's tasks. */
  namespaces: string[];
  /**
   * A namespace of its own for a test whose workers would change how other runs are routed: a GPU
   * worker stays listed among a queue's pollers for minutes after it stops, and `device: auto` runs
   * in its namespace would send their GPU steps to that queue, where nobody serves them.
   */
  isolatedNamespace: string;
}

const NAMESPACES = Array.from({ length: 8 }, (_, i) => `test-${i + 1}`);
const ISOLATED_NAMESPACE = 'test-isolated';

/** Starts one real Temporal dev server for the whole test run. */
export default async function globalSetup(): Promise<void> {
  const binary = await ensureTemporalBinary(process.env.FORGELINE_TEMPORAL_BIN, (m) => console.log(m));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'forgeline-temporal-'));
  const server: DevServer = await startDevServer({
    binary: binary.path,
    dbFile: path.join(dir, 'temporal.db'),
    port: await freePort(),
    uiPort: await freePort(),
    namespaces: [...NAMESPACES, ISOLATED_NAMESPACE],
    logFile: path.join(dir, 'temporal.log'),
  });
  (globalThis as { __forgelineServer?: DevServer }).__forgelineServer = server;
  const services: TestServices = { temporalAddress: server.address, temporalUi: server.uiUrl, namespaces: NAMESPACES, isolatedNamespace: ISOLATED_NAMESPACE };
  // Test workers inherit this variable, so concurrent jest runs on one machine never share a server;
  // the file serves tools started outside jest.
  process.env.FORGELINE_TEST_SERVICES = JSON.stringify(services);
  await writeFile(SERVICES_FILE, JSON.stringify(services));
}
