import { z } from 'zod';
import { defineStep } from '../../core/dsl/step-kind.js';
import { readRecords, RecordsWriter } from '../../core/stage/records-io.js';

/** Fan-in: the records of every part, in the order the parts are listed. */
export const concatStep = defineStep({
  kind: 'concat',
  description: 'Concatenate several record artifacts into one',
  module: import.meta.url,
  inputs: { parts: { kind: 'records', many: true } },
  outputs: { records: 'records' },
  options: z.object({}).strict(),
  async run(ctx, inputs) {
    const out = await RecordsWriter.open(ctx.store);
    for (const part of inputs.parts) for await (const { value } of readRecords(ctx.store, part)) await out.write(value);
    const schemas = new Set(inputs.parts.map((p) => p.schema));
    const records = await out.commit(schemas.size === 1 ? [...schemas][0]! : 'any');
    return { outputs: { records }, metadata: { records: records.records, parts: inputs.parts.length } };
  },
});
