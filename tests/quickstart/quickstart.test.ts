import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { cli, testEnv } from '../support/harness.js';

/**
 * The README's first command without a terminal: it runs the quickstart pipeline to the end,
 * prints where the model and the report are, and exits 0 leaving nothing running.
 */
describe('npx forgeline quickstart', () => {
  it('runs the whole chain, prints the model and report paths, and exits', async () => {
    const env = await testEnv({ FORGELINE_PIPELINES: '' });
    const res = await cli(['quickstart'], env, 900_000);
    expect(res.stderr).not.toMatch(/forgeline quickstart:/);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/quickstart-\S+: succeeded/);
    const model = /quantize\.model: (\S+\.gguf)/.exec(res.stdout)?.[1];
    const report = /report\.html: (\S+)/.exec(res.stdout)?.[1];
    expect(model && existsSync(model)).toBe(true);
    expect(report && existsSync(report)).toBe(true);
    expect(readFileSync(report!, 'utf8')).toContain('<svg');
  }, 900_000);
});
