import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { awaitRun, startRun } from '../../core/client/runs.js';
import { CPU_QUEUE, GPU_QUEUES } from '../../core/workflow-safe/queues.js';
import { cli, isolatedNamespace, startWorker, testClient, testEnv } from '../support/harness.js';
import { CLI, REPO_ROOT } from '../support/paths.js';
import { nvidiaDevices } from '../../workers/gpu.js';

describe('forgeline worker --gpu', () => {
  it('refuses an unknown family and combining --gpu with --queues', async () => {
    const env = await testEnv();
    const bad = await cli(['worker', '--gpu', 'rocm'], env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--gpu rocm: expected cuda, metal, auto');
    // A name every object inherits is not a family either.
    const inherited = await cli(['worker', '--gpu', 'constructor'], env);
    expect(inherited.code).not.toBe(0);
    expect(inherited.stderr).toContain('--gpu constructor: expected cuda, metal, auto');
    const both = await cli(['worker', '--gpu', 'cuda', '--queues', 'gpu-cuda'], env);
    expect(both.code).not.toBe(0);
    expect(both.stderr).toContain('leave out --queues');
  });

  it('on a host without a GPU, a GPU worker does not start (it never quietly runs on CPU)', async () => {
    if (nvidiaDevices().length > 0 || (process.platform === 'darwin' && process.arch === 'arm64')) return; // a GPU host: nothing to refuse
    const env = await testEnv();
    const r = await cli(['worker', '--gpu', 'auto'], env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--gpu auto: no CUDA or Metal device found \(nvidia-smi: 0 devices; node-llama-cpp supports: [^)]*\); run a CPU worker instead/);
  });
});

/**
 * A CUDA worker end to end on a host without a GPU. nvidia-smi is replaced by a script that prints
 * what the real one printed for this query on an H100 host (two such lines, for two devices), and
 * only for the exact query the worker sends. The worker is told to use device 1 alone
 * (CUDA_VISIBLE_DEVICES); llama.cpp then finds no CUDA runtime and runs on the CPU, so the run shows
 * the routing, the device pinning and node-llama-cpp's CUDA package loading, not GPU speed.
 */
describe('forgeline worker --gpu cuda, with nvidia-smi replaced', () => {
  const H100 = 'NVIDIA H100 80GB HBM3, 81559'; // `nvidia-smi --query-gpu=index,name,memory.total --format=csv,noheader,nounits` on an H100 host

  async function fakeNvidiaSmi(home: string): Promise<string> {
    const bin = path.join(home, 'fake-bin');
    await fs.mkdir(bin, { recursive: true });
    const script = [
      '#!/bin/sh',
      'if [ "$*" = "--query-gpu=index,name,memory.total --format=csv,noheader,nounits" ]; then',
      `  printf '0, ${H100}\\n1, ${H100}\\n'`,
      'else',
      '  echo "unexpected arguments: $*" >&2; exit 2',
      'fi',
    ].join('\n');
    await fs.writeFile(path.join(bin, 'nvidia-smi'), `${script}\n`, { mode: 0o755 });
    return bin;
  }

  it('polls gpu-cuda, runs the run\'s training and quantization there pinned to its device, and the loss falls', async () => {
    // Its own namespace: the GPU worker stays listed as a gpu-cuda poller after it stops.
    const env = await testEnv({ TEMPORAL_NAMESPACE: isolatedNamespace() });
    const bin = await fakeNvidiaSmi(env.FORGELINE_HOME!);
    const gpuEnv = { ...env, PATH: `${bin}${path.delimiter}${env.PATH ?? ''}`, CUDA_VISIBLE_DEVICES: '1', FORGELINE_LOG_LEVEL: 'info' };
    const cpuWorker = await startWorker(env);
    const gpuWorker = spawn(process.execPath, [CLI, 'worker', '--gpu', 'cuda'], { env: gpuEnv, cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    gpuWorker.stdout.on('data', (d: Buffer) => (out += d.toString()));
    gpuWorker.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<void>((r) => gpuWorker.once('exit', () => r()));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setInterval(() => {
          if (out.includes('worker ready')) {
            clearInterval(timer);
            resolve();
          } else if (gpuWorker.exitCode !== null) {
            clearInterval(timer);
            reject(new Error(`the GPU worker exited: ${out}`));
          }
        }, 100);
      });
      expect(out).toContain(`gpu 1: NVIDIA H100 80GB HBM3, 81559 MiB (cuda, queue ${GPU_QUEUES.cuda}; nvidia-smi`);
      expect(out).not.toContain('gpu 0:');

      const data = path.join(env.FORGELINE_HOME!, 'train.jsonl');
      const who = ['the cat', 'a dog', 'the bird', 'my friend'];
      await fs.writeFile(data, `${Array.from({ length: 24 }, (_, i) => JSON.stringify({ instruction: `What does ${who[i % 4]} do?`, output: `${who[i % 4]} sees ${who[(i + 1) % 4]} every day.` })).join('\n')}\n`);
      const { client, close } = await testClient(env);
      try {
        const params = { data, device: 'cuda', phases: [{ name: 'gpu', epochs: 2, learningRate: 3e-3 }], quantize: ['Q8_0'], tag: `-gpu-${Date.now()}` };
        const run = await awaitRun(client, await startRun(client, { pipeline: 'test-train', params }));
        expect(run.failure).toBeUndefined();
        const steps = run.state!.steps;
        const train = steps.find((s) => s.id === 'train-gpu')!;
        const quantize = steps.find((s) => s.id === 'quantize-Q8_0')!;
        for (const s of [train, quantize]) expect(s).toMatchObject({ status: 'succeeded', taskQueue: GPU_QUEUES.cuda });
        expect(steps.find((s) => s.id === 'data')!.taskQueue).toBe(CPU_QUEUE);
        const meta = train.metadata as { device: string; gpuDevice?: string; firstLoss: number; lastLoss: number };
        expect(meta.device).toBe('cuda');
        expect(meta.gpuDevice).toBe('1');
        expect(meta.lastLoss).toBeLessThan(meta.firstLoss);
        expect(run.state!.notes.join(' ')).not.toMatch(/no worker polls gpu-cuda/);
      } finally {
        await close();
      }
    } finally {
      if (gpuWorker.exitCode === null) gpuWorker.kill('SIGTERM');
      await exited;
      await cpuWorker.stop();
    }
  }, 300_000);
});
