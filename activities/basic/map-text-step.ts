import { z } from 'zod';
import { defineStep } from '../../core/dsl/step-kind.js';
import { readRecords, RecordsWriter } from '../../core/stage/records-io.js';

const OPS = {
  upper: (s: string) => s.toUpperCase(),
  lower: (s: string) => s.toLowerCase(),
  trim: (s: string) => s.trim(),
  collapse_whitespace: (s: string) => s.replace(/\s+/g, ' ').trim(),
} as const;

/** Applies a string operation to chosen fields; records without the field pass unchanged. */
export const mapTextStep = defineStep({
  kind: 'map-text',
  description: 'Apply a text operation (upper, lower, trim, collapse_whitespace) to fields of every record',
  module: import.meta.url,
  inputs: { records: { kind: 'records' } },
  outputs: { records: 'records' },
  options: z.object({ fields: z.array(z.string()).min(1), op: z.enum(Object.keys(OPS) as [keyof typeof OPS]) }).strict(),
  cli: { in: 'records', out: 'records' },
  async run(ctx, inputs, options) {
    const out = await RecordsWriter.open(ctx.store);
    const op = OPS[options.op];
    for await (const { value } of readRecords(ctx.store, inputs.records)) {
      for (const f of options.fields) if (typeof value[f] === 'string') value[f] = op(value[f]);
      await out.write(value);
    }
    const records = await out.commit(inputs.records.schema);
    return { outputs: { records }, metadata: { records: records.records } };
  },
});
