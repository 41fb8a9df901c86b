import { proxyActivities } from '@temporalio/workflow';

/**
 * Temporal by itself, for the orchestration benchmark's reference figures: `n` empty activities side
 * by side or one after another, each with the options and an input the size of a Forgeline step's,
 * and nothing else (no plan, no state, no lineage). What a Forgeline run costs beyond this is
 * Forgeline's.
 */
export async function referenceDag(shape: 'chain' | 'fanout', n: number): Promise<void> {
  if (shape === 'fanout') {
    await Promise.all(Array.from({ length: n }, (_, i) => noopStep(i)));
    return;
  }
  for (let i = 0; i < n; i++) await noopStep(i);
}

function noopStep(i: number): Promise<unknown> {
  const { noop } = proxyActivities<{ noop(input: unknown): Promise<unknown> }>({
    activityId: `noop-${i}`,
    summary: `step noop-${i} (bench-noop)`,
    startToCloseTimeout: '6 hours',
    heartbeatTimeout: '15 seconds',
    retry: { maximumAttempts: 3, initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
  });
  return noop({ runId: 'bench-dag-20261123T000000-abcdef', stepId: `noop-${i}`, kind: 'bench-noop', options: { i, salt: '0.1234567890123456' }, inputs: {}, cache: false });
}
