import { describe, expect, it } from '@jest/globals';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { awaitRun, startRun } from '../../core/client/runs.js';
import { testClient, useTestWorker } from '../support/harness.js';

const { env } = useTestWorker();

describe('a lineage store that stays down', () => {
  it('costs a note for every step of the failed batch, not the run', async () => {
    // A folder where the journal should be: every append fails (EISDIR), through all four attempts.
    await mkdir(path.join(env.FORGELINE_HOME!, 'lineage', 'journal.jsonl'), { recursive: true });
    const { client, close } = await testClient();
    try {
      const final = await awaitRun(client, await startRun(client, { pipeline: 'test-parallel', params: { width: 3, ms: 200, tag: `down-${Date.now()}` } }));
      expect(final.temporalStatus).toBe('COMPLETED');
      expect(final.state!.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
      const notes = final.state!.notes.filter((n) => n.startsWith('lineage of step'));
      for (const step of ['sleep-0', 'sleep-1', 'sleep-2', 'join']) {
        expect(notes.filter((n) => n.startsWith(`lineage of step "${step}" was not recorded: `))).toHaveLength(1);
      }
      expect(notes).toHaveLength(4);
      expect(notes[0]).toMatch(/EISDIR/);
    } finally {
      await close();
    }
  });
});
