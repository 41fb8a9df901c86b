import { afterEach, describe, expect, it } from '@jest/globals';
import fs from 'node:fs/promises';
import path from 'node:path';
import { FakeAnthropic, type MessageBody } from '../support/fake-anthropic.js';
import { cli, testEnv } from '../support/harness.js';
import { generate, readJsonl, tempHome } from './helpers.js';

const KEY = 'sk-ant-self-instruct';
const SEEDS = [
  { instruction: 'Write a Python function that reverses a string', input: '', output: 'def rev(s):\n    return s[::-1]' },
  { instruction: 'Classify the sentiment of a movie review', input: 'I loved it', output: 'positive' },
  { instruction: 'Convert a temperature from Celsius to Fahrenheit', input: '21', output: '69.8' },
];
const TOPICS = ['haiku about rivers', 'SQL join of orders and customers', 'regex for ISO dates', 'summary of a meeting', 'unit test for a parser', 'packing list for a hike', 'email declining an invitation', 'limerick about cats'];

let fake: FakeAnthropic | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

describe('self-instruct expansion', () => {
  it('keeps only tasks below ROUGE-L 0.7 against the seeds and the pool, regenerating near-copies', async () => {
    const asked = new Map<number, number>();
    const reply = (body: MessageBody): string => {
      const user = body.messages[0]!.content;
      const slot = Number(/new task number (\d+)/.exec(user)![1]);
      const n = (asked.get(slot) ?? 0) + 1;
      asked.set(slot, n);
      expect(user).toContain('Seed tasks:');
      // Slot 0 always echoes a seed; even slots echo one on their first try; the rest are new.
      if (slot === 0 || (slot % 2 === 0 && n === 1)) return JSON.stringify({ ...SEEDS[slot % SEEDS.length]!, instruction: SEEDS[slot % SEEDS.length]!.instruction + '.' });
      return JSON.stringify({ instruction: `Write a ${TOPICS[slot]!} (task ${slot})`, input: '', output: `Here is the ${TOPICS[slot]!}.` });
    };
    fake = new FakeAnthropic({ reply, apiKey: KEY });
    const url = await fake.start();
    const home = await tempHome();
    const seeds = path.join(home, 'seeds.jsonl');
    await fs.writeFile(seeds, SEEDS.map((s) => JSON.stringify(s)).join('\n') + '\n');
    const run = await generate(
      { provider: 'anthropic', preset: 'self-instruct', count: 8, maxAttempts: 3, anthropic: { mode: 'messages', concurrency: 1 } },
      { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: url },
      { home, seeds },
    );
    expect(run.records).toHaveLength(7);
    expect(run.rejects).toEqual([expect.objectContaining({ line: 1, reason: 'not_novel' })]);
    expect(run.metadata).toMatchObject({ families: { self_instruct: { retried: { not_novel: 2 + 3 }, rejected: { not_novel: 1 } } } });
    for (const r of run.records) expect(String(r.instruction)).toMatch(/^Write a .* \(task \d+\)$/);
  });
});

describe('forgeline stage generate', () => {
  it('runs from the CLI with no input, writing examples and rejects', async () => {
    const env = await testEnv();
    const dir = await tempHome();
    const out = path.join(dir, 'out.jsonl');
    const rejects = path.join(dir, 'rejects.jsonl');
    const r = await cli(['stage', 'generate', '--out', out, '--rejects', rejects, '--config', JSON.stringify({ provider: 'template', preset: 'cypher', count: 40 })], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toMatchObject({ stage: 'generate', kept: 40, rejected: 0 });
    expect(await readJsonl(out)).toHaveLength(40);
    expect(await readJsonl(rejects)).toHaveLength(0);
    const bad = await cli(['stage', 'generate', '--out', out, '--config', JSON.stringify({ provider: 'template', count: 0 })], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('config.count');
  });
});
