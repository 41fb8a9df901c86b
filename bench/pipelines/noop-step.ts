import { z } from 'zod';
import { defineStep } from '../../core/dsl/step-kind.js';
import { writeJsonArtifact } from '../../core/stage/records-io.js';

/** A step that does nothing but write a tiny report: what is left of its time is orchestration. */
export const noopStep = defineStep({
  kind: 'bench-noop',
  description: 'benchmark: no-op step',
  module: import.meta.url,
  inputs: { after: { kind: 'report', optional: true } },
  outputs: { report: 'report' },
  options: z.object({ i: z.number().int(), salt: z.string() }).strict(),
  async run(ctx, _inputs, options) {
    return { outputs: { report: await writeJsonArtifact(ctx.store, { i: options.i }, 'report', 'noop') } };
  },
});
