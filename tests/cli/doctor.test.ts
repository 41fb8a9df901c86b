import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { diskCheck, goCheck, nodeCheck } from '../../cli/doctor/host.js';
import { nodeSatisfies, supportedNodeRange } from '../../cli/doctor/node-range.js';
import { TEMPORAL_CACHE_DIR } from '../../core/temporal/binary.js';
import { freePort } from '../../core/temporal/dev-server.js';
import { cli, services, testEnv } from '../support/harness.js';
import { holdPort } from '../support/hold-port.js';

/** The lines `forgeline doctor` printed for one check: its status line and, for a problem, its fix. */
function linesOf(stdout: string, name: string): { status: string; detail: string; fix?: string } | undefined {
  const lines = stdout.split('\n');
  const i = lines.findIndex((l) => new RegExp(`^(ok|note|PROBLEM)\\s+${name.replace(/[()]/g, '\\$&')}\\s{2,}`).test(l));
  if (i < 0) return undefined;
  const m = /^(\S+)\s+.+?\s{2,}(.*)$/.exec(lines[i]!)!;
  const next = lines[i + 1]?.trim() ?? '';
  return { status: m[1]!, detail: m[2]!, ...(next.startsWith('fix: ') ? { fix: next.slice(5) } : {}) };
}

describe('forgeline doctor, each check broken in turn', () => {
  const held: { port: number; close(): Promise<void> }[] = [];
  let dir: string;
  let brokenEnv: NodeJS.ProcessEnv;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'forgeline-doctor-'));
    held.push(await holdPort(), await holdPort());
    const failingBin = path.join(dir, 'temporal');
    await writeFile(failingBin, '#!/bin/sh\necho "broken build" >&2\nexit 3\n');
    await chmod(failingBin, 0o755);
    // A real interpreter without the hf packages, as a venv made but never filled.
    execFileSync('python3', ['-m', 'venv', '--without-pip', path.join(dir, 'venv')]);
    const env = await testEnv();
    delete env.TEMPORAL_ADDRESS;
    brokenEnv = {
      ...env,
      FORGELINE_TEMPORAL_PORT: String(held[0]!.port),
      FORGELINE_UI_PORT: String(held[1]!.port),
      FORGELINE_TEMPORAL_BIN: failingBin,
      FORGELINE_BASE_MODEL: path.join(dir, 'no-such-model.gguf'),
      FORGELINE_PYTHON: path.join(dir, 'venv', 'bin', 'python'),
      NEO4J_URI: `bolt://127.0.0.1:${await freePort()}`,
    };
  });
  afterAll(async () => {
    for (const h of held) await h.close();
  });

  it('names every broken part with one fix line each, and exits 1', async () => {
    const res = await cli(['doctor'], brokenEnv, 120_000);
    expect(res.code).toBe(1);
    const [frontend, ui] = held.map((h) => h.port);
    expect(linesOf(res.stdout, `port ${frontend}`)).toEqual({
      status: 'PROBLEM',
      detail: 'taken by a program that is not a Temporal server',
      fix: `stop that program (\`ss -ltnp 'sport = :${frontend}'\` names it), or set FORGELINE_TEMPORAL_PORT to a free port`,
    });
    expect(linesOf(res.stdout, `port ${ui}`)).toMatchObject({ status: 'PROBLEM', fix: expect.stringContaining('FORGELINE_UI_PORT') });
    expect(linesOf(res.stdout, 'temporal binary')).toMatchObject({
      status: 'PROBLEM',
      detail: `FORGELINE_TEMPORAL_BIN=${path.join(dir, 'temporal')} does not run (Command failed: ${path.join(dir, 'temporal')} --version)`,
      fix: expect.stringContaining('`temporal --version` must run'),
    });
    expect(linesOf(res.stdout, 'base model')).toEqual({
      status: 'PROBLEM',
      detail: `${path.join(dir, 'no-such-model.gguf')}: missing`,
      fix: expect.stringContaining('FORGELINE_BASE_MODEL'),
    });
    expect(linesOf(res.stdout, 'python (hf)')).toMatchObject({
      status: 'PROBLEM',
      detail: expect.stringContaining('cannot import torch, transformers, peft'),
      fix: expect.stringContaining('scripts/setup-hf.sh'),
    });
    expect(linesOf(res.stdout, 'neo4j')).toMatchObject({ status: 'PROBLEM', fix: expect.stringContaining('NEO4J_URI') });
    const problems = res.stdout.split('\n').filter((l) => l.startsWith('PROBLEM')).length;
    expect(res.stdout.split('\n').filter((l) => l.trim().startsWith('fix: '))).toHaveLength(problems);
    expect(res.stdout).toContain(`${problems} problems: see the fix lines above`);
  });

  it('passes the same checks once each part is sound: the Temporal server on the port, a real binary, a GGUF file', async () => {
    const model = path.join(dir, 'model.gguf');
    await writeFile(model, Buffer.concat([Buffer.from('GGUF'), Buffer.alloc(28)]));
    const temporalPort = services().temporalAddress.split(':')[1]!;
    const { FORGELINE_PYTHON: _python, NEO4J_URI: _neo4j, ...rest } = brokenEnv;
    const env = {
      ...rest,
      FORGELINE_TEMPORAL_PORT: temporalPort,
      FORGELINE_UI_PORT: String(await freePort()),
      FORGELINE_TEMPORAL_BIN: process.env.FORGELINE_TEMPORAL_BIN ?? path.join(TEMPORAL_CACHE_DIR, 'temporal'),
      FORGELINE_BASE_MODEL: model,
    };
    const res = await cli(['doctor', '--json'], env, 120_000);
    const report = JSON.parse(res.stdout) as { checks: { name: string; status: string; detail: string }[] };
    const byName = new Map(report.checks.map((c) => [c.name, c]));
    expect(byName.get(`port ${temporalPort}`)).toMatchObject({ status: 'ok', detail: 'a Temporal server answers there; the quickstart uses it' });
    expect(byName.get('temporal binary')).toMatchObject({ status: 'ok', detail: expect.stringMatching(/temporal version/) });
    expect(byName.get('base model')).toEqual({ name: 'base model', status: 'ok', detail: model });
    expect(byName.get('node')).toMatchObject({ status: 'ok' });
    expect(byName.has('neo4j')).toBe(false);
  });

  it('calls a file that is not GGUF a problem, naming what it starts with', async () => {
    const notModel = path.join(dir, 'model.txt');
    await writeFile(notModel, 'hello');
    const res = await cli(['doctor'], { ...brokenEnv, FORGELINE_BASE_MODEL: notModel }, 120_000);
    expect(linesOf(res.stdout, 'base model')).toMatchObject({ status: 'PROBLEM', detail: `${notModel} is not a GGUF file (it starts with "hell")` });
  });

  it('Go is a problem only when nothing else provides the Temporal binary', async () => {
    expect(await goCheck(false, dir)).toMatchObject({ status: 'problem', fix: expect.stringContaining('https://go.dev/dl/') });
    expect(await goCheck(true, dir)).toMatchObject({ status: 'note', detail: 'not found; not needed while the Temporal binary is there' });
  });

  it('free disk: a need above what the volume has is a problem naming both amounts', async () => {
    const okResult = await diskCheck(dir, 1);
    expect(okResult.status).toBe('ok');
    const free = Number(/^([\d.]+) GiB free/.exec(okResult.detail)![1]);
    const res = await diskCheck(path.join(dir, 'not-made-yet'), (free + 10) * 1024 ** 3);
    expect(res).toMatchObject({ status: 'problem', detail: expect.stringMatching(new RegExp(`GiB free at ${dir}, a run needs about ${(free + 10).toFixed(1)} GiB`)) });
  });

  it("Node: package.json's range decides, and a Node outside it is a problem", () => {
    expect(nodeCheck().status).toBe('ok');
    expect(nodeCheck('18.20.4')).toMatchObject({ status: 'problem', detail: `v18.20.4 is not supported (supported: ${supportedNodeRange()})` });
    expect(nodeSatisfies('20.18.9', '^20.19.0 || >=24')).toBe(false);
    expect(nodeSatisfies('22.20.0', '^20.19.0 || >=24')).toBe(false);
    expect(nodeSatisfies('24.0.0', '^20.19.0 || >=24')).toBe(true);
    expect(() => nodeSatisfies('20.0.0', '~20.1')).toThrow('cannot read the range "~20.1"');
  });
});
