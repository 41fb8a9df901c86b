import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { awaitRun, startRun } from '../../core/client/runs.js';
import type { ArtifactRef } from '../../core/artifacts/ref.js';
import { LocalArtifactStore } from '../../core/artifacts/local-store.js';
import { statePaths } from '../../core/config.js';
import { plainValue, readGguf } from '../../native/gguf-writer.js';
import { startWorker, testClient, testEnv, type RunningWorker } from '../support/harness.js';

let env: NodeJS.ProcessEnv;
let worker: RunningWorker;


/** A small, repetitive instruction dataset (plus one record no format fits), written by the test. */
async function writeDataset(file: string, n: number): Promise<void> {
  const who = ['the cat', 'a dog', 'the bird', 'my friend', 'the teacher'];
  const verbs = ['sees', 'likes', 'finds', 'helps'];
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    lines.push(JSON.stringify({ instruction: `What does ${who[i % 5]} do?`, output: `${who[i % 5]} ${verbs[i % 4]} ${who[(i + 2) % 5]} every day.` }));
  }
  lines.splice(3, 0, JSON.stringify({ question: 'no known format' }));
  await fs.writeFile(file, `${lines.join('\n')}\n`);
}

beforeAll(async () => {
  env = await testEnv();
  worker = await startWorker(env);
});
afterAll(async () => {
  await worker?.stop();
});

/** The pid of the llamacpp trainer child of the test worker, if one runs (`ps` exits 1 when none). */
function trainerPid(): number | undefined {
  let out = '';
  try {
    out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(worker.process.pid)], { encoding: 'utf8' });
  } catch {
    return undefined;
  }
  const line = out.split('\n').find((l) => l.includes('llamacpp-child.js'));
  return line ? Number(line.trim().split(/\s+/)[0]) : undefined;
}

const store = (): LocalArtifactStore => new LocalArtifactStore(statePaths(env.FORGELINE_HOME!).artifacts);
const stepOf = (state: { steps: { id: string; metadata: Record<string, unknown>; outputs: Record<string, ArtifactRef> }[] }, id: string) => state.steps.find((s) => s.id === id)!;

