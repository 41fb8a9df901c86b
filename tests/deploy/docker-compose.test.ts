import { describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { ALL_QUEUES, CPU_QUEUE } from '../../core/workflow-safe/queues.js';
import { DEV_SERVER_DYNAMIC_CONFIG } from '../../core/temporal/dev-server.js';
import { loadConfig } from '../../core/config.js';
import { REPO_ROOT } from '../support/paths.js';

// The Compose Specification's JSON Schema, as shipped in docker-compose 1.29.2 (compose/config/compose_spec.json).
const SPEC = path.join(REPO_ROOT, 'tests/fixtures/compose-spec.schema.json');

interface Service {
  command?: string[];
  profiles?: string[];
  environment?: Record<string, string>;
  deploy?: { resources?: { reservations?: { devices?: { driver?: string; capabilities?: string[] }[] } } };
  volumes?: string[];
  ports?: string[];
}

/**
 * The shipped schema uses draft-04's `id` keyword for sub-schema ids, which Ajv 8 does not accept;
 * they are labels only (every $ref is a JSON pointer), so they are dropped before compiling.
 */
async function composeSchema(): Promise<Record<string, unknown>> {
  const schema = JSON.parse(await readFile(SPEC, 'utf8')) as Record<string, unknown>;
  const strip = (node: unknown, inProperties: boolean): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach((n) => strip(n, false));
    const obj = node as Record<string, unknown>;
    if (!inProperties && typeof obj.id === 'string') delete obj.id;
    for (const [k, v] of Object.entries(obj)) strip(v, k === 'properties' || k === 'patternProperties' || k === 'definitions');
  };
  strip(schema, false);
  delete schema.$schema; // the 2019-09 meta-schema; the keywords in use compile as draft-07
  return schema;
}

async function load() {
  const text = await readFile(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8');
  return parse(text, { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
}

describe('docker-compose.yml', () => {
  it('validates against the Compose Specification JSON Schema', async () => {
    const validate = new Ajv({ strict: false, allErrors: true }).compile(await composeSchema());
    const doc = await load();
    const ok = validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('has the production services, with the GPU worker reserving NVIDIA devices', async () => {
    const { services, volumes } = await load();
    expect(Object.keys(services).sort()).toEqual(['neo4j', 'postgresql', 'seaweedfs', 'temporal', 'temporal-ui', 'worker-cpu', 'worker-gpu']);
    expect(services['worker-cpu']!.command).toEqual(expect.arrayContaining(['worker', '--queues', CPU_QUEUE]));
    const gpu = services['worker-gpu']!;
    expect(gpu.deploy?.resources?.reservations?.devices?.[0]).toMatchObject({ driver: 'nvidia', capabilities: ['gpu'] });
    for (const w of ['worker-cpu', 'worker-gpu']) {
      expect(services[w]!.environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
    }
    expect(Object.keys(volumes)).toContain('s3-data');
    expect(ALL_QUEUES).toContain(CPU_QUEUE);
  });

  it('points every worker at the S3 service, with a state folder of its own', async () => {
    const { services, volumes } = await load();
    const s3 = services.seaweedfs!;
    // The bucket the workers name is the one `weed mini` creates, on the port they dial.
    const bucket = s3.command!.find((a) => a.startsWith('-bucket='))!.slice('-bucket='.length);
    const workers = Object.keys(services).filter((s) => s.startsWith('worker-'));
    expect(workers.length).toBeGreaterThanOrEqual(2);
    const states = new Set<string>();
    for (const w of workers) {
      const env = services[w]!.environment!;
      const config = loadConfig(env);
      expect({ w, artifacts: config.artifacts }).toEqual({ w, artifacts: { kind: 's3', bucket, prefix: 'artifacts/', endpoint: 'http://seaweedfs:8333', region: 'us-east-1' } });
      // The gateway checks signatures against the identity it was given: the workers sign with the same one.
      expect(env.AWS_ACCESS_KEY_ID).toBe(s3.environment!.AWS_ACCESS_KEY_ID);
      expect(env.AWS_SECRET_ACCESS_KEY).toBe(s3.environment!.AWS_SECRET_ACCESS_KEY);
      const state = services[w]!.volumes!.find((v) => v.endsWith(':/data/forgeline'))!.split(':')[0]!;
      expect(Object.keys(volumes)).toContain(state);
      states.add(state);
    }
    expect(states.size).toBe(workers.length);
    expect(s3.ports).toContain('8333:8333');
  });

  it('rejects a broken compose file (the schema check can fail)', async () => {
    const validate = new Ajv({ strict: false }).compile(await composeSchema());
    expect(validate({ services: { x: { ports: 'not-a-list', bogus_key: 1 } } })).toBe(false);
  });

  it("gives Temporal the embedded dev server's dynamic config, from a file in the repo", async () => {
    const { services } = await load();
    const temporal = services.temporal!;
    const mount = temporal.volumes!.find((v) => v.startsWith('./deploy/'))!;
    const [hostPath, containerPath] = mount.split(':');
    expect(`/etc/temporal/${temporal.environment!.DYNAMIC_CONFIG_FILE_PATH}`).toBe(containerPath);
    const config = parse(await readFile(path.join(REPO_ROOT, hostPath!), 'utf8')) as Record<string, { value: unknown }[]>;
    const asFlags = Object.entries(config).map(([k, v]) => `${k}=${JSON.stringify(v[0]!.value)}`);
    expect(asFlags).toEqual(DEV_SERVER_DYNAMIC_CONFIG);
  });
});

