/**
 * Start a pipeline from code with typed params, wait for it, and list recent runs. Run it, with a
 * worker up, after `npm run build`:
 *   node dist/docs/examples/typed-client.js
 * (TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE as for the CLI). Type-checked and run by
 * tests/triggers/typed-client.test.ts. In your own project, import from the forgeline package
 * instead of the relative paths used here.
 */
import { pathToFileURL } from 'node:url';
import { Connection, Client } from '@temporalio/client';
import { createForgelineClient, RunFailedError } from '../../core/client/typed.js';
import smoke from '../../pipelines/smoke.js';

export async function main(): Promise<void> {
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
  try {
    const forgeline = createForgelineClient(new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' }), { smoke });

    // params are typed from smoke's zod schema: { input?: string; minChars?: number }.
    // forgeline.startPipeline('smoke', { minChars: 'twelve' }) or { minchars: 12 } does not compile.
    const run = await forgeline.startPipeline('smoke', { minChars: 12 });
    console.log(`started ${run.runId}`);
    try {
      const result = await run.result();
      console.log(`${run.runId}: ${result.status}`);
      for (const step of result.steps) console.log(`  ${step.id} (${step.kind}) ${step.status}`);
    } catch (err) {
      if (!(err instanceof RunFailedError)) throw err;
      console.error(`${err.runId} ${err.temporalStatus}: ${err.message}`);
      process.exitCode = 1;
    }

    for (const r of await forgeline.listRuns({ pipeline: 'smoke', limit: 5 })) {
      console.log(`${r.runId} ${r.temporalStatus} ${r.outcome ?? ''} ${r.startedAt}`);
    }
  } finally {
    await connection.close();
  }
}

// Run main() when this file is the script node was started with, not when a test imports it.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