describe('train step (llamacpp backend) through Temporal', () => {
  it('trains two phases in a chain, the loss falls, and Q8_0 / Q4_K_M files are smaller and load', async () => {
    const data = path.join(env.FORGELINE_HOME!, 'train.jsonl');
    await writeDataset(data, 24);
    const { client, close } = await testClient(env);
    try {
      const final = await awaitRun(client, await startRun(client, { pipeline: 'test-train', params: { data, quantize: ['Q8_0', 'Q4_K_M'], tag: `-${Date.now()}` } }));
      expect(final.failure).toBeUndefined();
      expect(final.temporalStatus).toBe('COMPLETED');
      const state = final.state!;
      expect(state.notes.join(' ')).toMatch(/device auto: no worker polls gpu-cuda or gpu-metal/);
      const p1 = stepOf(state, 'train-calibration').metadata as { firstLoss: number; lastLoss: number; epochs: { trainLoss: number; validLoss: number }[]; records: { kept: number; rejected: number; dropped: Record<string, number> } };
      const p2 = stepOf(state, 'train-reasoning').metadata as { firstLoss: number; lastLoss: number; steps: number };
      // A random model starts near ln(vocab) = ln(320) = 5.77; training on repetitive text lowers it.
      expect(p1.firstLoss).toBeGreaterThan(4.5);
      expect(p1.lastLoss).toBeLessThan(p1.firstLoss - 1);
      expect(p1.epochs).toHaveLength(2);
      expect(p1.epochs[1]!.trainLoss).toBeLessThan(p1.epochs[0]!.trainLoss);
      expect(p1.records).toMatchObject({ kept: 24, rejected: 1, dropped: { train_unknown_format: 1 } });
      // Phase two starts from phase one's model, not from the random one.
      expect(p2.firstLoss).toBeLessThan(p1.firstLoss - 1);

      const s = store();
      const modelRef = stepOf(state, 'train-reasoning').outputs.model!;
      const gguf = await readGguf(await s.localPath(modelRef));
      const dataRef = stepOf(state, 'data').outputs.records!;
      expect(plainValue(gguf.metadata.get('forgeline.phase'))).toBe('reasoning');
      expect(plainValue(gguf.metadata.get('forgeline.training_data.sha256'))).toBe(dataRef.sha256);
      expect(plainValue(gguf.metadata.get('forgeline.training_data.lineage'))).toEqual([dataRef.sha256, dataRef.sha256]);
      expect(plainValue(gguf.metadata.get('general.license'))).toBe('Apache-2.0');
      expect(plainValue(gguf.metadata.get('llama.context_length'))).toBe(2048);

      const curve = JSON.parse(await fs.readFile(await s.localPath(stepOf(state, 'train-calibration').outputs.progress!), 'utf8')) as { kind: string; loss?: number; lr?: number; tokensPerSec?: number }[];
      const steps = curve.filter((l) => l.kind === 'step');
      expect(steps.length).toBeGreaterThan(4);
      for (const l of steps) expect(l).toMatchObject({ loss: expect.any(Number), lr: expect.any(Number), tokensPerSec: expect.any(Number) });
      const rejects = await fs.readFile(await s.localPath(stepOf(state, 'train-calibration').outputs.rejects!), 'utf8');
      expect(JSON.parse(rejects.trim())).toMatchObject({ line: 4, reason: 'train_unknown_format' });

      const q8 = stepOf(state, 'quantize-Q8_0').metadata as { bytes: number; ratioToF16: number; probe: { generatedTokens: number } };
      const q4 = stepOf(state, 'quantize-Q4_K_M').metadata as { bytes: number; ratioToF16: number; probe: { generatedTokens: number } };
      expect(q8.bytes).toBeLessThan(modelRef.bytes);
      expect(q4.bytes).toBeLessThan(q8.bytes);
      expect(q8.ratioToF16).toBeLessThan(0.6);
      expect(q4.probe.generatedTokens).toBeGreaterThan(0);
      const q4file = await readGguf(await s.localPath(stepOf(state, 'quantize-Q4_K_M').outputs.model!));
      expect(plainValue(q4file.metadata.get('forgeline.training_data.sha256'))).toBe(dataRef.sha256);
      expect(plainValue(q4file.metadata.get('general.description'))).toBe('test model');
    } finally {
      await close();
    }
  }, 900_000);

  it('cancelling the run kills the trainer process', async () => {
    const data = path.join(env.FORGELINE_HOME!, 'train-cancel.jsonl');
    await writeDataset(data, 24);
    const { client, close } = await testClient(env);
    try {
      const runId = await startRun(client, {
        pipeline: 'test-train',
        params: { data, phases: [{ name: 'cancel', epochs: 5, learningRate: 1e-3 }], tag: `-c${Date.now()}` },
      });
      let pid: number | undefined;
      for (let i = 0; i < 300 && pid === undefined; i++) {
        await new Promise((r) => setTimeout(r, 1000));
        pid = trainerPid();
      }
      expect(pid).toBeDefined();
      await client.workflow.getHandle(runId).cancel();
      const final = await awaitRun(client, runId);
      expect(final.temporalStatus).toBe('CANCELLED');
      let alive = true;
      // The worker learns of the cancellation with its next heartbeat (throttled by the SDK), then kills the child.
      for (let i = 0; i < 240 && alive; i++) {
        try {
          process.kill(pid!, 0);
          await new Promise((r) => setTimeout(r, 500));
        } catch {
          alive = false;
        }
      }
      expect(alive).toBe(false);
    } finally {
      await close();
    }
  }, 600_000);

  it('a trainer killed mid-run is retried and resumes from its last checkpoint', async () => {
    const data = path.join(env.FORGELINE_HOME!, 'train-resume.jsonl');
    // Enough steps that training outlasts the SDK's heartbeat throttle (24 s), so a heartbeat naming
    // a checkpoint reaches the server before the run ends, on an idle machine too.
    await writeDataset(data, 80);
    const { client, close } = await testClient(env);
    try {
      const runId = await startRun(client, {
        pipeline: 'test-train',
        params: { data, phases: [{ name: 'resume', epochs: 2, learningRate: 2e-3 }], checkpointEvery: 2, tag: `-r${Date.now()}` },
      });
      const handle = client.workflow.getHandle(runId);
      // Wait until a heartbeat names a checkpoint, then kill the trainer child process.
      let checkpointStep = 0;
      for (let i = 0; i < 600 && checkpointStep === 0; i++) {
        await new Promise((r) => setTimeout(r, 1000));
        const d = await handle.describe();
        for (const a of d.raw.pendingActivities ?? []) {
          const payload = a.heartbeatDetails?.payloads?.[0]?.data;
          if (!payload) continue;
          const details = JSON.parse(Buffer.from(payload).toString('utf8')) as { resume?: { step: number } };
          checkpointStep = details.resume?.step ?? 0;
        }
      }
      expect(checkpointStep).toBeGreaterThan(0);
      const trainer = trainerPid();
      expect(trainer).toBeDefined();
      process.kill(trainer!, 'SIGKILL');

      const final = await awaitRun(client, runId);
      expect(final.temporalStatus).toBe('COMPLETED');
      const m = stepOf(final.state!, 'train-resume').metadata as { attempt: number; resumedFromStep: number; steps: number; stepsThisAttempt: number; lastLoss: number; firstLoss: number };
      expect(m.attempt).toBe(2);
      expect(m.resumedFromStep).toBeGreaterThanOrEqual(checkpointStep);
      expect(m.stepsThisAttempt).toBe(m.steps - m.resumedFromStep);
      expect(m.lastLoss).toBeLessThan(m.firstLoss);
      // Each attempt wrote its own checkpoint folder (the killed one's is never read again: the retry
      // resumed from the store), and none is left behind.
      const left = await fs.readdir(path.join(env.FORGELINE_HOME!, 'tmp', 'checkpoints')).catch(() => [] as string[]);
      expect(left.filter((f) => f.startsWith(runId))).toEqual([]);
    } finally {
      await close();
    }
  }, 900_000);
});
