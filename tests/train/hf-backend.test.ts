import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { plainValue, readGguf } from '../../native/gguf-writer.js';
import { defaultPython } from '../../activities/train/backends/hf.js';
import { awaitRun, startRun } from '../../core/client/runs.js';
import { REPO_ROOT } from '../support/paths.js';
import { startWorker, testClient, testEnv, type RunningWorker } from '../support/harness.js';

/**
 * The `hf` backend end to end on CPU: transformers + peft in the venv that scripts/setup-hf.sh makes
 * (the README's test command runs it), a tiny llama folder built here by
 * python/make_tiny_hf_model.py, two LoRA phases through Temporal, convert_hf_to_gguf.py from
 * node-llama-cpp's llama.cpp source, and a Q8_0 file that node-llama-cpp loads.
 */
let env: NodeJS.ProcessEnv;
let worker: RunningWorker;
let modelDir: string;
const python = defaultPython();

beforeAll(async () => {
  if (!existsSync(python)) throw new Error(`no hf venv at ${python}: run scripts/setup-hf.sh (npm test does)`);
  env = await testEnv();
  modelDir = path.join(env.FORGELINE_HOME!, 'tiny-hf');
  execFileSync(python, [path.join(REPO_ROOT, 'python/make_tiny_hf_model.py'), modelDir], { stdio: 'pipe' });
  worker = await startWorker(env);
}, 300_000);
afterAll(async () => {
  await worker?.stop();
});

async function writeDataset(file: string): Promise<void> {
  const labels = ['TLP:AMBER', 'TLP:GREEN', 'TLP:RED'];
  const lines = Array.from({ length: 30 }, (_, i) =>
    JSON.stringify({ instruction: 'Classify the text', input: `share with partners ${i}`, output: labels[i % 3] }),
  );
  await fs.writeFile(file, `${lines.join('\n')}\n`);
}

type TrainMeta = { backend: string; device: string; firstLoss: number; lastLoss: number; steps: number; epochs: { trainLoss: number; validLoss: number | null }[]; details: { method: string; trainableParameters: number } };

describe('train step (hf backend: transformers + peft) through Temporal', () => {
  it('trains two LoRA phases chained by merged weights, converts to GGUF and quantizes a file that loads', async () => {
    const data = path.join(env.FORGELINE_HOME!, 'tlp.jsonl');
    await writeDataset(data);
    const { client, close } = await testClient();
    try {
      const run = await awaitRun(client, await startRun(client, { pipeline: 'test-train-hf', params: { data, baseModel: modelDir, python, checkpointEvery: 4 } }));
      expect(run.failure).toBeUndefined();
      const steps = run.state!.steps;
      const meta = (id: string) => steps.find((s) => s.id === id)!.metadata as unknown as TrainMeta;
      const one = meta('train-1');
      const two = meta('train-2');
      for (const m of [one, two]) {
        expect(m).toMatchObject({ backend: 'hf', device: 'cpu', details: { method: 'lora' } });
        expect(m.epochs).toHaveLength(3);
        expect(m.epochs[0]!.validLoss).not.toBeNull();
      }
      // LoRA on q/k/v/o of 2 layers, r 8: 2 x 4 x (64x8 + 8x64) parameters train, not the whole model.
      expect(one.details.trainableParameters).toBe(2 * 4 * (64 * 8 + 8 * 64));
      expect(one.lastLoss).toBeLessThan(one.firstLoss);
      // Phase two starts from phase one's merged weights, so it starts where phase one ended.
      expect(two.firstLoss).toBeLessThan(one.firstLoss);
      const model = steps.find((s) => s.id === 'train-2')!.outputs.model!;
      const gguf = await readGguf(model.uri.replace('file://', ''));
      expect(plainValue(gguf.metadata.get('general.architecture'))).toBe('llama');
      const q = steps.find((s) => s.id === 'quantize')!;
      expect(q.status).toBe('succeeded');
      expect((q.metadata as { probe?: { generatedTokens: number } }).probe?.generatedTokens).toBeGreaterThan(0);
    } finally {
      await close();
    }
  }, 600_000);
});
