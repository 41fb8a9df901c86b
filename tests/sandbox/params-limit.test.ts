import { describe, expect, it } from '@jest/globals';
import { awaitRun, startRun } from '../../core/client/runs.js';
import { MAX_PARAMS_BYTES } from '../../core/workflow-safe/params-limit.js';
import { CPU_QUEUE, WORKFLOW_TYPE } from '../../core/workflow-safe/queues.js';
import { testClient, useTestWorker } from '../support/harness.js';

useTestWorker();

/** Params just over the limit: well under gRPC's 4 MB, so only Forgeline's own check can refuse them. */
const oversized = () => ({ blob: 'x'.repeat(MAX_PARAMS_BYTES + 1) });

describe('params over the documented limit', () => {
  it('are refused by the client before the run starts, with the advice to pass data by reference', async () => {
    const { client, close } = await testClient();
    try {
      await expect(startRun(client, { pipeline: 'smoke', params: oversized() })).rejects.toThrow(/over the 262144-byte limit.*pass data by reference/);
    } finally {
      await close();
    }
  });

  it('fail the run at once when started without the client (Web UI, another SDK)', async () => {
    const { client, close } = await testClient();
    try {
      const runId = `params-limit-${Date.now()}`;
      await client.workflow.start(WORKFLOW_TYPE, { taskQueue: CPU_QUEUE, workflowId: runId, args: [{ pipeline: 'smoke', params: oversized() }] });
      const run = await awaitRun(client, runId);
      expect(run.temporalStatus).toBe('FAILED');
      expect(run.failure).toMatch(/over the 262144-byte limit.*pass data by reference/);
    } finally {
      await close();
    }
  });

  it('are accepted at the limit', async () => {
    const { client, close } = await testClient();
    try {
      // Unknown params fail validation, which proves the size check let them through to planning.
      const runId = await startRun(client, { pipeline: 'smoke', params: { blob: 'x'.repeat(MAX_PARAMS_BYTES - 20) } });
      const run = await awaitRun(client, runId);
      expect(run.failure).toContain('invalid params for pipeline "smoke"');
    } finally {
      await close();
    }
  });
});
