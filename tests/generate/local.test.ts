import { beforeAll, describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { boundStrings } from '../../activities/generate/providers/local.js';
import { buildTinyModel } from '../../activities/models/tiny-model.js';
import { generate, tempHome } from './helpers.js';

describe('local provider (node-llama-cpp, tiny GGUF built by the test)', () => {
  let modelPath: string;
  beforeAll(async () => {
    modelPath = path.join(await tempHome(), 'tiny.gguf');
    await buildTinyModel(modelPath);
  });

  it('bounds every string of the grammar', () => {
    const s = boundStrings({ type: 'object', properties: { a: { type: 'string' }, b: { type: 'string', maxLength: 10 }, c: { enum: ['x'] } } }, 40);
    expect(s).toEqual({ type: 'object', properties: { a: { type: 'string', maxLength: 40 }, b: { type: 'string', maxLength: 10 }, c: { enum: ['x'] } } });
  });

  it('every reply of a random-weight model parses under the JSON-schema grammar, across batched sequences', async () => {
    const run = await generate({
      provider: 'local',
      preset: 'tlp',
      count: 6,
      maxAttempts: 1,
      maxTokens: 1024,
      local: { modelPath, gpu: 'cpu', sequences: 3, contextSize: 2048, threads: 1, maxStringChars: 24 },
    });
    const m = run.metadata as { kept: number; rejected: number; dropped: Record<string, number>; usage: { total: { requests: number; outputTokens: number } } };
    expect(m.kept + m.rejected).toBe(6);
    expect(m.usage.total.requests).toBe(6);
    expect(m.usage.total.outputTokens).toBeGreaterThan(0);
    // A random model says random things, but always as JSON of the reply's shape: no reply fails to
    // parse and none is cut off. It may pick another TLP level than the one asked for, which the
    // label check rejects.
    for (const reason of Object.keys(m.dropped)) expect(['label_not_in_set', 'empty_field']).toContain(reason);
    for (const r of run.records) expect(Object.keys(r).sort()).toEqual(['id', 'input', 'instruction', 'meta', 'output', 'reasoning']);
  });

  it('with no model named, runs the embedded base model (SmolLM2-135M-Instruct), and every reply parses under the grammar', async () => {
    const run = await generate({
      provider: 'local',
      preset: 'json-expert',
      count: 3,
      maxAttempts: 1,
      maxTokens: 512,
      local: { gpu: 'cpu', sequences: 3, contextSize: 4096, temperature: 0, maxStringChars: 160 },
    });
    const m = run.metadata as { model: string; kept: number; rejected: number; dropped: Record<string, number>; usage: { total: { requests: number; outputTokens: number } } };
    expect(m.model).toBe('local:SmolLM2-135M-Instruct.Q4_1.gguf');
    expect(m.kept + m.rejected).toBe(3);
    expect(m.usage.total.outputTokens).toBeGreaterThan(0);
    // A real model's reply can fail the family's checks (a wrong answer), but never the transport:
    // nothing is cut off, nothing fails to parse.
    for (const reason of Object.keys(m.dropped)) expect(['provider_error', 'truncated', 'reply_not_json', 'reply_schema_mismatch']).not.toContain(reason);
    for (const r of run.records) expect(typeof r.output).toBe('string');
  }, 600_000);

  it('reports a model that cannot be loaded as a clear error', async () => {
    await expect(generate({ provider: 'local', preset: 'tlp', count: 1, local: { modelPath: '/nonexistent/model.gguf', gpu: 'cpu' } })).rejects.toMatchObject({ code: 'DEPENDENCY_MISSING' });
  });
});
