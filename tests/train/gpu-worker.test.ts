import { describe, expect, it } from '@jest/globals';
import { cli, testEnv } from '../support/harness.js';
import { nvidiaDevices } from '../../workers/gpu.js';

describe('forgeline worker --gpu', () => {
  it('refuses an unknown family and combining --gpu with --queues', async () => {
    const env = await testEnv();
    const bad = await cli(['worker', '--gpu', 'rocm'], env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--gpu rocm: expected cuda, metal, auto');
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
