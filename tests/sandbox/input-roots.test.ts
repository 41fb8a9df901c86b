import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { awaitRun, startRun, type RunSnapshot } from '../../core/client/runs.js';
import { testClient, useTestWorker } from '../support/harness.js';
import { REPO_ROOT } from '../support/paths.js';

// An empty FORGELINE_INPUT_ROOTS: the worker keeps the defaults (data/ and its state folder), unlike
// the other test files' workers, which also trust the temp folder.
const { env } = useTestWorker({ FORGELINE_INPUT_ROOTS: '' });

async function runSmoke(input: string): Promise<RunSnapshot> {
  const { client, close } = await testClient();
  try {
    return await awaitRun(client, await startRun(client, { pipeline: 'smoke', params: { input } }));
  } finally {
    await close();
  }
}

/** A valid smoke input outside every root, holding a marker that must never reach the state folder. */
async function secretFile(): Promise<{ file: string; marker: string }> {
  const marker = `SECRET-${randomBytes(8).toString('hex')}`;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'forgeline-outside-'));
  const file = path.join(dir, 'secret.jsonl');
  const line = JSON.stringify({ instruction: `what is ${marker}?`, input: '', output: `the answer is ${marker}` });
  await fs.writeFile(file, `${line}\n${line}\n`);
  return { file, marker };
}

async function homeHolds(marker: string): Promise<string[]> {
  const hits: string[] = [];
  for (const entry of await fs.readdir(env.FORGELINE_HOME!, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    if ((await fs.readFile(file)).includes(marker)) hits.push(file);
  }
  return hits;
}

function expectRefused(run: RunSnapshot, given: string): void {
  expect(run.temporalStatus).toBe('FAILED');
  expect(run.failure).toContain('params.input');
  expect(run.failure).toContain(given);
  expect(run.failure).toContain('outside the input roots');
  // The allowed roots are named, so that the operator knows where to put the file.
  expect(run.failure).toContain(path.join(REPO_ROOT, 'data'));
  expect(run.failure).toContain(env.FORGELINE_HOME!);
  // Refused at plan time: no step ran.
  expect(run.state?.steps ?? []).toEqual([]);
}

describe('input roots: a path in params is read only inside FORGELINE_INPUT_ROOTS', () => {
  it('refuses a file outside the roots without reading a byte of it', async () => {
    const { file, marker } = await secretFile();
    const run = await runSmoke(file);
    expectRefused(run, file);
    expect(run.failure).not.toContain(marker);
    expect(await homeHolds(marker)).toEqual([]);
  });

  it('refuses a symlink inside a root that points outside it', async () => {
    const { file, marker } = await secretFile();
    // No marker in the link's name: the path is named in the refusal (and so in the run report); the file's bytes must not be.
    const link = path.join(env.FORGELINE_HOME!, `link-${randomBytes(4).toString('hex')}.jsonl`);
    await fs.symlink(file, link);
    const run = await runSmoke(link);
    expectRefused(run, link);
    await fs.rm(link);
    expect(await homeHolds(marker)).toEqual([]);
  });

  it('refuses a path that climbs out of a root with ..', async () => {
    const { file } = await secretFile();
    const climbing = path.join(env.FORGELINE_HOME!, '..', path.basename(path.dirname(file)), 'secret.jsonl');
    const run = await runSmoke(climbing);
    expectRefused(run, climbing);
  });

  it('applies the same rule to model paths: a base model outside the roots is refused', async () => {
    const { file } = await secretFile();
    const { client, close } = await testClient();
    try {
      const run = await awaitRun(client, await startRun(client, { pipeline: 'json-expert', params: { baseModel: file } }));
      expect(run.temporalStatus).toBe('FAILED');
      expect(run.failure).toContain(`params.baseModel: "${file}" is outside the input roots (read by step "base-model")`);
      expect(run.state?.steps ?? []).toEqual([]);
    } finally {
      await close();
    }
  });

  it('refuses a bucket file that a manifest inside the roots names outside them', async () => {
    const { file, marker } = await secretFile();
    const manifest = path.join(env.FORGELINE_HOME!, 'manifest.json');
    const outside = path.relative(env.FORGELINE_HOME!, file);
    await fs.writeFile(manifest, JSON.stringify({ version: 1, name: 'escape', buckets: [{ name: 'instruction', source: { file: outside }, weight: 0, count: 2 }] }));
    const { client, close } = await testClient();
    try {
      const run = await awaitRun(client, await startRun(client, { pipeline: 'reasoning-curriculum', params: { manifest, baseModel: 'tiny', backend: 'llamacpp' } }));
      expect(run.temporalStatus).toBe('FAILED');
      expect(run.failure).toContain(`bucket "instruction": ${file} is outside the input roots`);
    } finally {
      await close();
    }
    expect(await homeHolds(marker)).toEqual([]);
  });

  it('reads a file inside a root (the state folder), and the default data/ one', async () => {
    const mine = path.join(env.FORGELINE_HOME!, 'mine.jsonl');
    await fs.copyFile(path.join(REPO_ROOT, 'data/smoke.jsonl'), mine);
    expect((await runSmoke(mine)).temporalStatus).toBe('COMPLETED');
    expect((await runSmoke('data/smoke.jsonl')).temporalStatus).toBe('COMPLETED');
  });
});
