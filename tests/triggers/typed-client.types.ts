/**
 * Compile-time checks of the typed client. The main build compiles this file, so a line marked
 * `@ts-expect-error` that stops being an error breaks the build; typed-client.test.ts also strips
 * the markers and checks that each of those lines fails for the reason given.
 */
import type { Client } from '@temporalio/client';
import { createForgelineClient, type RunHandle } from '../../core/client/typed.js';
import testChain from '../pipelines/test-chain.js';
import testGate from '../pipelines/test-gate.js';

export async function typeChecks(client: Client): Promise<void> {
  const forgeline = createForgelineClient(client, { 'test-chain': testChain, 'test-gate': testGate });
  const run: RunHandle<'test-chain'> = await forgeline.startPipeline('test-chain', { length: 2, tag: 'x' });
  await forgeline.startPipeline('test-chain', {});
  await forgeline.startPipeline('test-gate', { input: 'week.jsonl', threshold: 10 }, { cache: false });
  await forgeline.listRuns({ pipeline: 'test-gate' });
  void run.result();

  // @ts-expect-error [number] length is a number
  await forgeline.startPipeline('test-chain', { length: 'two' });
  // @ts-expect-error [unknown] no param named lenght
  await forgeline.startPipeline('test-chain', { lenght: 2 });
  // @ts-expect-error [required] test-gate needs its input file
  await forgeline.startPipeline('test-gate', { threshold: 10 });
  // @ts-expect-error [pipeline] no such pipeline
  await forgeline.startPipeline('no-such-pipeline', {});
  // @ts-expect-error [other] input belongs to test-gate, not test-chain
  await forgeline.startPipeline('test-chain', { input: 'week.jsonl' });
  // @ts-expect-error [list] listRuns takes only known pipelines
  await forgeline.listRuns({ pipeline: 'no-such-pipeline' });
}
