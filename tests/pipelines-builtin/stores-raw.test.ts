import { describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { buildStepKindRegistry } from '../../activities/registry.js';
import { awaitRun, startRun } from '../../core/client/runs.js';
import { compilePipeline } from '../../core/dsl/compile.js';
import { definePipeline } from '../../core/dsl/pipeline.js';
import { loadPipelines } from '../../core/registry/pipelines.js';
import { testClient, useTestWorker } from '../support/harness.js';

/**
 * Issue 24, item 9: a pipeline that writes a user's raw source to the store says so in its
 * definition (`storesRaw: true`), and the run report shows it; one that does not say so is named.
 */
useTestWorker();

const RAW = /^stores raw source/;

describe('storesRaw', () => {
  it('every built-in pipeline that stores a source file as read declares it, and relationship-coach stores none', async () => {
    const pipelines = await loadPipelines();
    const kinds = buildStepKindRegistry(pipelines);
    const notes = (name: string) => compilePipeline(pipelines.get(name)!.definition, {}, (k) => kinds.get(k)).notes.filter((n) => RAW.test(n));
    expect(notes('relationship-coach')).toEqual([]);
    expect(notes('smoke')).toEqual(['stores raw source (storesRaw: true): steps "load", "validate" write their input files to the store as read, without a PII scrub']);
    expect(notes('cypher-expert')).toEqual(['stores raw source (storesRaw: true): step "seed-examples" writes its input file to the store as read, without a PII scrub']);
    for (const name of ['smoke', 'quickstart', 'cypher-expert', 'json-expert', 'tlp-classifier', 'reasoning-curriculum', 'relationship-coach']) {
      expect(notes(name).filter((n) => n.includes('without declaring'))).toEqual([]);
    }
    // An undeclared raw store is named, with the two ways out.
    const undeclared = definePipeline({
      name: 'undeclared',
      description: 'reads a file into the store',
      params: z.object({ input: z.string().default('data/smoke.jsonl') }),
      build(p, params) {
        const load = p.step('load', 'read-jsonl', { path: params.input });
        p.step('scrubbed', 'validate', { path: params.input, scrub: {} });
        p.step('stats', 'field-stats', {}, { records: load.out('records') });
      },
    });
    expect(compilePipeline(undeclared, {}, (k) => kinds.get(k)).notes).toEqual([
      'stores raw source without declaring it: step "load" writes its input file to the store unscrubbed; scrub as it is read (validate\'s "scrub") or declare storesRaw: true in pipeline "undeclared"',
    ]);
  });

  it("the run report shows the declaration", async () => {
    const { client, close } = await testClient();
    try {
      const s = await awaitRun(client, await startRun(client, { pipeline: 'smoke', params: {} }));
      expect(s.state?.status).toBe('succeeded');
      expect(s.state!.notes).toContain('stores raw source (storesRaw: true): steps "load", "validate" write their input files to the store as read, without a PII scrub');
      const page = await readFile(s.state!.report!.html.uri.replace('file://', ''), 'utf8');
      expect(page).toContain('stores raw source (storesRaw: true): steps &quot;load&quot;, &quot;validate&quot;');
    } finally {
      await close();
    }
  }, 300_000);
});
